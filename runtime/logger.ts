// A pluggable logger: pass pino, winston or console-like objects. The default is quiet
// (warnings and errors to stderr), so a library does not flood an application's output.
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const write = (level: string) => (message: string, fields?: Record<string, unknown>) => {
  process.stderr.write(`[kafkagen] ${level} ${message}${fields ? ` ${JSON.stringify(fields, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}` : ''}\n`);
};

export const defaultLogger: Logger = { debug: () => {}, info: () => {}, warn: write('warn'), error: write('error') };
export const silentLogger: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
