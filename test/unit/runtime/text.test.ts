// textOf: the text of the bytes, always, whether it came from the cache or not (string identity,
// what the cache saves, is not observable in JavaScript, so only the text is asserted).
import { describe, expect, it } from 'vitest';
import { textOf } from '../../../runtime/text.js';

describe('textOf', () => {
  it('gives the UTF-8 text of any bytes, cached or not', () => {
    const samples = ['', 'content-type', 'application/vnd.kafka.avro.v2+binary', 'ünïcödé', '😀', 'x'.repeat(64), 'y'.repeat(65), 'a\u0000b'];
    for (let round = 0; round < 3; round++) for (const s of samples) expect(textOf(Buffer.from(s))).toBe(s);
    const framed = Buffer.from('..correlation-id..');
    expect(textOf(framed, 2, 16)).toBe('correlation-id');
  });

  it('stays right when many distinct values share the cache', () => {
    // 5,000 distinct values in 512 slots: collisions replace entries, never mix them up.
    const values = Array.from({ length: 5_000 }, (_, i) => `value-${i}-${(i * 7919).toString(36)}`);
    for (let round = 0; round < 2; round++) for (const v of values) expect(textOf(Buffer.from(v))).toBe(v);
  });
});
