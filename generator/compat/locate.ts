// Finds the line of a schema path (`fields[3].type`, `properties.a.maxLength`) in the text of a
// JSON file, for editor links and GitHub annotations. Best effort: a path that does not exist
// in the text (a removed field, a reference into another document) gives the line of its
// nearest existing ancestor; text that is not JSON gives line 1.
import { parsePath, type Segment } from './paths.js';

interface Located {
  /** Offset of the member's key (object members) or of the value (array elements, the root). */
  offset: number;
  children?: Map<Segment, Located>;
}

/** 1-based line of `path` in `text`. */
export function findLine(text: string, path: string): number {
  if (path.includes('#')) return 1; // a path into a referenced document
  const segments = parsePath(path);
  let tree: Located;
  try {
    tree = new PositionParser(text).document();
  } catch {
    return 1;
  }
  if (!segments || segments.length === 0) return lineAt(text, tree.offset);
  let node = tree;
  for (const seg of segments) {
    const next = node.children?.get(seg);
    if (!next) break;
    node = next;
  }
  return lineAt(text, node.offset);
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

class PositionParser {
  private i = 0;
  constructor(private readonly text: string) {}

  document(): Located {
    this.ws();
    const root = this.value(this.i);
    this.ws();
    if (this.i !== this.text.length) throw new Error('trailing text');
    return root;
  }

  private ws(): void {
    while (this.i < this.text.length && ' \t\n\r'.includes(this.text[this.i]!)) this.i++;
  }

  private fail(): never {
    throw new Error(`JSON syntax error at ${this.i}`);
  }

  private value(at: number): Located {
    this.ws();
    const c = this.text[this.i];
    if (c === '{') return this.object(at);
    if (c === '[') return this.array(at);
    if (c === '"') {
      this.string();
      return { offset: at };
    }
    const m = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(this.text.slice(this.i, this.i + 400));
    if (!m) this.fail();
    this.i += m[0].length;
    return { offset: at };
  }

  private string(): string {
    const start = this.i;
    this.i++;
    while (this.i < this.text.length && this.text[this.i] !== '"') this.i += this.text[this.i] === '\\' ? 2 : 1;
    if (this.i >= this.text.length) this.fail();
    this.i++;
    return JSON.parse(this.text.slice(start, this.i)) as string;
  }

  private object(at: number): Located {
    const children = new Map<Segment, Located>();
    this.i++;
    this.ws();
    if (this.text[this.i] === '}') {
      this.i++;
      return { offset: at, children };
    }
    for (;;) {
      this.ws();
      if (this.text[this.i] !== '"') this.fail();
      const keyAt = this.i;
      const key = this.string();
      this.ws();
      if (this.text[this.i] !== ':') this.fail();
      this.i++;
      this.ws();
      const child = this.value(this.i);
      children.set(key, { ...child, offset: keyAt });
      this.ws();
      if (this.text[this.i] === ',') {
        this.i++;
        continue;
      }
      if (this.text[this.i] === '}') {
        this.i++;
        return { offset: at, children };
      }
      this.fail();
    }
  }

  private array(at: number): Located {
    const children = new Map<Segment, Located>();
    this.i++;
    this.ws();
    if (this.text[this.i] === ']') {
      this.i++;
      return { offset: at, children };
    }
    for (let index = 0; ; index++) {
      this.ws();
      children.set(index, this.value(this.i));
      this.ws();
      if (this.text[this.i] === ',') {
        this.i++;
        continue;
      }
      if (this.text[this.i] === ']') {
        this.i++;
        return { offset: at, children };
      }
      this.fail();
    }
  }
}
