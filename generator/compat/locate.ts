// Finds the line of a schema path (`fields[3].type`, `properties.a.maxLength`) in the text of a
// JSON file, for editor links and GitHub annotations. Best effort: a path that does not exist
// in the text (a removed field, a reference into another document) gives the line of its
// nearest existing ancestor; text that is not JSON gives line 1.
import { lineOfPath } from '../json-position.js';
import { parsePath } from './paths.js';

/** 1-based line of `path` in `text`. */
export function findLine(text: string, path: string): number {
  if (path.includes('#')) return 1; // a path into a referenced document
  return lineOfPath(text, parsePath(path) ?? []);
}
