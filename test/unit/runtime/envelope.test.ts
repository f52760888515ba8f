// The envelope the producer fills (catalog `envelope`): only unset fields, never the caller's object.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { envelopeCorrelationId, fillEnvelope } from '../../../runtime/envelope.js';
import { strictDiagnostics } from '../../support/compile.js';

const envelope = {
  field: 'metadata',
  fill: { event_id: 'uuid', occurred_at: 'now-date', at: 'now-iso', source: 'clientId', correlation_id: 'correlationId', causation_id: 'causationId', cause_or_null: 'causationIdOrNull', version: { const: 3 }, big: { const: 7, bigint: true } },
} as const;
const now = new Date('2026-12-01T10:00:00.000Z');
const ctx = { clientId: 'billing', correlationId: 'corr-1', now };

describe('fillEnvelope', () => {
  it('fills every unset field from its source, creating the envelope when it is missing', () => {
    const out = fillEnvelope(envelope, { id: 'a' } as { id: string; metadata?: Record<string, unknown> }, ctx) as { metadata: Record<string, unknown> };
    expect(out.metadata).toEqual({ event_id: expect.stringMatching(/^[0-9a-f-]{36}$/), occurred_at: now, at: '2026-12-01T10:00:00.000Z', source: 'billing', correlation_id: 'corr-1', cause_or_null: null, version: 3, big: 7n });
    expect('causation_id' in out.metadata).toBe(false); // no causation id given: an optional field stays unset
    expect((fillEnvelope(envelope, { id: 'a' }, { ...ctx, causationId: 'orders/0@5' }) as { metadata?: unknown }).metadata).toMatchObject({ causation_id: 'orders/0@5', cause_or_null: 'orders/0@5' });
  });

  it('keeps what the caller set (null and \'\' count as unset), and leaves the caller\'s object alone', () => {
    const event = { id: 'a', metadata: { event_id: 'mine', source: null, correlation_id: '', version: 1 } };
    const out = fillEnvelope(envelope, event, ctx);
    expect(out.metadata).toMatchObject({ event_id: 'mine', source: 'billing', correlation_id: 'corr-1', version: 1 });
    expect(event.metadata).toEqual({ event_id: 'mine', source: null, correlation_id: '', version: 1 });
    expect(out).not.toBe(event);
  });

  it('returns the event itself when the caller set every filled field (no copy per record)', () => {
    const full = { id: 'a', metadata: { event_id: 'e', occurred_at: now, at: 'x', source: 's', correlation_id: 'c', causation_id: 'd', cause_or_null: 'd', version: 1, big: 1n } };
    expect(fillEnvelope(envelope, full, ctx)).toBe(full);
  });

  it('passes values that are not objects through, for validation to judge', () => {
    expect(fillEnvelope(envelope, 'text', ctx)).toBe('text');
    const wrong = { id: 'a', metadata: 'oops' };
    expect(fillEnvelope(envelope, wrong, ctx)).toBe(wrong);
  });

  it('reads a correlation id the caller put in the envelope, so the header carries the same one', () => {
    expect(envelopeCorrelationId(envelope, { metadata: { correlation_id: 'from-event' } })).toBe('from-event');
    expect(envelopeCorrelationId(envelope, { metadata: { correlation_id: null } })).toBeUndefined();
    expect(envelopeCorrelationId(envelope, { metadata: { correlation_id: '' } })).toBeUndefined();
    expect(envelopeCorrelationId(envelope, {})).toBeUndefined();
  });
});

describe('Enveloped (types)', () => {
  it('makes the filled fields optional on input, and nothing else (test/fixtures/types/envelope.ts, under strict)', () => {
    expect(strictDiagnostics([path.join(import.meta.dirname, '../../fixtures/types/envelope.ts')])).toEqual([]);
  }, 60_000);
});
