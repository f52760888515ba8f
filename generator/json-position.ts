// Lines of places in a JSON text, for error messages, editor links and GitHub annotations.
// Positions come from jsonc-parser (a syntax tree with offsets), read in strict JSON mode.
import { type Node, parseTree, type ParseError } from 'jsonc-parser';

const STRICT = { disallowComments: true, allowTrailingComma: false };

/** 1-based line of a character offset. */
export function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Offset of the first JSON syntax error (the text's length when it has none). */
export function syntaxErrorOffset(text: string): number {
  const errors: ParseError[] = [];
  parseTree(text, errors, STRICT);
  return errors[0]?.offset ?? text.length;
}

/**
 * Line of the place `segments` names: an object member's key, an array element, or the root.
 * A place that does not exist (a removed field, a reference into another document) gives its
 * nearest existing ancestor; text that is not JSON gives line 1.
 */
export function lineOfPath(text: string, segments: ReadonlyArray<string | number>): number {
  let node = parseTree(text, [], STRICT);
  if (!node) return 1;
  for (const seg of segments) {
    const next = child(node, seg);
    if (!next) break;
    node = next;
  }
  // A member's value: point at its key, where a reader looks for it.
  return lineOf(text, node.parent?.type === 'property' ? node.parent.offset : node.offset);
}

/** Line of a JSON Pointer (`/fields/2/type`). */
export function lineOfPointer(text: string, pointer: string): number {
  if (pointer === '') return 1;
  return lineOfPath(text, pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')));
}

function child(node: Node, seg: string | number): Node | undefined {
  if (node.type === 'array') {
    const i = typeof seg === 'number' ? seg : /^\d+$/.test(seg) ? Number(seg) : -1;
    return node.children?.[i];
  }
  if (node.type === 'object') {
    const member = node.children?.find((p) => p.children?.[0]?.value === String(seg));
    return member?.children?.[1];
  }
  return undefined;
}
