import type { ImageMessageRef } from './screenshots';

/** The parts of LINE's webhook events this channel reads; anything else may be missing. */
export interface LineSource {
  type?: string;
  userId?: string;
  groupId?: string;
  roomId?: string;
}

export interface LineMessage {
  id?: string;
  type?: string;
  text?: string;
  contentProvider?: ImageMessageRef['contentProvider'];
  imageSet?: { id?: string; index?: number; total?: number };
}

export interface LineEvent {
  type?: string;
  mode?: string;
  webhookEventId?: string;
  deliveryContext?: { isRedelivery?: boolean };
  replyToken?: string;
  source?: LineSource;
  message?: LineMessage;
  postback?: { data?: string };
  link?: { result?: string; nonce?: string };
}

/** When an event was handed to us, and whether it was adopted from a stopped instance. */
export interface Receipt {
  at: number;
  adopted: boolean;
  /** A text message as the inbox keeps it (secrets masked); an adopted event's text is that already. */
  keptText?: string;
}

/** The event's id, when LINE gave one of the right type. */
export function eventIdOf(event: LineEvent): string | undefined {
  return typeof event.webhookEventId === 'string' ? event.webhookEventId : undefined;
}

export function chatOf(source: LineSource | undefined): { kind: 'user' | 'group' | 'room'; id: string } | undefined {
  if (!source) return undefined;
  // Strings only: an id of another JSON type ({"toString": 1}) threw where it became a key, and
  // took the request's other events (and, under backpressure, its 200) with it.
  const id = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  const userId = id(source.userId);
  const groupId = id(source.groupId);
  const roomId = id(source.roomId);
  if (source.type === 'user' && userId) return { kind: 'user', id: userId };
  if (source.type === 'group' && groupId) return { kind: 'group', id: groupId };
  if (source.type === 'room' && roomId) return { kind: 'room', id: roomId };
  return undefined;
}
