import crypto from 'node:crypto';
import os from 'node:os';
import express from 'express';
import { validateSignature } from '@line/bot-sdk';
import type { Bot } from '../../conversation/bot';
import { KeyedLock } from '../../conversation/keyed-lock';
import { linkActionLanguage, type OutMessage, type Turn } from '../../conversation/messages';
import type { Translate } from '../../i18n';
import type { Language } from '../../knowledge/schema';
import type { Logger } from '../../logger';
import type { LinkStore } from '../../storage/link-store';
import { startLinking } from './linking';
import type { EventDedupStore } from '../../storage/event-dedup';
import type { EventInbox } from '../../storage/event-inbox';
import { redactMessage } from '../../escalation/redact';
import { shortEnoughForASecret } from '../../conversation/hearing';
import { DeliveryError, LineApiError, LineClient, type RetryOptions } from './client';
import { renderPlain, renderReply } from './render';
import { saveScreenshot, userHash, type ImageMessageRef } from './screenshots';
import { InFlight } from '../in-flight';

/**
 * POST /webhooks/line. LINE wants an answer within 2 seconds and redelivers what it did not see
 * acknowledged, so the route checks the signature on the raw bytes, keeps the new events in the
 * inbox, answers 200 and only then works through them: one user's events in order, each event
 * at most once. LINE does not redeliver an acknowledged event, so one this instance could not
 * answer (it was killed) is answered from the inbox by another instance, or this one restarted.
 */

export interface LineRouterDeps {
  bot: Bot;
  line: { channelSecret: string; channelAccessToken: string; apiBaseUrl: string };
  /** Ids that must act once (group notes). */
  dedup: EventDedupStore;
  /** Events from their 200 to their answer, so that a live instance finishes what a dead one acknowledged. */
  inbox: EventInbox;
  /** How often this instance says it is alive and adopts orphans, and how long it counts as alive. */
  adoption?: { everyMs: number; aliveMs: number };
  dataDir: string;
  log: Logger;
  t: Translate;
  /** Clock for the reply-token window (tests). */
  now?: () => number;
  /** Backoff and timeouts of LINE API calls (tests make the waits instant). */
  retry?: Partial<RetryOptions>;
  /** Account linking: which BigSeller account a LINE user proved, and where they sign in. */
  linking?: { links: LinkStore; loginUrl: string };
  /**
   * The typing dots are shown only when an answer takes longer than this (a status check, a
   * download): a quick answer needs none, and skips an API call that would delay it.
   */
  loadingAfterMs?: number;
  /** Events being worked on past which the webhook's 200 waits for its answers: backpressure. */
  maxInFlight?: number;
  /** Called with the number of events adopted from a stopped instance (metrics). */
  onAdopted?: (count: number) => void;
  /** Called once a picture is kept (`ref` relative to DATA_DIR/screenshots), e.g. to share it with the mail worker. */
  onScreenshotKept?: (ref: string) => Promise<void>;
}

const LINK_COMMAND = /^\s*(?:link(?: my)? (?:bigseller )?account|เชื่อม(?:ต่อ)?บัญชี(?:\s*bigseller)?|ผูกบัญชี)\s*(?:ค่ะ|ครับ|คะ|นะ)?\s*$/i;
const UNLINK_COMMAND = /^\s*(?:unlink(?: my)? (?:bigseller )?account|unlink|ยกเลิก(?:การ)?(?:เชื่อม(?:ต่อ)?|ผูก)บัญชี)\s*(?:ค่ะ|ครับ|คะ|นะ)?\s*$/i;

export type LineRouter = express.Router & {
  /** Resolves when every event received so far has been handled (tests, graceful shutdown). */
  idle(): Promise<void>;
  /** Graceful shutdown: stops adopting, finishes what it holds, lets others adopt at once. */
  close(): Promise<void>;
};

/** When an event was handed to us, and whether it was adopted from a stopped instance. */
interface Receipt {
  at: number;
  adopted: boolean;
}

/**
 * The event as the inbox keeps it: what a seller typed is stored only with secrets removed, as
 * the conversation reads it when it is given (`heard`: the whole message masked after an
 * announced password), else by the shape rules.
 */
