// The documented example service compiles under strict against the committed generated/
// code, so the README's example cannot drift from what kafkagen generates.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { strictDiagnostics } from '../../support/compile.js';

const repo = path.resolve(import.meta.dirname, '../../..');

describe('docs/examples', () => {
  it('inspection-service.ts compiles under strict', () => {
    expect(strictDiagnostics([path.join(repo, 'docs/examples/inspection-service.ts')])).toEqual([]);
  });
});
