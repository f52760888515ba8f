// UTF-8 text of short byte strings that repeat record after record (header names, and header
// values such as the content type, event type, producer and schema id): the same string is
// returned each time, found by its bytes, instead of a new one per record.
const SLOTS = 512;
const slots: Array<string | undefined> = new Array(SLOTS);

/** `buf[start, end)` as UTF-8 text; short ASCII runs come from (and go into) a small cache. */
export function textOf(buf: Buffer, start = 0, end = buf.length): string {
  const n = end - start;
  if (n > 64) return buf.toString('utf8', start, end);
  let h = 0x811c9dc5 ^ n;
  for (let i = start; i < end; i++) {
    const b = buf[i]!;
    if (b > 0x7f) return buf.toString('utf8', start, end); // ASCII only: then a byte is a char
    h = Math.imul(h ^ b, 0x01000193);
  }
  // Direct-mapped: a value that never repeats (a UUID) only displaces one slot.
  const slot = (h >>> 0) % SLOTS;
  const known = slots[slot];
  if (known !== undefined && known.length === n) {
    let i = 0;
    while (i < n && known.charCodeAt(i) === buf[start + i]) i++;
    if (i === n) return known;
  }
  return (slots[slot] = buf.toString('latin1', start, end));
}
