// One avsc pass over every Avro definition at once. Checking each type's self-contained
// schema separately parses every type it reaches again, which is quadratic when types
// refer to each other in a chain (1,000 schemas took minutes); here each definition is
// parsed exactly once, as a field of one synthetic record.
import { createAvroType } from '../../runtime/avro.js';
import type { NamedType } from '../model.js';

const WRAPPER = 'kafkagen_avsc_check.AllTypes';

/**
 * Whether avsc accepts every type of `types`. `definition(t, defined)` gives the type's
 * schema with full names, inlining the named types not yet in `defined` (and adding them).
 * A false answer is not proof of an error, only a reason to check type by type: a type
 * without a namespace (its name means something else inside a namespaced record) is never
 * checked here, nor is anything that could clash with the synthetic record's name.
 */
export function avscAcceptsAll(types: NamedType[], definition: (t: NamedType, defined: Set<string>) => unknown, opts: { long: 'bigint' | 'number' }): boolean {
  const byName = new Map(types.map((t) => [t.avro!.fullName, t]));
  if (byName.has(WRAPPER) || [...byName.keys()].some((n) => !n.includes('.'))) return false;
  const defined = new Set<string>();
  const fields: Array<{ name: string; type: unknown }> = [];
  const visiting = new Set<string>();
  // References first, so a definition names what it uses instead of nesting it (a chain of
  // references would otherwise nest as deep as it is long).
  const visit = (t: NamedType): void => {
    const name = t.avro!.fullName;
    if (defined.has(name) || visiting.has(name)) return;
    visiting.add(name);
    for (const r of t.avro!.references) {
      const target = byName.get(r);
      if (target) visit(target);
    }
    if (!defined.has(name)) fields.push({ name: `t${fields.length}`, type: definition(t, defined) });
  };
  for (const t of types) visit(t);
  try {
    createAvroType({ type: 'record', name: WRAPPER, fields }, opts);
    return true;
  } catch {
    return false;
  }
}
