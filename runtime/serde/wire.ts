// The Confluent wire format: magic byte 0, the schema id (4 bytes, big-endian), the payload
// (Avro binary, or UTF-8 JSON). Every Confluent serializer in every language reads and writes it.
import { isKafkagenRuntimeError, KafkagenRuntimeError } from '../errors.js';

export const MAGIC_BYTE = 0;

export function frame(schemaId: number, payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(5 + payload.length);
  out[0] = MAGIC_BYTE;
  out.writeUInt32BE(schemaId, 1); // throws on an id outside 0..2^32-1
  payload.copy(out, 5);
  return out;
}

/** Schema id and payload (a view, not a copy). */
export function unframe(buf: Buffer | null | undefined): { schemaId: number; payload: Buffer } {
  if (!buf || buf.length < 5) throw new KafkagenRuntimeError('DESERIALIZE_FAILED', `record value is ${buf ? `${buf.length} bytes` : 'empty'}: too short for the Confluent wire format (magic byte + 4-byte schema id)`);
  if (buf[0] !== MAGIC_BYTE) throw new KafkagenRuntimeError('DESERIALIZE_FAILED', `record value starts with byte ${buf[0]}, not the Confluent magic byte 0: it was not written by a schema-registry serializer`);
  return { schemaId: buf.readUInt32BE(1), payload: buf.subarray(5) };
}

export type DecodeStage = 'deserialize' | 'validate';

/** A record that cannot be read, and where (a dead-letter header). Retrying cannot fix it: it is dead-lettered at once. */
export class DecodeError extends KafkagenRuntimeError {
  constructor(
    readonly stage: DecodeStage,
    cause: unknown,
    code: 'DESERIALIZE_FAILED' | 'UNKNOWN_EVENT_TYPE' = 'DESERIALIZE_FAILED',
  ) {
    const e = isKafkagenRuntimeError(cause) ? cause : new KafkagenRuntimeError(code, (cause as Error)?.message ?? String(cause), { cause });
    super(e.code, e.message, { cause: e, issues: e.issues });
  }
}

/** By shape, not `instanceof` (works across copies of the package). */
export function isDecodeError(e: unknown): e is DecodeError {
  const stage = (e as { stage?: unknown } | null)?.stage;
  return isKafkagenRuntimeError(e) && (stage === 'deserialize' || stage === 'validate');
}
