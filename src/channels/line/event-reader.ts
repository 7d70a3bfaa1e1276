import type { Bot } from '../../conversation/bot';
import type { BurstGate } from '../burst-gate';
import { linkActionLanguage, type OutMessage, type Turn } from '../../conversation/messages';
import type { Translate } from '../../i18n';
import type { Language } from '../../knowledge/schema';
import type { Logger } from '../../logger';
import type { EventDedupStore } from '../../storage/event-dedup';
import type { LinkStore } from '../../storage/link-store';
import type { LineClient } from './client';
import { chatOf, eventIdOf, type LineEvent, type LineMessage, type Receipt } from './event';
import type { Accepted } from './inbox-runner';
import { startLinking } from './linking';
import { unansweredTurn, type LinePause } from './pause';
import { languageOf, type SendReply } from './reply';
import type { SellerMenus } from './richmenu/seller-menus';
import { saveScreenshot, userHash } from './screenshots';

/**
 * Reads one LINE event as what it means to the bot: a 1:1 chat's message, postback or follow
 * becomes a turn of the core, whose answer is sent back; a group or room gets a note that the
 * bot works in 1:1 chats only; the account-linking commands and LINE's answer to a sign-in are
 * handled here, outside the core.
 */

export interface EventReaderDeps {
  bot: Bot;
  line: { channelAccessToken: string; apiBaseUrl: string };
  /** Ids that must act once (group notes). */
  dedup: EventDedupStore;
  dataDir: string;
  log: Logger;
  t: Translate;
  /** Account linking: which BigSeller account a LINE user proved, and where they sign in. */
  linking?: { links: LinkStore; loginUrl: string };
  /**
   * The typing dots are shown only when an answer takes longer than this (a status check, a
   * download): a quick answer needs none, and skips an API call that would delay it.
   */
  loadingAfterMs?: number;
  /** Called once a picture is kept (`ref` relative to DATA_DIR/screenshots), e.g. to share it with the mail worker. */
  onScreenshotKept?: (ref: string) => Promise<void>;
  /** Pieces of a message typed in a row are answered once (see BurstGate). */
  bursts?: BurstGate;
  /** Sellers a person of support is answering in the chat: the bot keeps quiet for them (see LinePause). */
  pause?: LinePause;
  /** Each seller's rich menu follows their link and language (see SellerMenus). */
  menus?: SellerMenus;
}

/** What the router builds for the reader. */
interface ReaderTools {
  client: LineClient;
  send: SendReply;
  now: () => number;
}

const LINK_COMMAND = /^\s*(?:link(?: my)? (?:bigseller )?account|เชื่อม(?:ต่อ)?บัญชี(?:\s*bigseller)?|ผูกบัญชี)\s*(?:ค่ะ|ครับ|คะ|นะ)?\s*$/i;
const UNLINK_COMMAND = /^\s*(?:unlink(?: my)? (?:bigseller )?account|unlink|ยกเลิก(?:การ)?(?:เชื่อม(?:ต่อ)?|ผูก)บัญชี)\s*(?:ค่ะ|ครับ|คะ|นะ)?\s*$/i;

const DEFAULT_LOADING_AFTER_MS = 400;
/** The group note is said once per group, not after every message its members write. */
const GROUP_NOTE_TTL_SECONDS = 30 * 24 * 3600;

export class LineEventReader {
  constructor(private readonly deps: EventReaderDeps & ReaderTools) {}

