// One schema file -> one TypeScript module: its named types (output and input forms) and,
// per type, a codec/validator, `validateX` and the type guard `isX`. Types used from other
// schema files are imported, never re-declared.
import path from 'node:path';
import { KafkagenError } from '../errors.js';
import type { Model, NamedType, SchemaModule } from '../model.js';
import { jsDoc, stringLiteral, typeIdentifier } from '../names.js';
import { header } from './header.js';
import { type Direction, type TypeTextContext, fieldsText, referencedIds, typeText } from './types.js';

export interface ModuleEmitOptions {
  /** Import specifier of the runtime as seen from the output root (relative specifiers are re-based per module). */
  runtimeImport: string;
  long: 'bigint' | 'number';
}

/** The identifiers a named type contributes to its module. */
export function exportedNames(t: NamedType): { type: string; input: string; codec: string; validate: string; is: string; values: string } {
  return {
    type: t.name,
    input: `${t.name}Input`,
    codec: t.format === 'avro' ? `${t.name}Codec` : `${t.name}Validator`,
    validate: `validate${t.name}`,
    is: `is${t.name}`,
    values: `${t.name}Values`,
  };
}

export function runtimeSpecifier(runtimeImport: string, module: string): string {
  if (!runtimeImport.startsWith('.')) return runtimeImport;
  return relativeSpecifier(path.posix.dirname(module), runtimeImport);
}

/** A relative import specifier from a module folder (under out) to a target (relative to out). */
export function relativeSpecifier(fromDir: string, target: string): string {
  // Both are relative to the output folder; path.posix.relative would resolve them against
  // the process's cwd, and a target above it ('../../runtime') would be clamped at '/'.
  const root = `/${'_/'.repeat(32)}out`;
  const rel = path.posix.relative(path.posix.join(root, fromDir), path.posix.join(root, target));
  return rel.startsWith('.') ? rel : `./${rel}`;
}

export function emitModule(module: SchemaModule, model: Pick<Model, 'types'>, differs: Set<string>, opts: ModuleEmitOptions): string {
  const imports = new Imports(module);
  for (const t of module.types) for (const n of Object.values(exportedNames(t))) imports.reserve(n, t);

  const ctx: TypeTextContext = {
    direction: 'out',
    types: model.types,
    differs,
    resolveName: (target: NamedType, direction: Direction) => {
      const name = direction === 'in' ? exportedNames(target).input : target.name;
      return target.module === module.path ? name : imports.use(target, name);
    },
  };

  const body: string[] = [];
  for (const t of module.types) body.push(declaration(t, ctx, differs, opts));

  const rt = runtimeSpecifier(opts.runtimeImport, module.path);
  const head = [header(module.sourceFile), `import * as runtime from ${stringLiteral(rt)};`];
  if (module.format === 'json') head.push(`import * as validators from ${stringLiteral(`./${path.posix.basename(module.path)}.validate.js`)};`);
  head.push(...imports.statements());
  return `${head.join('\n')}\n\n${body.join('\n')}`;
}

