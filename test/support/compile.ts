// Type-checks generated code the way a user's project would: tsc --strict --noEmit, through
// ts-morph's in-memory project over the real files on disk.
import path from 'node:path';
import { Project, ts } from 'ts-morph';

const repo = path.resolve(import.meta.dirname, '../..');

/** Diagnostics (formatted) for the given .ts files under strict; [] means it compiles. */
export function strictDiagnostics(files: string[]): string[] {
  const project = new Project({
    compilerOptions: {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      // ts-morph's host does not report package.json "type", so NodeNext would treat files as
      // CommonJS; ES2022 + Bundler resolves the same '.js' specifiers as ESM.
      module: ts.ModuleKind.ES2022,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      skipLibCheck: true,
      types: ['node'],
      typeRoots: [path.join(repo, 'node_modules/@types')],
      noUnusedLocals: true,
      exactOptionalPropertyTypes: false,
    },
    skipAddingFilesFromTsConfig: true,
  });
  project.addSourceFilesAtPaths(files);
  const diagnostics = project.getPreEmitDiagnostics();
  return diagnostics.map((d) => {
    const file = d.getSourceFile()?.getFilePath() ?? '';
    const line = d.getLineNumber() ?? 0;
    const message = ts.flattenDiagnosticMessageText(d.compilerObject.messageText, '\n');
    return `${path.relative(repo, file)}:${line}: ${message}`;
  });
}
