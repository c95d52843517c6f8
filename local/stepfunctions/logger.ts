/**
 * Where the server reports what it does. The orchestrator passes its own
 * logger; alone, the server only reports errors, on stderr.
 */
interface Logger {
  info: (message: string, details?: Record<string, unknown>) => void;
  error: (message: string, details?: Record<string, unknown>) => void;
}

const defaultLogger: Logger = {
  info: () => {},
  error: (message, details) => console.error(`[stepfunctions] ${message}`, details ?? ''),
};

export { defaultLogger, type Logger };
