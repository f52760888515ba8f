// Turning schema text into safe TypeScript: identifiers, property keys, string literals and
// JSDoc. Nothing from a schema reaches generated code except through these functions.

const RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally for ' +
    'function if import in instanceof new null return super switch this throw true try typeof var void while with ' +
    'as implements interface let package private protected public static yield any boolean constructor declare get ' +
    'module require number set string symbol type from of unknown never object bigint undefined async await infer ' +
    'is keyof readonly unique abstract asserts global namespace out accessor satisfies override Infinity NaN'
  ).split(' '),
);

const IDENTIFIER = /^[\p{ID_Start}$_][\p{ID_Continue}$\u200C\u200D]*$/u;

export function isIdentifier(text: string): boolean {
  return IDENTIFIER.test(text) && !RESERVED.has(text);
}

/** A property key: bare when it is a plain identifier, quoted otherwise (keywords are fine as keys). */
export function propertyKey(name: string): string {
  return IDENTIFIER.test(name) && name !== '__proto__' ? name : JSON.stringify(name);
}

/** A string literal; JSON.stringify escapes quotes, backslashes and control characters. */
export function stringLiteral(text: string): string {
  return JSON.stringify(text);
}

/**
 * A type or value identifier from a schema name: PascalCase, non-identifier characters
 * dropped, a leading digit or a reserved word prefixed/suffixed so the result always compiles.
 */
export function typeIdentifier(name: string): string {
  const words = name.split(/[^\p{ID_Continue}$]+/u).filter(Boolean);
  let id = words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
  if (id === '') id = 'Type';
  if (!/^[\p{ID_Start}$_]/u.test(id)) id = `T${id}`;
  if (!isIdentifier(id)) id = `${id}_`;
  return id;
}

/** A JSDoc block, with `*\/` (which would end the comment early) neutralised. */
export function jsDoc(text: string | undefined, indent = ''): string {
  if (text === undefined || text.trim() === '') return '';
  const lines = text
    .replace(/\r\n?/g, '\n')
    .replace(/\*\//g, '*\\/')
    .trim()
    .split('\n')
    .map((l) => l.trimEnd());
  if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${lines.map((l) => `${indent} *${l ? ' ' + l : ''}`).join('\n')}\n${indent} */\n`;
}
