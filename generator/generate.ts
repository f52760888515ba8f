// load -> model -> emit. Everything is rendered in memory first, so bad input stops the run
// before a single file is written.
import { performance } from 'node:perf_hooks';
import { KafkagenError, problemOf, throwCollected } from './errors.js';
import type { GeneratorContext } from './context.js';
import type { Model, NamedType, SchemaModule } from './model.js';
import { loadAvroSchemas } from './load/avro.js';
import { loadCatalog } from './load/catalog.js';
import { findSchemaFiles } from './load/files.js';
import { loadJsonSchemas } from './load/jsonschema.js';
import { emitIndex } from './emit/index-file.js';
import { emitJsonValidators } from './emit/json-validators.js';
import { emitModule, runtimeSpecifier } from './emit/module.js';
import { emitRegisterScript, emitRegistryJson } from './emit/registry-file.js';
import { planRegistration } from './registration.js';
import { checkTopicNames, emitTopic, topicModulePath } from './emit/topic.js';
import { typesWithDistinctInput } from './emit/types.js';
import { applyOutput, type WriteSummary } from './write.js';

export function buildModel(ctx: GeneratorContext): Model {
  const files = findSchemaFiles(ctx.schemasDir, ctx.cwd);
  // Avro and JSON Schema files are loaded independently: report both sides' problems at once.
  let avro: ReturnType<typeof loadAvroSchemas> = { modules: [], types: [] };
  let json: ReturnType<typeof loadJsonSchemas> = { modules: [], types: [] };
  throwCollected([
    ...problemOf(() => (avro = loadAvroSchemas(files.filter((f) => f.format === 'avro'), { long: ctx.long }))),
    ...problemOf(() => (json = loadJsonSchemas(files.filter((f) => f.format === 'json')))),
  ]);
  const modules: SchemaModule[] = [...avro.modules, ...json.modules].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const seen = new Map<string, SchemaModule>();
  for (const m of modules) {
    const other = seen.get(m.path);
    if (other) {
      throw new KafkagenError('NAME_CLASH', `${other.sourceFile} and ${m.sourceFile} would both generate ${m.path}.ts`, { file: m.sourceFile }, 'rename one of the files');
    }
    seen.set(m.path, m);
  }
  const types = new Map<string, NamedType>();
  for (const t of [...avro.types, ...json.types]) types.set(t.id, t);
  const topics = ctx.catalog ? loadCatalog(ctx.catalog, types) : [];
  return { modules, types, topics };
}

/** Every generated file, path relative to the output folder -> content. */
export function render(model: Model, ctx: GeneratorContext): Map<string, string> {
  const files = new Map<string, string>();
  const differs = typesWithDistinctInput(model);
  const opts = { runtimeImport: ctx.runtimeImport, long: ctx.long };
  for (const m of model.modules) {
    if (m.types.length === 0) continue;
    files.set(`${m.path}.ts`, emitModule(m, model, differs, opts));
    if (m.format === 'json') {
      const v = emitJsonValidators(m, { runtimeImport: runtimeSpecifier(ctx.runtimeImport, m.path), types: model.types });
      files.set(`${m.path}.validate.js`, v.js);
      files.set(`${m.path}.validate.d.ts`, v.dts);
    }
  }
  files.set('index.ts', emitIndex(model));
  if (model.topics.length > 0) {
    checkTopicNames(model.topics);
    const plan = planRegistration(model, ctx.defaultCompatibility);
    for (const t of model.topics) files.set(`${topicModulePath(t)}.ts`, emitTopic(t, model, plan.bindings.get(t.name)!, opts));
    files.set('registry.json', emitRegistryJson(plan.manifest));
    files.set('register.ts', emitRegisterScript(runtimeSpecifier(ctx.runtimeImport, 'register')));
  }
  return files;
}

export interface GenerateResult extends WriteSummary {
  schemas: number;
  ms: number;
  check: boolean;
}

export function generate(ctx: GeneratorContext, opts: { check: boolean }): GenerateResult {
  const start = performance.now();
  const model = buildModel(ctx);
  const files = render(model, ctx);
  const summary = applyOutput(ctx.outDir, files, opts);
  return { ...summary, schemas: model.modules.length, ms: performance.now() - start, check: opts.check };
}
