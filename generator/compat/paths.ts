// Paths into a schema document, written the way a person reads them: `fields[3].type`,
// `properties.metadata.properties.occurred_at`, `$defs["order-line"].required`.
// The empty path is the document root.

export type Segment = string | number;
export type SchemaPath = readonly Segment[];

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

export function renderPath(path: SchemaPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (IDENT.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** Inverse of renderPath. Returns undefined for text that is not such a path. */
export function parsePath(text: string): Segment[] | undefined {
  const segs: Segment[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '[') {
      const close = text[i + 1] === '"' ? findStringEnd(text, i + 1) + 1 : text.indexOf(']', i);
      if (close <= i || text[close] !== ']') return undefined;
      const inner = text.slice(i + 1, close);
      if (/^\d+$/.test(inner)) segs.push(Number(inner));
      else {
        try {
          const key: unknown = JSON.parse(inner);
          if (typeof key !== 'string') return undefined;
          segs.push(key);
        } catch {
          return undefined;
        }
      }
      i = close + 1;
    } else {
      if (c === '.') {
        if (segs.length === 0) return undefined;
        i++;
      }
      const m = /^[A-Za-z_$][A-Za-z0-9_$-]*/.exec(text.slice(i));
      if (!m) return undefined;
      segs.push(m[0]);
      i += m[0].length;
    }
  }
  return segs;
}

function findStringEnd(text: string, quote: number): number {
  for (let i = quote + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return -1;
}

/** A JSON Pointer (`/fields/0/type`, `#/properties/a`) as a path. */
export function pointerToPath(pointer: string): Segment[] {
  const p = pointer.startsWith('#') ? pointer.slice(1) : pointer;
  if (p === '' || p === '/') return [];
  return p
    .split('/')
    .slice(p.startsWith('/') ? 1 : 0)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}
