import { BoundedCache } from '../bounded-cache';
import { redact, redactMessage } from '../escalation/redact';
import type { Translate } from '../i18n';
import type { KnowledgeBase } from '../knowledge/load';
import { PLATFORM_NAMES, type Language, type Platform, type Topic } from '../knowledge/schema';
import type { Explained, Matcher } from '../matching/matcher';
import type { Act, Choice, CoreEffect, CoreEvent, OutMessage, Turn } from './messages';
import { replyReaderFor, startsWith, type Reply } from './replies';
import { mentions, type CueReading } from './cues';
import { TRANSCRIPT_LIMIT, type ConversationState } from './state';
import { Memory } from './memory';
import { MENU_TOPICS } from './phrases';
import type { Dialogs } from './dialogs/api';

/**
 * The conversation core: one turn plus the stored state gives the replies and the new state.
 * Pure: no I/O, no clock (the turn carries its time), no channel specifics.
 */

export interface CoreContext {
  kb: KnowledgeBase;
  matcher: Matcher;
  t: Translate;
  supportEmail: string;
  /** The outbox's reuse window (HANDOVER_REUSE_WINDOW_HOURS): a ticket this recent is the seller's open one. */
  ticketOpenSeconds?: number;
}

export interface TurnResult {
  messages: OutMessage[];
  state: ConversationState;
  events: CoreEvent[];
  /** I/O the caller must do, then report back with a turn (kind 'ticket'). */
  effect?: CoreEffect;
}

/**
 * What the bot says is redacted too (it may repeat what the seller typed), but its lines are
 * mostly the same few hundred texts of the locales and the knowledge base, each run through
 * every pattern at every turn: the lines found clean are remembered (a line with a secret
 * never is, so nothing secret stays in memory).
 */
const cleanBotLines = new BoundedCache<string, true>(2_000);

export function redactBotLine(text: string): string {
  if (cleanBotLines.get(text)) return text;
  const { text: redacted, kinds } = redact(text);
  if (kinds.length === 0 && redacted === text) cleanBotLines.set(text, true);
  return redacted;
}

/**
 * One turn being built: the state it changes, what it says, what happened, and the I/O it asks
 * for. The dialogs (dialogs/) work on it; the engine routes the seller's turn to them.
 */
export abstract class TurnContext {
  readonly messages: OutMessage[] = [];
  readonly events: CoreEvent[] = [];
  effect?: CoreEffect;
  private readonly replies = new Map<string, Reply>();
  private readonly cueReadings = new Map<string, CueReading>();
  /** What the conversation remembers of the problem (memory.ts). */
  readonly memory = new Memory(this);
  /** Set by the engine once the dialogs exist (each is given this context). */
  dialogs!: Dialogs;

  constructor(
    readonly state: ConversationState,
    readonly ctx: CoreContext,
    readonly at: string,
    readonly turn: Turn,
  ) {}

  get lang(): Language {
    return this.state.lang ?? 'th';
  }

  /** Routes a button's action (or a typed answer taken as one). */
  abstract action(action: string): void;
  /** The open question again, or the menu. */
  abstract askAgain(): void;
  /** A message the bot found no answer to (small talk, off-topic, too vague). */
  abstract nothingToAnswer(m: Explained): void;

  /** The seller's typed words read as an answer to a question (knowledge/replies.yaml). */
  reply(typed: string): Reply {
    // Several checks of one turn read the same words: split them into words once.
    let r = this.replies.get(typed);
    if (!r) this.replies.set(typed, (r = replyReaderFor(this.ctx.kb.replies).read(typed)));
    return r;
  }

  /** The cues read in the seller's typed words (knowledge/replies.yaml's cues). */
  cues(typed: string): CueReading {
    let r = this.cueReadings.get(typed);
    if (!r) this.cueReadings.set(typed, (r = replyReaderFor(this.ctx.kb.replies).cues.read(typed)));
    return r;
  }