function declaration(t: NamedType, ctx: TypeTextContext, differs: Set<string>, opts: ModuleEmitOptions): string {
  const names = exportedNames(t);
  let out = jsDoc(t.doc);
  const outCtx = { ...ctx, direction: 'out' as const };
  const inCtx = { ...ctx, direction: 'in' as const };
  const isInterface = t.node.kind === 'object' && t.node.additional === undefined && t.node.fields.length > 0;

  if (t.kind === 'enum') {
    out += `export type ${names.type} = ${typeText(t.node, outCtx)};\n\n`;
    out += `/** Every symbol of ${names.type}, in schema order. */\n`;
    out += `export const ${names.values} = [${(t.symbols ?? []).map(stringLiteral).join(', ')}] as const;\n\n`;
    out += `export type ${names.input} = ${names.type};\n`;
  } else if (isInterface && t.node.kind === 'object') {
    out += `export interface ${names.type} {\n${fieldsText(t.node.fields, undefined, outCtx, '')}}\n\n`;
    if (differs.has(t.id)) {
      out += `/** ${names.type} as a producer passes it: fields with a default may be left out. */\n`;
      out += `export interface ${names.input} {\n${fieldsText(t.node.fields, undefined, inCtx, '')}}\n`;
    } else {
      out += `export type ${names.input} = ${names.type};\n`;
    }
  } else {
    out += `export type ${names.type} = ${typeText(t.node, outCtx)};\n\n`;
    out += differs.has(t.id) ? `export type ${names.input} = ${typeText(t.node, inCtx)};\n` : `export type ${names.input} = ${names.type};\n`;
  }
  out += '\n';

  if (t.format === 'avro') {
    const schema = stringLiteral(JSON.stringify(t.avro!.selfContained));
    out += `/** Avro codec for ${names.type}: encode, decode (with schema resolution) and validate. */\n`;
    out += `export const ${names.codec}: runtime.AvroCodec<${names.type}, ${names.input}> = runtime.createAvroType<${names.type}, ${names.input}>(\n  JSON.parse(${schema}),\n  { long: ${stringLiteral(opts.long)} },\n);\n\n`;
  } else {
    out += `/** Ahead-of-time compiled JSON Schema validator for ${names.type}. */\n`;
    out += `export const ${names.codec}: runtime.Validator<${names.type}> = runtime.jsonValidator<${names.type}>(validators.${names.validate});\n\n`;
  }
  out += `/** Checks a value against ${names.type} and lists every problem with its JSON path. */\n`;
  out += `export function ${names.validate}(value: unknown): runtime.ValidationResult<${names.input}> {\n  return ${names.codec}.validate(value);\n}\n\n`;
  out += `/** Type guard: true when the value is a valid ${names.type}. */\n`;
  out += `export function ${names.is}(value: unknown): value is ${names.input} {\n  return ${names.codec}.is(value);\n}\n`;
  return out;
}

/** Tracks imported type names, aliasing any that clash with a local or another import. */
class Imports {
  private readonly taken = new Map<string, string>(); // identifier -> owner key
  private readonly byModule = new Map<string, Map<string, string>>(); // module -> name -> alias

  constructor(private readonly module: SchemaModule) {
    this.taken.set('runtime', '#runtime');
    this.taken.set('validators', '#validators');
  }

  reserve(name: string, t: NamedType): void {
    const owner = `${t.module}#${name}`;
    const existing = this.taken.get(name);
    if (existing && existing !== owner) {
      throw new KafkagenError('NAME_CLASH', `the generated name ${name} is used twice in ${this.module.path}.ts`, { file: t.source.file, pointer: t.source.pointer }, 'rename one of the types (kafkagen derives XInput, XCodec, XValidator and XValues from each type X)');
    }
    this.taken.set(name, owner);
  }

  use(target: NamedType, name: string): string {
    let names = this.byModule.get(target.module);
    if (!names) this.byModule.set(target.module, (names = new Map()));
    const known = names.get(name);
    if (known) return known;
    const owner = `${target.module}#${name}`;
    let alias = name;
    const prefix = typeIdentifier(path.posix.basename(target.module));
    for (let i = 0; this.taken.has(alias) && this.taken.get(alias) !== owner; i++) {
      alias = i === 0 ? `${prefix}${name}` : `${prefix}${name}${i + 1}`;
    }
    this.taken.set(alias, owner);
    names.set(name, alias);
    return alias;
  }

  statements(): string[] {
    const fromDir = path.posix.dirname(this.module.path);
    return [...this.byModule.entries()]
      .map(([mod, names]) => {
        const spec = relativeSpecifier(fromDir, `${mod}.js`);
        const list = [...names.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([n, alias]) => (n === alias ? n : `${n} as ${alias}`));
        return { spec, line: `import type { ${list.join(', ')} } from ${stringLiteral(spec)};` };
      })
      .sort((a, b) => (a.spec < b.spec ? -1 : a.spec > b.spec ? 1 : 0))
      .map((x) => x.line);
  }
}

export { referencedIds };
