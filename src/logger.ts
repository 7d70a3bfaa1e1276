import pino from 'pino';
import { redact } from './escalation/redact';

export type Logger = pino.Logger;

/**
 * Structured logs. Every string that reaches a log line passes the same redaction as the
 * transcripts, so a password typed in chat cannot leak through an error message either.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: undefined,
    formatters: {
      log: (obj) => scrub(obj) as Record<string, unknown>,
    },
    hooks: {
      logMethod(args, method) {
        const cleaned = args.map((a) => (typeof a === 'string' ? redact(a).text : a)) as Parameters<typeof method>;
        method.apply(this, cleaned);
      },
    },
  });
}

function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redact(value).text;
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { type: value.name, message: redact(value.message).text, stack: value.stack && redact(value.stack).text };
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, depth + 1)]));
}
