// Compatibility levels, and the check itself: which earlier versions a candidate is compared
// with, and in which direction.
//
//   BACKWARD              the candidate reads data written with the latest version
//   BACKWARD_TRANSITIVE   ... with every earlier version
//   FORWARD               the latest version reads data written with the candidate
//   FORWARD_TRANSITIVE    every earlier version reads data written with the candidate
//   FULL                  both, against the latest version
//   FULL_TRANSITIVE       both, against every earlier version
//   NONE                  no check
//
// "Reads" is Avro schema resolution (reader/writer); for JSON Schema it is "accepts every
// document the other schema accepts".
import { checkAvro, parseAvro, type AvroNode } from './avro.js';
import { CompatError } from './errors.js';
import { checkJsonSchema, loadJsonSchema, type JNode } from './jsonschema.js';
import { LEVELS, type CheckInput, type CheckResult, type CompatibilityLevel, type Reason, type Roles } from './types.js';

export { LEVELS };

export function parseLevel(level: string): CompatibilityLevel {
  const upper = String(level).trim().toUpperCase();
  if ((LEVELS as readonly string[]).includes(upper)) return upper as CompatibilityLevel;
  throw new CompatError('CHECK_USAGE', `unknown compatibility level ${JSON.stringify(level)}`, { hint: `use one of ${LEVELS.join(', ')}` });
}

export function directions(level: CompatibilityLevel): { backward: boolean; forward: boolean; transitive: boolean } {
  return {
    backward: level.startsWith('BACKWARD') || level.startsWith('FULL'),
    forward: level.startsWith('FORWARD') || level.startsWith('FULL'),
    transitive: level.endsWith('_TRANSITIVE'),
  };
}

/**
 * Is `candidate` compatible with the earlier versions at this level? Every reason names a
 * place in the candidate, what changed and the compatible alternative. Throws CompatError for
 * input that cannot be checked (unknown format or level, a schema that does not parse, a
 * reference that resolves to nothing).
 */
export function checkCompatibility(input: CheckInput): CheckResult {
  const level = parseLevel(input.level);
  if (input.format !== 'AVRO' && input.format !== 'JSON') {
    throw new CompatError('CHECK_USAGE', `unknown schema format ${JSON.stringify(input.format)}`, { hint: 'use AVRO or JSON' });
  }
  return input.format === 'AVRO' ? run(avroEngine, input, level) : run(jsonEngine, input, level);
}

function run<N>(engine: Engine<N>, input: CheckInput, level: CompatibilityLevel): CheckResult {
  const candidate = engine.parse(input.candidate, 'candidate', input.references ?? {}, 'new schema');
  const previous = input.previous.map((p, i) =>
    engine.parse(p, 'previous', input.previousReferences?.[i] ?? input.references ?? {}, input.previous.length > 1 ? `previous schema (version ${i + 1} of ${input.previous.length})` : 'previous schema'),
  );
  if (level === 'NONE' || previous.length === 0) return { compatible: true, reasons: [] };

  const { backward, forward, transitive } = directions(level);
  const against = transitive ? previous.map((_, i) => i).reverse() : [previous.length - 1];
  // One reason per (place, rule); for transitive levels, say which versions it breaks against.
  const byKey = new Map<string, { reason: Reason; versions: number[] }>();
  for (const i of against) {
    const roles: Roles = { candidate: 'the new schema', previous: 'the previous schema' };
    const reasons: Reason[] = [];
    if (backward) reasons.push(...engine.backward(candidate, previous[i]!, roles));
    if (forward) {
      // FULL: a change that breaks both ways is one reason, not two.
      const seen = new Set(reasons.map((r) => `${r.path}\u0000${r.rule}`));
      reasons.push(...engine.forward(candidate, previous[i]!, roles).filter((r) => !seen.has(`${r.path}\u0000${r.rule}`)));
    }
    for (const r of reasons) {
      const key = `${r.path}\u0000${r.rule}\u0000${r.message}`;
      const known = byKey.get(key);
      if (known) {
        if (!known.versions.includes(i + 1)) known.versions.push(i + 1);
      } else byKey.set(key, { reason: r, versions: [i + 1] });
    }
  }
  const total = previous.length;
  const reasons = [...byKey.values()].map(({ reason, versions }) => {
    if (!transitive || total === 1 || (versions.length === 1 && versions[0] === total)) return reason;
    versions.sort((a, b) => a - b);
    const list = versions.length === 1 ? `version ${versions[0]}` : `versions ${versions.slice(0, -1).join(', ')} and ${versions.at(-1)}`;
    return { ...reason, message: `${reason.message} (breaks against ${list} of ${total})` };
  });
  return { compatible: reasons.length === 0, reasons };
}

interface Engine<N> {
  parse(schema: unknown, role: 'candidate' | 'previous', references: Readonly<Record<string, unknown>>, label: string): N;
  /** The candidate must read what `previous` wrote. */
  backward(candidate: N, previous: N, roles: Roles): Reason[];
  /** `previous` must read what the candidate writes. */
  forward(candidate: N, previous: N, roles: Roles): Reason[];
}

const avroEngine: Engine<AvroNode> = {
  parse: (schema, _role, references, label) => parseAvro(schema, references, label),
  backward: (candidate, previous, roles) => checkAvro(candidate, previous, true, roles),
  forward: (candidate, previous, roles) => checkAvro(previous, candidate, false, roles),
};

const jsonEngine: Engine<JNode> = {
  parse: (schema, role, references, label) => loadJsonSchema(schema, role, references, label),
  backward: (candidate, previous, roles) => checkJsonSchema(previous, candidate, true, roles),
  forward: (candidate, previous, roles) => checkJsonSchema(candidate, previous, false, roles),
};