  /** The typed words ask a question rather than answer one. */
  asks(typed: string): boolean {
    return replyReaderFor(this.ctx.kb.replies).asks(typed, this.cues(typed));
  }

  tr(key: string, vars?: Record<string, unknown>): string {
    return this.ctx.t(this.lang, key, vars);
  }

  result(): TurnResult {
    // The language is read before anything is said, and a switch the seller asks for comes
    // before what is said in the new one: the turn's messages are in the language it ends with.
    const messages = this.messages.map((m) => ({ ...m, lang: this.lang }));
    return { messages, state: this.state, events: this.events, effect: this.effect };
  }

  say(text: string, act: Act): void {
    this.messages.push({ type: 'text', text, act });
    this.botSaid(text);
  }

  offer(text: string, choices: Choice[], act: Act): void {
    this.messages.push({ type: 'choices', text, choices, act });
    this.state.offered = choices;
    this.botSaid(`${text} [${choices.map((c) => c.label).join(' | ')}]`);
  }

  /** A password was announced: whatever comes now answers that; the question before it is open again. */
  answerSecretExpected(): void {
    const q = this.state.question;
    if (q?.kind === 'secret-expected') this.state.question = q.then;
  }

  /** `redacted`: the text went through redact() already (it finds nothing more the second time). */
  userSaid(text: string, redacted = false): void {
    this.record('user', redacted ? text : redactMessage(text).text);
  }

  /** A button pressed, by its label: told apart from the same words typed (support reads both). */
  userPressed(label: string): void {
    this.record('user', redactMessage(label).text, true);
  }

  botSaid(text: string): void {
    this.record('bot', redactBotLine(text));
  }

  record(from: 'user' | 'bot', redactedText: string, pressed = false): void {
    const t = this.state.transcript;
    t.push({ from, text: redactedText, at: this.at, ...(pressed ? { pressed: true as const } : {}) });
    if (t.length > TRANSCRIPT_LIMIT) t.splice(0, t.length - TRANSCRIPT_LIMIT);
  }

  /** A button that opens a topic: its title, and its short label where buttons are small. */
  topicChoice(id: string): Choice {
    const { title, label } = this.ctx.kb.byId.get(id)![this.lang];
    return { label: title, ...(label ? { short: label } : {}), action: `topic:${id}` };
  }

  /** The menu; with `platforms`, only the common problems that can be theirs. */
  menuChoices(platforms: readonly Platform[] = []): Choice[] {
    const fits = (id: string) => {
      const t = this.ctx.kb.byId.get(id);
      return !!t && this.fitsPlatforms(t, platforms);
    };
    return [
      ...(this.turn.accountId ? [{ label: this.tr('status.check'), action: 'status:check' }] : []),
      ...MENU_TOPICS.filter(fits).map((id) => ({ label: this.tr(`menu.${id}`), action: `topic:${id}` })),
      { label: this.tr('menu.handover'), action: 'handover' },
    ];
  }

  /** A question asked again with the buttons it had (gone with the new message); with none left, the menu. */
  askAgainWithChoices(key: string, act: Act): void {
    if (this.state.offered.length === 0) return this.welcome(true);
    this.offer(this.tr(key), this.state.offered, act);
  }

  welcome(again: boolean): void {
    this.state.question = undefined;
    this.offer(this.tr(again ? 'welcome.again' : 'welcome.text'), this.menuChoices(), 'menu');
  }

  handled(action: string): true {
    this.action(action);
    return true;
  }

  /**
   * At the platform question, "อ้อ จริงๆ คือร้าน lazada หมดอายุ" (oh, actually my Lazada store
   * expired) is another problem, not the platform of the one asked about: it says more than a
   * platform's name and the matcher finds another topic in it.
   */
  anotherProblem(m: Explained, pending: string): boolean {
    const a = m.analysis;
    const moreThanAName = a.content.some((t) => !(a.platforms as string[]).includes(t));
    const found = m.topic ?? (m.decision === 'clarify' ? m.candidates[0]?.topic : undefined);
    return moreThanAName && found !== undefined && found !== pending;
  }

