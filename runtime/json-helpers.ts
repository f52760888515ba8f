// The helpers ajv's standalone validators call, for the generated `<module>.validate.js`
// files: they import them from the runtime (kafkagen depends on ajv and ajv-formats), never
// from ajv directly, which the user's project need not depend on (pnpm, Yarn PnP).
import ucs2lengthModule from 'ajv/dist/runtime/ucs2length.js';
import equalModule from 'ajv/dist/runtime/equal.js';
import { fullFormats } from 'ajv-formats/dist/formats.js';

// These are CommonJS modules with an `exports.default`: Node's ESM import gives the exports
// object, a bundler or a loader that honours __esModule gives the default itself.
function unwrap<T>(module: unknown): T {
  return (typeof module === 'function' ? module : (module as { default: T }).default) as T;
}

/** String length in Unicode code points (what `minLength`/`maxLength` count). */
export const jsonSchemaUcs2length: (value: string) => number = unwrap(ucs2lengthModule);
/** Deep equality (fast-deep-equal), for `const`, `enum` and `uniqueItems` over objects and arrays. */
export const jsonSchemaEqual: (a: unknown, b: unknown) => boolean = unwrap(equalModule);
/** ajv-formats' formats, full mode (as the generator's ajv compiled them), by format name. */
export const jsonSchemaFormats: Readonly<Record<string, unknown>> = fullFormats;
