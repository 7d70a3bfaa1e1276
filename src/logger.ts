import pino from 'pino';
import { redact } from './escalation/redact';

export type Logger = pino.Logger;

/**
 * Top-level fields the bot or a platform made (ids, codes, topic events), never typed by a
 * seller. Redaction would mangle some of them (a conversation id looks like a token) and they
 * are what ties log lines together, so they are logged as they are.
 */
const IDENTIFIERS = new Set(['requestId', 'conversation', 'channel', 'kind', 'ticket', 'user', 'events', 'messageId', 'process']);

/**
 * Structured logs. Every string that reaches a log line passes the same redaction as the
 * transcripts, so a password typed in chat cannot leak through an error message either.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      formatters: {
        log: (obj) => Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, IDENTIFIERS.has(k) ? v : scrub(v)])),
      },
      hooks: {
        logMethod(args, method) {
          const cleaned = args.map((a) => (typeof a === 'string' ? redact(a).text : a)) as Parameters<typeof method>;
          method.apply(this, cleaned);
        },
      },
    },
    destination ?? process.stdout,
  );
}

function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redact(value).text;
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { type: value.name, message: redact(value.message).text, stack: value.stack && redact(value.stack).text };
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, depth + 1)]));
}