function keptBody(event: LineEvent, heard?: string): string {
  const text = event.message?.text;
  return JSON.stringify(typeof text === 'string' ? { ...event, message: { ...event.message, text: heard ?? redactMessage(text).text } } : event);
}

const BODY_LIMIT = '1mb';
const DEFAULT_LOADING_AFTER_MS = 400;
const DEFAULT_MAX_IN_FLIGHT = 32;
/** An instance silent for 15 s is taken for dead: its events are answered by another within ~20 s. */
const DEFAULT_ADOPTION = { everyMs: 5_000, aliveMs: 15_000 };
/** How long handled events wait to leave the inbox together. */
const DONE_BATCH_MS = 20;
/** LINE redelivers for a while after a failed delivery; remembering ids for a week is plenty. */
const EVENT_TTL_SECONDS = 7 * 24 * 3600;
/** The group note is said once per group, not after every message its members write. */
const GROUP_NOTE_TTL_SECONDS = 30 * 24 * 3600;
/** LINE does not publish the reply token's lifetime; past ~50 s a push is the reliable way. */
const REPLY_WINDOW_MS = 50_000;

/** The parts of LINE's webhook events this channel reads; anything else may be missing. */
interface LineSource {
  type?: string;
  userId?: string;
  groupId?: string;
  roomId?: string;
}

interface LineEvent {
  type?: string;
  mode?: string;
  webhookEventId?: string;
  deliveryContext?: { isRedelivery?: boolean };
  replyToken?: string;
  source?: LineSource;
  message?: {
    id?: string;
    type?: string;
    text?: string;
    contentProvider?: ImageMessageRef['contentProvider'];
    imageSet?: { id?: string; index?: number; total?: number };
  };
  postback?: { data?: string };
  link?: { result?: string; nonce?: string };
}

const THAI = /[\u0E00-\u0E7F]/;

function languageOf(texts: (string | undefined)[]): Language {
  const joined = texts.filter(Boolean).join(' ');
  return THAI.test(joined) || !/[a-z]/i.test(joined) ? 'th' : 'en';
}

function textsOf(messages: OutMessage[]): string[] {
  return messages.flatMap((m) => {
    switch (m.type) {
      case 'text':
        return [m.text];
      case 'steps':
        return [m.title, ...m.steps];
      case 'choices':
        return [m.text];
      case 'card':
        return [m.title, m.text ?? ''];
      case 'image':
        return [m.caption];
      case 'link':
        return [m.label];
    }
  });
}

