import crypto from 'node:crypto';
import pino from 'pino';
import { redact } from './escalation/redact';

export type Logger = pino.Logger;

/**
 * Top-level fields the bot or a platform made (ids, codes, topic events), never typed by a
 * seller. Redaction would mangle some of them (a conversation id looks like a token) and they
 * are what ties log lines together, so they are not redacted; the ones in PRIVATE_IDS are hashed.
 */
const IDENTIFIERS = new Set(['requestId', 'conversation', 'channel', 'kind', 'ticket', 'user', 'events', 'messageId', 'process']);

/**
 * Ids that name a person or open a conversation: a LINE user id (the `conversation` of a LINE
 * turn, and `user`) and a Direct Line conversation id (a bearer-ish id). Logged as idHash().
 */
const PRIVATE_IDS = new Set(['conversation', 'user']);

const HASHED = /^h:[0-9a-f]{12}$/;
/** What screenshots.ts's userHash() gives for a LINE user (the seller's screenshot folder). */
const FOLDER_HASH = /^[0-9a-f]{32}$/;
const LINE_USER_ID = /^U[0-9a-f]{32}$/;

/**
 * A stable, recognisable stand-in for a private id: `h:` and the first 12 hex characters of its
 * SHA-256, so the lines of one conversation still go together without the id itself. A LINE
 * user id is hashed as `line:<id>`, the way userHash() names the seller's screenshot folder,
 * so the folder's 32-character name (which some call sites log as `user`) shortens to the same
 * value, and the folder's name starts with it. Already-hashed values are kept as they are.
 */
export function idHash(id: string): string {
  if (HASHED.test(id)) return id;
  if (FOLDER_HASH.test(id)) return `h:${id.slice(0, 12)}`;
  const digest = crypto.createHash('sha256').update(LINE_USER_ID.test(id) ? `line:${id}` : id).digest('hex');
  return `h:${digest.slice(0, 12)}`;
}

/** An id field's value: a string hashed; anything else is not an id the bot made, so redacted like seller text. */
function hashedId(v: unknown): unknown {
  return typeof v === 'string' ? (v ? idHash(v) : v) : scrub(v);
}

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
      // Serializers (not the formatter) so a child logger's bindings are hashed too.
      serializers: Object.fromEntries([...PRIVATE_IDS].map((k) => [k, hashedId])),
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
