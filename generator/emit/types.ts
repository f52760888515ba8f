// TypeNode -> TypeScript type text. Pure functions over the model; the module emitter
// decides where names come from (local or imported) through `resolveName`.
import type { FieldNode, Model, NamedType, TypeNode } from '../model.js';
import { jsDoc, propertyKey, stringLiteral } from '../names.js';
import { TYPE_TAG } from '../../runtime/avro.js';

/** `in`: what a producer passes (defaulted fields optional); `out`: what a consumer receives. */
export type Direction = 'in' | 'out';

export interface TypeTextContext {
  direction: Direction;
  /** The identifier to use for a named type (importing it when it lives in another module). */
  resolveName(type: NamedType, direction: Direction): string;
  types: Map<string, NamedType>;
  /** Ids of named types whose input form differs from their output form. */
  differs: Set<string>;
}

export function typeText(node: TypeNode, ctx: TypeTextContext, indent = ''): string {
  switch (node.kind) {
    case 'primitive':
      return node.type;
    case 'literal':
      return typeof node.value === 'string' ? stringLiteral(node.value) : String(node.value);
    case 'array': {
      const items = typeText(node.items, ctx, indent);
      return needsParens(node.items) ? `Array<${items}>` : `${items}[]`;
    }
    case 'map':
      return `Record<string, ${typeText(node.values, ctx, indent)}>`;
    case 'object':
      return objectText(node.fields, node.additional, ctx, indent);
    case 'union':
      return unique(node.members.map((m) => typeText(m, ctx, indent))).join(' | ') || 'never';
    case 'intersection':
      return unique(node.members.map((m) => wrap(m, typeText(m, ctx, indent)))).join(' & ') || 'unknown';
    case 'ref': {
      const target = ctx.types.get(node.id);
      if (!target) throw new Error(`internal: unresolved type id ${node.id}`);
      const name = ctx.resolveName(target, ctx.differs.has(target.id) ? ctx.direction : 'out');
      return node.tag === undefined ? name : `({ ${propertyKey(TYPE_TAG)}: ${stringLiteral(node.tag)} } & ${name})`;
    }
  }
}

/** The members of an object type, one per line, each with its JSDoc. */
export function fieldsText(fields: FieldNode[], additional: TypeNode | undefined, ctx: TypeTextContext, indent: string): string {
  const inner = indent + '  ';
  let out = '';
  for (const f of fields) {
    const optional = f.optional || (ctx.direction === 'in' && f.optionalOnInput);
    const doc = [f.doc, f.defaultText !== undefined ? `@default ${f.defaultText}` : undefined].filter(Boolean).join('\n\n');
    out += jsDoc(doc, inner);
    out += `${inner}${propertyKey(f.name)}${optional ? '?' : ''}: ${typeText(f.type, ctx, inner)};\n`;
  }
  if (additional) {
    // TypeScript requires every declared property to fit the index signature.
    const value = fields.length > 0 ? 'unknown' : typeText(additional, ctx, inner);
    out += `${inner}[key: string]: ${value};\n`;
  }
  return out;
}

function objectText(fields: FieldNode[], additional: TypeNode | undefined, ctx: TypeTextContext, indent: string): string {
  if (fields.length === 0 && !additional) return 'Record<string, never>';
  if (fields.length === 0 && additional) return `Record<string, ${typeText(additional, ctx, indent)}>`;
  return `{\n${fieldsText(fields, additional, ctx, indent)}${indent}}`;
}

function needsParens(node: TypeNode): boolean {
  return (node.kind === 'union' && node.members.length > 1) || node.kind === 'intersection' || (node.kind === 'ref' && node.tag !== undefined);
}

function wrap(node: TypeNode, text: string): string {
  return node.kind === 'union' && node.members.length > 1 ? `(${text})` : text;
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}

/**
 * Named types whose input form differs from their output form: a field with a default, or
 * a reference to such a type. A least fixed point, so recursive types are handled.
 */
export function typesWithDistinctInput(model: Pick<Model, 'types'>): Set<string> {
  const differs = new Set<string>();
  let changed = true;
  while (changed) {
    changed = false;
    for (const t of model.types.values()) {
      if (!differs.has(t.id) && nodeDiffers(t.node, differs)) {
        differs.add(t.id);
        changed = true;
      }
    }
  }
  return differs;
}

function nodeDiffers(node: TypeNode, differs: Set<string>): boolean {
  switch (node.kind) {
    case 'object':
      return node.fields.some((f) => (f.optionalOnInput && !f.optional) || nodeDiffers(f.type, differs)) || (node.additional !== undefined && nodeDiffers(node.additional, differs));
    case 'array':
      return nodeDiffers(node.items, differs);
    case 'map':
      return nodeDiffers(node.values, differs);
    case 'union':
    case 'intersection':
      return node.members.some((m) => nodeDiffers(m, differs));
    case 'ref':
      return differs.has(node.id);
    default:
      return false;
  }
}

/** Ids of every named type a node refers to, in order of first appearance. */
export function referencedIds(node: TypeNode, out: string[] = []): string[] {
  switch (node.kind) {
    case 'object':
      for (const f of node.fields) referencedIds(f.type, out);
      if (node.additional) referencedIds(node.additional, out);
      break;
    case 'array':
      referencedIds(node.items, out);
      break;
    case 'map':
      referencedIds(node.values, out);
      break;
    case 'union':
    case 'intersection':
      for (const m of node.members) referencedIds(m, out);
      break;
    case 'ref':
      if (!out.includes(node.id)) out.push(node.id);
      break;
  }
  return out;
}