  /** Reads the event and sends its answer; an event the bot does not read is only logged. */
  async handle(event: LineEvent, rx: Receipt): Promise<void> {
    const chat = chatOf(event.source);
    const type = event.type;
    if (type === 'accountLink') return this.onAccountLink(event, rx);
    if (!chat || (type !== 'message' && type !== 'postback' && type !== 'follow' && type !== 'unfollow' && type !== 'join')) {
      this.deps.log.debug({ type }, 'LINE event ignored');
      return;
    }
    if (chat.kind !== 'user') {
      if (type === 'join' || type === 'message') await this.groupNote(event, { kind: chat.kind, id: chat.id }, rx);
      return;
    }
    const userId = chat.id;
    if (await this.quietFor(event, userId, rx)) return;
    switch (type) {
      case 'follow':
        return this.converse(event, userId, { kind: 'start' }, rx);
      case 'unfollow':
        await this.deps.bot.forget({ channel: 'line', conversationId: userId });
        this.deps.log.info({ user: userHash(userId) }, 'LINE user unfollowed: conversation forgotten');
        return;
      case 'postback':
        return this.onPostback(event, userId, rx);
      case 'message':
        return this.onMessage(event, userId, rx);
    }
  }

  /**
   * A seller's text arrived: it joins the seller's burst, unless it is a command read here or the
   * inbox kept it changed (a secret, an address): those are answered alone and never kept again.
   */
  async noteArrival({ event, rx, keptText }: Accepted): Promise<void> {
    const text = event.message?.type === 'text' ? event.message.text : undefined;
    const id = eventIdOf(event);
    if (!this.deps.bursts || !id || event.source?.type !== 'user' || !event.source.userId) return;
    if (typeof text !== 'string' || keptText !== text || this.isLinkCommand(text) || this.deps.bot.announcesSecret?.(text)) return;
    await this.deps.bursts.note(event.source.userId, { id, text, at: rx.at });
  }

  private isLinkCommand(text: string): boolean {
    return Boolean(this.deps.linking) && (LINK_COMMAND.test(text) || UNLINK_COMMAND.test(text));
  }

  private async onPostback(event: LineEvent, userId: string, rx: Receipt): Promise<void> {
    const data = event.postback?.data;
    if (!data) return;
    // "Link my account", offered by the core when a status check needs the account.
    const linkLang = this.deps.linking ? linkActionLanguage(data) : undefined;
    if (linkLang) return this.startLink(event, userId, linkLang, rx);
    return this.converse(event, userId, { kind: 'action', action: data }, rx, { loading: true });
  }

  private async onMessage(event: LineEvent, userId: string, rx: Receipt): Promise<void> {
    const m = event.message;
    switch (m?.type) {
      case 'text':
        return this.onText(event, userId, m.text, rx);
      case 'sticker':
        return this.converse(event, userId, { kind: 'sticker' }, rx);
      case 'image':
        return this.onImage(event, userId, m, rx);
      case 'file':
      case 'video':
      case 'audio':
        return this.converse(event, userId, { kind: 'file' }, rx);
      default:
        // A location, or a type LINE adds later: the seller still hears what the bot can read.
        this.deps.log.debug({ messageType: m?.type }, 'LINE message of a type the bot cannot read');
        return this.converse(event, userId, { kind: 'other' }, rx);
    }
  }

  private async onText(event: LineEvent, userId: string, text: string | undefined, rx: Receipt): Promise<void> {
    // Only LINE can sign an event, but a text that is not a string must not throw mid-request.
    if (typeof text !== 'string' || !text.trim()) return;
    if (this.deps.linking && LINK_COMMAND.test(text)) return this.startLink(event, userId, languageOf([text]), rx);
    if (this.deps.linking && UNLINK_COMMAND.test(text)) return this.unlink(event, userId, text, rx);
    const { bursts, client } = this.deps;
    const id = eventIdOf(event);
    if (!bursts?.waits || !id) return this.converse(event, userId, { kind: 'message', text }, rx, { loading: true });
    // The dots from the start: the seller sees the bot listening while it waits for more.
    const dots = client.showLoading(userId);
    const burst = await bursts.settle(userId, { id, text, at: rx.at });
    // A later piece came: its turn answers them all.
    if (burst === undefined) return dots;
    return this.converse(event, userId, { kind: 'message', text: burst }, rx, { dots });
  }

