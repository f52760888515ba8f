// generated/index.ts: one import point for every generated module.
import type { Model } from '../model.js';
import { stringLiteral, typeIdentifier } from '../names.js';
import { header } from './header.js';
import { exportedNames } from './module.js';
import { topicModulePath } from './topic.js';

export function emitIndex(model: Model): string {
  const modules = model.modules.filter((m) => m.types.length > 0);
  // `export *` silently drops a name two modules both export; such modules are exported as
  // namespaces instead, so nothing disappears.
  const owners = new Map<string, number>();
  for (const m of modules) for (const t of m.types) for (const n of Object.values(exportedNames(t))) owners.set(n, (owners.get(n) ?? 0) + 1);
  const lines = [header()];
  for (const m of modules) {
    const clashes = m.types.some((t) => Object.values(exportedNames(t)).some((n) => owners.get(n)! > 1));
    const spec = stringLiteral(`./${m.path}.js`);
    lines.push(clashes ? `export * as ${typeIdentifier(m.path)} from ${spec};` : `export * from ${spec};`);
  }
  // Topic modules: class and descriptor names come from topic names, which are unique.
  for (const t of model.topics) lines.push(`export * from ${stringLiteral(`./${topicModulePath(t)}.js`)};`);
  return `${lines.join('\n')}\n`;
}
