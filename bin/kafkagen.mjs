#!/usr/bin/env node
// The `kafkagen` command.
// - Installed as a package: runs the compiled CLI in dist/ (made by `npm run build`, which
//   `npm pack` / `npm publish` run through `prepack`). The package ships no TypeScript source.
// - In a checkout of this repo (generator/cli.ts is present): runs the TypeScript source
//   through tsx, so no build step is needed and a leftover dist/ is never used by mistake.
import { existsSync } from 'node:fs';

const source = new URL('../generator/cli.ts', import.meta.url);
const compiled = new URL('../dist/generator/cli.js', import.meta.url);

async function loadCli() {
  if (existsSync(source)) {
    let tsx;
    try {
      tsx = await import('tsx/esm/api');
    } catch (e) {
      // A checkout without its devDependencies: use dist/ if it was built.
      if (!existsSync(compiled)) {
        throw new Error(`kafkagen: running from a checkout needs tsx (run \`npm install\`) or a build (\`npm run build\`): ${e.message}`);
      }
    }
    if (tsx) {
      tsx.register();
      return import(source.href);
    }
  }
  return import(compiled.href);
}

const { main } = await loadCli();
process.exitCode = await main(process.argv.slice(2));