  /**
   * A person of support has this seller's chat (LinePause): nothing is said, and what the seller
   * did is kept for support (the transcript; a picture, kept as usual). An unfollow still forgets.
   */
  private async quietFor(event: LineEvent, userId: string, rx: Receipt): Promise<boolean> {
    const { pause, bursts, log } = this.deps;
    const m = event.message;
    const text = event.type === 'message' && m?.type === 'text' && typeof m.text === 'string' ? m.text : undefined;
    if (!pause || event.type === 'unfollow' || !(await pause.quiet(userId, text))) return false;
    log.info({ user: userHash(userId), type: event.type, messageType: m?.type }, 'LINE event not answered: a person of support has the chat');
    const id = eventIdOf(event);
    // A piece of a burst: it must not join what the seller types once the bot is back.
    if (text !== undefined && id) await bursts?.discard(userId, id);
    const turn = unansweredTurn(event, rx);
    const screenshot = turn?.kind === 'image' && m ? await this.keepPicture(userId, m) : undefined;
    if (turn) await pause.keep(userId, { ...turn, ...(screenshot ? { screenshot } : {}) });
    return true;
  }

  /** Downloads a picture the seller sent into DATA_DIR/screenshots, for the hand-over mail. */
  private async keepPicture(userId: string, m: LineMessage) {
    const { client, dataDir, log, onScreenshotKept } = this.deps;
    const screenshot = m.id ? await saveScreenshot({ client, dataDir, userId, message: { id: m.id, contentProvider: m.contentProvider }, log }) : undefined;
    if (screenshot && onScreenshotKept) {
      // Not sharing it costs the mail its attachment, never the conversation.
      await onScreenshotKept(screenshot.ref).catch((err: unknown) => log.warn({ err }, 'screenshot not shared with the mail worker'));
    }
    return screenshot;
  }

  private async onImage(event: LineEvent, userId: string, m: LineMessage, rx: Receipt): Promise<void> {
    const screenshot = await this.keepPicture(userId, m);
    // An album arrives as one event per picture: it is answered once, with the last, which the
    // core answers with what every picture of it showed.
    const set = m.imageSet;
    const silent = Boolean(set && typeof set.index === 'number' && typeof set.total === 'number' && set.index < set.total);
    return this.converse(event, userId, { kind: 'image', ...(screenshot ? { screenshot } : {}), ...(silent ? { morePicturesComing: true } : {}) }, rx, { silent });
  }

  /** One turn of a 1:1 chat through the core, then its answer to the seller. */
  private async converse(
    event: LineEvent,
    userId: string,
    part: Pick<Turn, 'kind'> & Partial<Turn>,
    rx: Receipt,
    opts: { loading?: boolean; silent?: boolean; dots?: Promise<void> } = {},
  ): Promise<void> {
    const { bot, client, log, t, linking, now } = this.deps;
    let loading: Promise<void> | undefined = opts.dots;
    const loadingTimer = opts.loading ? setTimeout(() => (loading = client.showLoading(userId)), this.deps.loadingAfterMs ?? DEFAULT_LOADING_AFTER_MS) : undefined;
    const links = linking?.links;
    let linked: boolean | undefined;
    const accountId = links
      ? () =>
          links.accountOf(userId).then(
            (id) => ((linked = id !== undefined), id),
            () => undefined,
          )
      : undefined;
    const requestId = eventIdOf(event);
    const turn: Turn = {
      channel: 'line',
      conversationId: userId,
      userId,
      at: new Date(now()).toISOString(),
      requestId,
      replayId: requestId,
      ...(linking ? { accountLinking: true } : {}),
      ...part,
    };
    let messages: OutMessage[];
    try {
      messages = await bot.handle(turn, { accountId });
      // LINE_HANDOVER=chat: a ticket given says a person answers here, and the bot pauses.
      if (this.deps.pause) messages = await this.deps.pause.afterReply(userId, messages);
    } catch (err) {
      log.error({ err, requestId, user: userHash(userId), kind: turn.kind }, 'LINE turn failed');
      messages = [{ type: 'text', text: t(languageOf([turn.text]), 'error.generic'), act: 'error' }];
    }
    clearTimeout(loadingTimer);
    // The dots must be on before the answer arrives, or they would linger after it.
    await loading;
    if (opts.silent) return;
    await this.deps.send(event, userId, messages, rx);
    // After the answer, which must not wait for it; the language is the one the core answered in.
    const lang = messages.at(-1)?.lang;
    if (linked !== undefined && lang) await this.deps.menus?.follow(userId, { linked, lang });
  }

