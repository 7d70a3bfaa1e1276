import { HttpError } from './directline-http';
import { fromActivity } from './render';

/** What the Direct Line routes accept from a client, checked before anything is stored. */

/** Activity types clients send besides messages (Web Chat's typing indicator, backchannel events). */
const IGNORED_TYPES = new Set(['typing', 'event']);

/** A client's watermark: a positive whole number, else from the start. */
export function parseWatermark(value: unknown): number {
  // Only text: the query string may make it a list or an object, and String() of
  // ?watermark[toString]=1 throws.
  const w = typeof value === 'string' || typeof value === 'number' ? Number.parseInt(String(value), 10) : 0;
  return Number.isFinite(w) && w > 0 ? w : 0;
}

export const localeOf = (v: unknown) => (typeof v === 'string' && /^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8}){0,2}$/.test(v) ? v : undefined);

export interface UserMessage {
  text?: string;
  action?: string;
  locale?: string;
  clientActivityID?: string;
}

/**
 * The message in a posted activity; 'ignored' for the activity types accepted and dropped; an
 * HttpError (400, 413) for anything else.
 */
export function userMessageOf(body: unknown, maxText: number): UserMessage | 'ignored' {
  const activity = activityObject(body);
  // Accepted and dropped: Web Chat sends these when configured to, and failing them would
  // show errors to the seller for nothing the bot uses.
  if (typeof activity.type === 'string' && IGNORED_TYPES.has(activity.type)) return 'ignored';
  if (activity.type !== 'message') throw new HttpError(400, 'bad_request', 'Only activities of type "message" are accepted');
  const { text, action } = fromActivity(activity);
  if (!action && !text?.trim()) throw new HttpError(400, 'bad_request', 'A message needs "text" or a button "value" {"action": ...}');
  return { text: checkedLength(text, maxText), action, ...clientFieldsOf(activity) };
}

/**
 * The activity that comes with uploaded pictures (its `activity` part): a message whose text is
 * optional; buttons are not pressed with pictures. An HttpError (400, 413) for anything else.
 */
export function uploadMessageOf(body: unknown, maxText: number): Omit<UserMessage, 'action'> {
  const activity = activityObject(body);
  if (activity.type !== undefined && activity.type !== 'message') throw new HttpError(400, 'bad_request', 'The activity of an upload must be of type "message"');
  const text = typeof activity.text === 'string' && activity.text.trim() ? activity.text : undefined;
  return { text: checkedLength(text, maxText), ...clientFieldsOf(activity) };
}

function activityObject(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new HttpError(400, 'bad_request', 'The body must be a JSON activity object, e.g. {"type":"message","text":"..."}');
  }
  return body as Record<string, unknown>;
}

function checkedLength(text: string | undefined, maxText: number): string | undefined {
  if (text !== undefined && text.length > maxText) {
    throw new HttpError(413, 'too_large', `The message is too long (${text.length} characters; at most ${maxText})`);
  }
  return text;
}

/** What the client says of its message besides its content: its locale, and its own id for it. */
function clientFieldsOf(activity: Record<string, unknown>): Pick<UserMessage, 'locale' | 'clientActivityID'> {
  // Web Chat matches the echo of a message to the one it shows as "sending" by this id, and
  // sends it again when it retries (the message is then not played twice).
  const channelData = activity.channelData as { clientActivityID?: unknown } | undefined;
  const id = channelData?.clientActivityID;
  const clientActivityID = typeof id === 'string' && id !== '' && id.length <= 100 ? id : undefined;
  return { locale: localeOf(activity.locale), clientActivityID };
}