  /** The words name a platform or an error code: "ยังรอ OTP shopee อยู่" is about a problem, not the bot's question. */
  namesPlatformOrCode(text: string): boolean {
    const a = this.ctx.matcher.analyse(text);
    return a.platforms.length > 0 || a.errorCodes.length > 0;
  }

  namesSomethingNew(m: Explained): boolean {
    const a = m.analysis;
    return a.platforms.some((p) => !this.state.platforms.includes(p)) || a.errorCodes.some((c) => !this.state.errorCodes.includes(c));
  }

  /**
   * A message naming no platform, in a conversation about one, is read with that platform when
   * that turns "did you mean" into an answer ("it says consumer key invalid" after a WooCommerce
   * article: Shopify's and WooCommerce's articles were about as likely; with WooCommerce, its
   * API-key article).
   */
  inContext(m: Explained): Explained {
    const platform = this.onlyPlatform();
    if (m.decision !== 'clarify' || m.analysis.platforms.length > 0 || !platform) return m;
    const again = this.explainOn(m.text, platform);
    return again.decision === 'answer' ? again : m;
  }

  /** The seller's words matched again with a platform's name, as if they had written it. */
  explainOn(text: string, platform: Platform): Explained {
    return this.ctx.matcher.explain(`${text} ${PLATFORM_NAMES[platform]}`);
  }

  /** The platform a message names and nothing else ("shopify ค่ะ", "ช้อปปี้!!"), if it is one. */
  platformAlone(m: Explained): Platform | undefined {
    return this.platformNamedAlone(m.analysis);
  }

  /** The one platform the words name, with no error code and no other word but those `besides` lets stand. */
  platformNamedAlone(a: Explained['analysis'], besides: (word: string) => boolean = () => false): Platform | undefined {
    const named = a.platforms.length === 1 ? a.platforms[0]! : undefined;
    return named && a.errorCodes.length === 0 && a.content.every((w) => w === named || besides(w)) ? named : undefined;
  }

  /** The one platform the conversation is about, if it knows exactly one. */
  onlyPlatform(): Platform | undefined {
    return this.state.platforms.length === 1 ? this.state.platforms[0] : undefined;
  }

  /** Whether a topic is for one of these platforms (or all); with none known, every topic is. */
  fitsPlatforms(t: Topic, platforms: readonly Platform[]): boolean {
    return platforms.length === 0 || t.platforms.includes('all') || t.platforms.some((p) => platforms.includes(p as Platform));
  }

  /** The open question again, if one is open (its buttons were gone with the new message). */
  askAgainIfAsked(): void {
    if (this.state.question) this.askAgain();
  }

  cancelChoice(): Choice {
    return { label: this.tr('handover.cancel'), action: 'handover:cancel' };
  }

  /** Fixed said: first ("ได้แล้วค่ะ …"), or anywhere in the sentence ("ok otp fixed. now tiktok"). */
  saysFixed(typed: string): boolean {
    return startsWith(this.reply(typed), 'fixed') || mentions(this.cues(typed), 'fixed');
  }

  /** No word about a problem in it: particles, filler, punctuation. */
  saysNothing(text: string): boolean {
    return this.ctx.matcher.analyse(text).content.length === 0;
  }

  isButtonLabel(text: string): boolean {
    return ['handover.send', 'handover.notNow', 'handover.confirm', 'handover.skip', 'feedback.yes', 'feedback.no', 'feedback.yesInfo', 'feedback.noInfo', 'menu.handover'].some(
      (k) => this.tr(k) === text,
    );
  }

  /**
   * A message the bot could not help with; the second in a row brings the hand-over offer. A
   * second off-topic question is still told it is off-topic: support may answer it.
   */
  miss(otherwise: () => void, offTopic = false): void {
    this.state.misses++;
    if (this.state.misses < 2) return otherwise();
    this.dialogs.handover.handover('two-misses', offTopic ? { key: 'offtopicAgain', act: 'out-of-scope' } : undefined);
  }
}