  private async groupNote(event: LineEvent, chat: { kind: 'group' | 'room'; id: string }, rx: Receipt): Promise<void> {
    const { dedup, log, t } = this.deps;
    let first = true;
    try {
      first = await dedup.claim(`line:group-note:${chat.id}`, GROUP_NOTE_TTL_SECONDS);
    } catch (err) {
      log.error({ err }, 'group note bookkeeping failed');
    }
    // Joining always gets the note; afterwards only the first message of the group does.
    if (!first && event.type !== 'join') return;
    const text = [t('th', 'line.groupOnly'), t('en', 'line.groupOnly')].join('\n\n');
    await this.deps.send(event, chat.id, [{ type: 'text', text, act: 'unsupported' }], rx);
  }

  /** The seller asked to link: a link token from LINE, and the sign-in URL that carries it. */
  private async startLink(event: LineEvent, userId: string, lang: Language, rx: Receipt): Promise<void> {
    const { line, linking, log, t } = this.deps;
    let messages: OutMessage[];
    try {
      const url = await startLinking({
        lineUserId: userId,
        links: linking!.links,
        apiBaseUrl: line.apiBaseUrl,
        channelAccessToken: line.channelAccessToken,
        loginUrl: linking!.loginUrl,
      });
      messages = [
        { type: 'text', text: t(lang, 'line.link.start'), act: 'ask-link' },
        { type: 'link', label: t(lang, 'line.link.button'), url, act: 'ask-link' },
      ];
    } catch (err) {
      log.error({ err, user: userHash(userId) }, 'LINE link token not issued');
      messages = [{ type: 'text', text: t(lang, 'line.link.failed'), act: 'link-failed' }];
    }
    await this.deps.send(event, userId, messages, rx);
  }

  private async unlink(event: LineEvent, userId: string, text: string, rx: Receipt): Promise<void> {
    const { linking, t } = this.deps;
    const lang = languageOf([text]);
    const removed = await linking!.links.unlink(userId);
    await this.deps.send(event, userId, [{ type: 'text', text: t(lang, removed ? 'line.link.unlinked' : 'line.link.notLinked'), act: 'link-done' }], rx);
    await this.deps.menus?.follow(userId, { linked: false, lang, fresh: true });
  }

  /** LINE's answer to the sign-in: the nonce links the user, once, if it is theirs and fresh. */
  private async onAccountLink(event: LineEvent, rx: Receipt): Promise<void> {
    const { linking, log, t } = this.deps;
    const userId = event.source?.userId;
    if (!userId || !linking) {
      log.info({ result: event.link?.result }, 'LINE accountLink event ignored (linking not configured)');
      return;
    }
    const nonce = event.link?.nonce;
    let accountId = event.link?.result === 'ok' && nonce ? await linking.links.consumeNonce(nonce, userId) : undefined;
    if (accountId) await linking.links.link(userId, accountId);
    // Adopted from a stopped instance that had used the nonce and linked before it could say so.
    else if (rx.adopted && event.link?.result === 'ok') accountId = await linking.links.accountOf(userId);
    log.info({ user: userHash(userId), linked: !!accountId, result: event.link?.result }, 'LINE account link');
    const key = accountId ? 'line.link.done' : 'line.link.failed';
    // A person of support has the chat: linked all the same, and nothing said.
    if (!(await this.deps.pause?.quiet(userId))) await this.deps.send(event, userId, [{ type: 'text', text: [t('th', key), t('en', key)].join('\n\n'), act: accountId ? 'link-done' : 'link-failed' }], rx);
    if (accountId) await this.deps.menus?.follow(userId, { linked: true, fresh: true });
  }
}
