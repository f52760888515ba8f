// generated/registry.json (the registration manifest, as data) and generated/register.ts
// (a small script that applies it with the runtime). `kafkagen register` applies the same
// manifest, built from the same model.
import type { RegistrationManifest } from '../registration.js';
import { stringLiteral } from '../names.js';
import { header } from './header.js';

export function emitRegistryJson(manifest: RegistrationManifest): string {
  const data = {
    $comment: header().trim().replace(/^\/\/ /, ''),
    subjects: manifest.subjects.map((s) => ({
      subject: s.subject,
      schemaType: s.schemaType,
      compatibility: s.compatibility,
      role: s.role,
      topics: s.topics,
      references: s.references,
      source: s.source,
      schema: s.schema,
    })),
  };
  return `${JSON.stringify(data, null, 2)}\n`;
}

export function emitRegisterScript(runtimeImport: string): string {
  return `${header()}// Registers registry.json (next to this file) with a schema registry, from your own code or
// build: compile this file with the rest of your TypeScript, then run the compiled script,
//   SCHEMA_REGISTRY_URL=http://localhost:8081 node register.js [--dry-run]
// with registry.json beside it. Or, with no build step, the CLI applies the same manifest:
//   npx kafkagen register [--registry URL] [--dry-run]
import { readFileSync } from "node:fs";
import * as runtime from ${stringLiteral(runtimeImport)};

const manifest = JSON.parse(readFileSync(new URL("./registry.json", import.meta.url), "utf8")) as runtime.RegistrationManifestData;
const url = process.env.SCHEMA_REGISTRY_URL;
if (!url) {
  console.error("register: set SCHEMA_REGISTRY_URL, e.g. http://localhost:8081");
  process.exit(2);
}
const rows = await runtime.applyRegistration(manifest, { url, dryRun: process.argv.includes("--dry-run") });
console.log(runtime.formatRegistrationTable(rows));
process.exitCode = rows.some((r) => r.status === "incompatible") ? 1 : 0;
`;
}
