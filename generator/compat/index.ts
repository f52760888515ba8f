export * from './types.js';
export { checkCompatibility, parseLevel, directions } from './levels.js';
export { CompatError, isCompatError, type CompatErrorCode } from './errors.js';
