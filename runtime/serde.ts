// Kept for imports that predate runtime/serde/ (the serdes now live there).
export * from './serde/index.js';