function chatOf(source: LineSource | undefined): { kind: 'user' | 'group' | 'room'; id: string } | undefined {
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

export function createLineRouter(deps: LineRouterDeps): LineRouter {
  const { bot, dedup, inbox, dataDir, log, t } = deps;
  const adoption = deps.adoption ?? DEFAULT_ADOPTION;
  const owner = `${os.hostname()}:${process.pid}:${crypto.randomBytes(4).toString('hex')}`;
  const now = deps.now ?? Date.now;
  const client = new LineClient({ channelAccessToken: deps.line.channelAccessToken, apiBaseUrl: deps.line.apiBaseUrl, retry: deps.retry }, log);
  const lock = new KeyedLock();
  const inflight = new InFlight();
  const maxInFlight = deps.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
  /** Events accepted and not yet answered (the backpressure measure). */
  let working = 0;

  async function send(event: LineEvent, to: string, messages: OutMessage[], rx: Receipt): Promise<void> {
    if (messages.length === 0) return;
    const lang = languageOf(textsOf(messages));
    const opts = { choiceHint: t(lang, 'choiceHint') };
    const target = {
      to,
      replyToken: event.replyToken,
      replyUsable: now() - rx.at < REPLY_WINDOW_MS,
      // Adopted from a stopped instance: a used token means that instance's reply went out.
      replyMayBeUsed: rx.adopted,
      retryKeySeed: typeof event.webhookEventId === 'string' ? event.webhookEventId : undefined,
    };
    try {
      await client.deliver(target, renderReply(messages, opts));
    } catch (err) {
      const failure = err instanceof DeliveryError ? err.failure : err;
      // A 400 before anything went out means LINE refused our rendering (a limit we did not
      // know of): plain text still gets the answer, and numbered choices, to the seller.
      if (err instanceof DeliveryError && err.sent === 0 && failure instanceof LineApiError && failure.status === 400) {
        log.error({ err: failure }, 'LINE refused the rendered reply, sending it as plain text');
        try {
          await client.deliver({ ...target, retryKeySeed: target.retryKeySeed && `${target.retryKeySeed}:plain` }, renderPlain(messages, opts));
        } catch (again) {
          log.error({ err: again }, 'LINE reply not delivered');
        }
        return;
      }
      log.error({ err }, 'LINE reply not delivered');
    }
  }

  /** One turn of a 1:1 chat through the core, then its answer to the seller. */
  async function converse(
    event: LineEvent,
    userId: string,
    part: Pick<Turn, 'kind'> & Partial<Turn>,
    rx: Receipt,
    opts: { loading?: boolean; silent?: boolean } = {},
  ): Promise<void> {
    let loading: Promise<void> | undefined;
    const loadingTimer = opts.loading ? setTimeout(() => (loading = client.showLoading(userId)), deps.loadingAfterMs ?? DEFAULT_LOADING_AFTER_MS) : undefined;
    const links = deps.linking?.links;
    const accountId = links ? () => links.accountOf(userId).catch(() => undefined) : undefined;
    const requestId = typeof event.webhookEventId === 'string' ? event.webhookEventId : undefined;
    const turn: Turn = {
      channel: 'line',
      conversationId: userId,
      userId,
      at: new Date(now()).toISOString(),
      requestId,
      replayId: requestId,
      ...(deps.linking ? { accountLinking: true } : {}),
      ...part,
    };
    let messages: OutMessage[];
    try {
      messages = await bot.handle(turn, { accountId });
    } catch (err) {
      log.error({ err, requestId, user: userHash(userId), kind: turn.kind }, 'LINE turn failed');
      messages = [{ type: 'text', text: t(languageOf([turn.text]), 'error.generic'), act: 'error' }];
    }
    clearTimeout(loadingTimer);
    // The dots must be on before the answer arrives, or they would linger after it.
    await loading;
    if (opts.silent) return;
    await send(event, userId, messages, rx);
  }

  async function groupNote(event: LineEvent, chat: { kind: 'group' | 'room'; id: string }, rx: Receipt): Promise<void> {
    let first = true;
    try {
      first = await dedup.claim(`line:group-note:${chat.id}`, GROUP_NOTE_TTL_SECONDS);
    } catch (err) {
      log.error({ err }, 'group note bookkeeping failed');
    }
    // Joining always gets the note; afterwards only the first message of the group does.
    if (!first && event.type !== 'join') return;
    const text = [t('th', 'line.groupOnly'), t('en', 'line.groupOnly')].join('\n\n');
    await send(event, chat.id, [{ type: 'text', text, act: 'unsupported' }], rx);
  }

  async function handleEvent(event: LineEvent, rx: Receipt): Promise<void> {
    const chat = chatOf(event.source);
    const type = event.type;
    if (type === 'accountLink') return onAccountLink(event, rx);
    if (!chat || (type !== 'message' && type !== 'postback' && type !== 'follow' && type !== 'unfollow' && type !== 'join')) {
      log.debug({ type }, 'LINE event ignored');
      return;
    }
    if (chat.kind !== 'user') {
      if (type === 'join' || type === 'message') await groupNote(event, { kind: chat.kind, id: chat.id }, rx);
      return;
    }
    const userId = chat.id;
    switch (type) {
      case 'follow':
        return converse(event, userId, { kind: 'start' }, rx);
      case 'unfollow':
        await bot.forget({ channel: 'line', conversationId: userId });
        log.info({ user: userHash(userId) }, 'LINE user unfollowed: conversation forgotten');
        return;
      case 'postback': {
        const data = event.postback?.data;
        if (!data) return;
        // "Link my account", offered by the core when a status check needs the account.
        const linkLang = deps.linking ? linkActionLanguage(data) : undefined;
        if (linkLang) return startLink(event, userId, linkLang, rx);
        return converse(event, userId, { kind: 'action', action: data }, rx, { loading: true });
      }
      case 'message':
        return onMessage(event, userId, rx);
    }
  }

  async function onMessage(event: LineEvent, userId: string, rx: Receipt): Promise<void> {
    const m = event.message;
    switch (m?.type) {
      case 'text':
        // Only LINE can sign an event, but a text that is not a string must not throw mid-request.
        if (typeof m.text !== 'string' || !m.text.trim()) return;
        if (deps.linking && LINK_COMMAND.test(m.text)) return startLink(event, userId, languageOf([m.text]), rx);
        if (deps.linking && UNLINK_COMMAND.test(m.text)) return unlink(event, userId, m.text, rx);
        return converse(event, userId, { kind: 'message', text: m.text }, rx, { loading: true });
      case 'sticker':
        return converse(event, userId, { kind: 'sticker' }, rx);
      case 'image': {
        const screenshot = m.id ? await saveScreenshot({ client, dataDir, userId, message: { id: m.id, contentProvider: m.contentProvider }, log }) : undefined;
        if (screenshot && deps.onScreenshotKept) {
          // Not sharing it costs the mail its attachment, never the conversation.
          await deps.onScreenshotKept(screenshot.ref).catch((err: unknown) => log.warn({ err }, 'screenshot not shared with the mail worker'));
        }
        // An album arrives as one event per picture: one acknowledgement (for the last) is enough.
        const set = m.imageSet;
        const silent = Boolean(set && typeof set.index === 'number' && typeof set.total === 'number' && set.index < set.total);
        return converse(event, userId, { kind: 'image', ...(screenshot ? { screenshot } : {}) }, rx, { silent });
      }
      case 'file':
      case 'video':
      case 'audio':
        return converse(event, userId, { kind: 'file' }, rx);
      default:
        // A location, or a type LINE adds later: the seller still hears what the bot can read.
        log.debug({ messageType: m?.type }, 'LINE message of a type the bot cannot read');
        return converse(event, userId, { kind: 'other' }, rx);
    }
  }

  /** The seller asked to link: a link token from LINE, and the sign-in URL that carries it. */
  async function startLink(event: LineEvent, userId: string, lang: Language, rx: Receipt): Promise<void> {
    let messages: OutMessage[];
    try {
      const url = await startLinking({
        lineUserId: userId,
        links: deps.linking!.links,
        apiBaseUrl: deps.line.apiBaseUrl,
        channelAccessToken: deps.line.channelAccessToken,
        loginUrl: deps.linking!.loginUrl,
      });
      messages = [
        { type: 'text', text: t(lang, 'line.link.start'), act: 'ask-link' },
        { type: 'link', label: t(lang, 'line.link.button'), url, act: 'ask-link' },
      ];
    } catch (err) {
      log.error({ err, user: userHash(userId) }, 'LINE link token not issued');
      messages = [{ type: 'text', text: t(lang, 'line.link.failed'), act: 'link-failed' }];
    }
    await send(event, userId, messages, rx);
  }

  async function unlink(event: LineEvent, userId: string, text: string, rx: Receipt): Promise<void> {
    const lang = languageOf([text]);
    const removed = await deps.linking!.links.unlink(userId);
    await send(event, userId, [{ type: 'text', text: t(lang, removed ? 'line.link.unlinked' : 'line.link.notLinked'), act: 'link-done' }], rx);
  }

  /** LINE's answer to the sign-in: the nonce links the user, once, if it is theirs and fresh. */
  async function onAccountLink(event: LineEvent, rx: Receipt): Promise<void> {
    const userId = event.source?.userId;
    if (!userId || !deps.linking) {
      log.info({ result: event.link?.result }, 'LINE accountLink event ignored (linking not configured)');
      return;
    }
    const nonce = event.link?.nonce;
    let accountId = event.link?.result === 'ok' && nonce ? await deps.linking.links.consumeNonce(nonce, userId) : undefined;
    if (accountId) await deps.linking.links.link(userId, accountId);
    // Adopted from a stopped instance that had used the nonce and linked before it could say so.
    else if (rx.adopted && event.link?.result === 'ok') accountId = await deps.linking.links.accountOf(userId);
    log.info({ user: userHash(userId), linked: !!accountId, result: event.link?.result }, 'LINE account link');
    const key = accountId ? 'line.link.done' : 'line.link.failed';
    await send(event, userId, [{ type: 'text', text: [t('th', key), t('en', key)].join('\n\n'), act: accountId ? 'link-done' : 'link-failed' }], rx);
  }

  /** An event kept in the inbox, with the time LINE handed it to us. */
  interface Accepted {
    event: LineEvent;
    /** Its inbox entry (none for an event without webhookEventId, or when the inbox failed). */
    inboxId?: string;
    rx: Receipt;
  }

  /**
   * Keeps the request's new events in the inbox: what LINE's 200 promises. Repeats (LINE's
   * redeliveries) and standby events are left out.
   */
  /**
   * A short message of one seller (SECRET_EXPECTED_MAX_WORDS words at most: the only kind the
   * conversation may take whole for a password it was told was coming) as the conversation
   * reads it, so the inbox never keeps that password. Longer ones, groups and a failing store:
   * the shape rules alone (keptBody).
   */
  async function heardBeforeKept(event: LineEvent, receivedAt: number): Promise<string | undefined> {
    const text = event.message?.type === 'text' ? event.message.text : undefined;
    const userId = event.source?.type === 'user' ? event.source.userId : undefined;
    if (typeof text !== 'string' || typeof userId !== 'string' || !shortEnoughForASecret(text)) return undefined;
    try {
      return await bot.hear?.({ channel: 'line', conversationId: userId, userId, kind: 'message', text, at: new Date(receivedAt).toISOString() });
    } catch {
      return undefined;
    }
  }

  async function accept(events: unknown[], receivedAt: number): Promise<Accepted[]> {
    const accepted: Accepted[] = [];
    for (const raw of events) {
      if (!raw || typeof raw !== 'object') continue;
      const event = raw as LineEvent;
      // Standby: another channel (a chat module, a human) has the conversation; we stay silent.
      if (event.mode === 'standby') {
        log.debug({ type: event.type }, 'LINE event in standby mode ignored');
        continue;
      }
      const id = typeof event.webhookEventId === 'string' ? event.webhookEventId : undefined;
      let inboxId: string | undefined;
      if (id) {
        let fresh = true;
        try {
          const key = `line:event:${id}`;
          fresh = await inbox.accept(key, keptBody(event, await heardBeforeKept(event, receivedAt)), receivedAt, owner, EVENT_TTL_SECONDS);
          inboxId = key;
        } catch (err) {
          // Better to risk answering twice (or losing it in a crash) than to drop it now.
          log.error({ err }, 'LINE event could not be kept in the inbox, handling it anyway');
        }
        if (!fresh) {
          log.info({ eventId: id, type: event.type, redelivery: event.deliveryContext?.isRedelivery === true }, 'LINE event already handled');
          continue;
        }
      }
      accepted.push({ event, inboxId, rx: { at: receivedAt, adopted: false } });
    }
    return accepted;
  }

  /** Resolves once every event has been handled (answered, or failed and logged) and left the inbox. */
  async function handle(items: Accepted[]): Promise<void> {
    await Promise.all(
      items.map(({ event, inboxId, rx }) => {
        const chat = chatOf(event.source);
        const key = chat ? `${chat.kind}:${chat.id}` : 'unknown';
        working++;
        return inflight.track(
          lock
            .run(key, () => handleEvent(event, rx))
            .catch((err) => log.error({ err, type: event.type }, 'LINE event failed'))
            .then(() => {
              if (inboxId) finished(inboxId);
            })
            .finally(() => working--),
        );
      }),
    );
  }

  /**
   * Handled events leave the inbox together, a few milliseconds later: one write for many
   * instead of one each. Dying meanwhile is harmless: an event adopted again gets the stored
   * answer of its turn, and its used reply token stops a second reply.
   */
  let finishedIds: string[] = [];
  let flushing: Promise<void> | undefined;
  function finished(inboxId: string): void {
    finishedIds.push(inboxId);
    if (flushing) return;
    flushing = new Promise<void>((resolve) => setTimeout(resolve, DONE_BATCH_MS)).then(async () => {
      const ids = finishedIds;
      finishedIds = [];
      flushing = undefined;
      await inbox.done(ids).catch((err: unknown) => log.warn({ err, count: ids.length }, 'LINE events handled but still in the inbox (they may be answered again)'));
    });
    void inflight.track(flushing);
  }

  /** Takes over the events of instances that stopped before answering them, and answers them. */
  let adopting = false;
  async function adoptOrphans(): Promise<void> {
    if (adopting) return;
    adopting = true;
    try {
      const orphans = await inbox.adoptOrphans(owner, adoption.aliveMs);
      if (orphans.length === 0) return;
      log.warn({ count: orphans.length }, 'LINE events adopted from an instance that stopped before answering them');
      deps.onAdopted?.(orphans.length);
      const items: Accepted[] = [];
      for (const o of orphans) {
        try {
          items.push({ event: JSON.parse(o.body) as LineEvent, inboxId: o.id, rx: { at: o.receivedAt, adopted: true } });
        } catch (err) {
          log.error({ err, inboxId: o.id }, 'LINE inbox entry unreadable, dropped');
          finished(o.id);
        }
      }
      // handle() tracks each event in flight itself (a graceful stop waits for them).
      await handle(items);
    } catch (err) {
      log.warn({ err }, 'LINE inbox check failed (retrying)');
    } finally {
      adopting = false;
    }
  }
  const adopter = setInterval(() => void adoptOrphans(), adoption.everyMs);
  adopter.unref();
  void adoptOrphans();

  const router = express.Router();
  router.post('/', express.raw({ type: () => true, limit: BODY_LIMIT }), (req, res) => {
    let body: unknown = req.body;
    if (!Buffer.isBuffer(body)) {
      // body-parser marks a body it consumed; then a JSON parser ran before us and the exact
      // bytes LINE signed are gone, which no request can fix.
      if ((req as { _body?: boolean })._body) {
        log.error('LINE webhook body was parsed before the signature check: mount the LINE router before any body parser');
        res.status(500).json({ error: 'misconfigured' });
        return;
      }
      body = Buffer.alloc(0);
    }
    const rawBody = body as Buffer;
    const signature = req.get('x-line-signature');
    if (!signature || !validateSignature(rawBody, deps.line.channelSecret, signature)) {
      log.warn({ hasSignature: Boolean(signature) }, 'LINE webhook with a missing or wrong signature refused');
      res.status(401).json({ error: 'invalid signature' });
      return;
    }
    let payload: { events?: unknown };
    try {
      payload = JSON.parse(rawBody.toString('utf8')) as { events?: unknown };
    } catch {
      res.status(400).json({ error: 'invalid JSON' });
      return;
    }
    if (!payload || typeof payload !== 'object' || !Array.isArray(payload.events)) {
      res.status(400).json({ error: 'events array required' });
      return;
    }
    const events = payload.events as unknown[];
    // Normally LINE gets its 200 at once and the answers follow. Past `maxInFlight` events being
    // worked on, the 200 waits for this request's answers: LINE then sends no faster than the
    // bot answers, instead of a backlog growing until reply tokens expire.
    const busy = working >= maxInFlight;
    // LINE reads only the status; an empty body spares the JSON and ETag work on every event.
    const ok = () => void res.status(200).end();
    if (events.length === 0) return ok();
    const receivedAt = now();
    void inflight.track(
      (async () => {
        // The 200 goes only once the events are kept: LINE does not send an acknowledged event again.
        const handled = handle(await accept(events, receivedAt));
        if (!busy) ok();
        await handled;
        if (busy) ok();
      })().catch((err) => {
        log.error({ err }, 'LINE webhook dispatch failed');
        // Nothing was promised yet: LINE redelivers what we could not keep.
        if (!res.headersSent) res.status(500).json({ error: 'internal' });
      }),
    );
  });
  router.use((err: { status?: number; type?: string }, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (res.headersSent) return next(err);
    log.warn({ status: err.status, type: err.type }, 'LINE webhook body refused');
    res.status(err.status && err.status >= 400 && err.status < 600 ? err.status : 500).json({ error: err.type ?? 'error' });
  });

  return Object.assign(router, {
    idle: () => inflight.idle(),
    close: async () => {
      clearInterval(adopter);
      await inflight.idle();
      await inbox.release(owner).catch((err: unknown) => log.warn({ err }, 'LINE inbox release failed'));
      await client.close();
    },
  });
}
