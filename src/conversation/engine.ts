import { BoundedCache } from '../bounded-cache';
import { redact, redactMessage, withoutMasks } from '../escalation/redact';
import { hear } from './hearing';
import type { Translate } from '../i18n';
import type { KnowledgeBase } from '../knowledge/load';
import { fillPlaceholders, PLATFORM_NAMES, PLATFORMS, type Language, type Platform, type Topic } from '../knowledge/schema';
import type { AccountStores, StoreStatus } from '../status/connector';
import { diagnose, topicsListingCode, type Finding } from '../status/diagnose';
import { DECISION } from '../matching/decide';
import type { Explained, Matcher } from '../matching/matcher';
import { asciiDigits, hasThai } from '../matching/normalise';
import type { EscalationCase } from './ports';
import { parseEmailAddress } from '../escalation/email-address';
import { linkAction, type Act, type Choice, type CoreEffect, type CoreEvent, type HandoverReason, type OutMessage, type Turn } from './messages';
import { onlySays, replyReaderFor, startsWith, type Reply } from './replies';
import { migrate, newState, TRANSCRIPT_LIMIT, type ConversationState, type StoredState, type TranscriptEntry } from './state';

/** Without a description, the hand-over's problem is the seller's first few messages. */
const FIRST_WORDS = 3;

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

/** Longest description the hand-over accepts (a mail stays readable; longer text is refused, not cut). */
export const MAX_DESCRIPTION = 3000;

/** The short menu of the most common problems. */
export const MENU_TOPICS = [
  'connection-expired',
  'shopee-otp-not-received',
  'lazada-password-not-match',
  'lazada-internal-data-error',
  'store-bound-other-account',
] as const;


// \b does not work after Thai letters (they are not \w), hence the split alternatives.
const YES = /^(?:(?:yes|yep|yeah|ok(?:ay)?|it works?|worked|fixed|solved|done)\b|ใช่|ได้แล้ว|หายแล้ว|เรียบร้อย|โอเค|แก้ได้แล้ว|(?:ค่ะ|ครับ|คะ|จ้า)\s*$)/i;
const NO = /^(?:(?:no|nope|not yet|didn'?t work|still not)\b|ไม่ได้|ยังไม่ได้|ยังไม่หาย|ไม่หาย|ยังเหมือนเดิม|ไม่)/i;
/** The answer to "did this fix it?" anywhere in a short sentence; checked for "not fixed" first. */
const NOT_FIXED = /ยังไม่ได้|ไม่ได้เลย|ไม่ได้แล้ว|ยังไม่หาย|ยังเหมือนเดิม|ยังไม่ผ่าน|ยังขึ้น|\bstill (?:(?:not|doesn'?t|does not)(?: (?:working|work|fixed|solved|resolved|helping|help))?|the same|fail|shows?|get)|\b(?:didn'?t|doesn'?t|does not|did not) (?:work|help)|\bnot (?:working|fixed|solved)/i;
const FIXED = /(?<!ไม่)(?:แก้ได้แล้ว|ได้แล้ว|หายแล้ว)|เรียบร้อย|\b(?:it )?works? now\b|\bit works\b|\bworked\b|\bfixed\b|\bsolved\b|\ball good\b/i;
/**
 * "ลองแล้วครับ" (tried it), "I'm using the main account already", with neither of the above:
 * said of steps that did not help (a fix is said "ได้แล้ว").
 */
const TRIED = /ลองแล้ว|ทำตามแล้ว|ทำแล้ว|อยู่แล้ว|(?:ใช้|เปลี่ยน|ตั้งค่า|กด|เช็[คก]|ตรวจสอบ|ติดตั้ง|ล็อก(?:อิน|เอาท์)|ออกจากระบบ)\S{0,25}?แล้ว|\b(?:tried|did) (?:it|that|this|all|everything|the steps)\b|\balready (?:did|done|tried|do|doing|using|use|have|checked|set)\b|\b(?:did|done|tried|using|use|checked) (?:[\w'-]+ ){0,4}already\b/i;
/** Asking for another way ("what else can I do", "ทำไงต่อ") says the steps shown did not do it. */
const ANOTHER_WAY = /วิธีอื่น|ทางอื่น|ทำ(?:ยัง)?ไง(?:ต่อ|อีก)|ทำอะไร(?:ต่อ|อีก)|แล้วไงต่อ|\bwhat else (?:can|could|should|do) (?:i|we)\b|\b(?:any|an)(?: )?other (?:way|solution|fix|option)s?\b|\banything else (?:i|we) (?:can|could|should) (?:do|try)\b|\bwhat (?:now|next|(?:do|should|can) (?:i|we) do (?:now|next))\b|\bnow what\b/i;
const FEEDBACK_SENTENCE = 60;
/** The problem is still there: said of the article just shown, it did not fix it. */
const STILL = /\bstill\b|\bagain\b|ยัง|อยู่ดี|เหมือนเดิม|อีกแล้ว/i;
/** A question, not an answer: a question mark or a Thai question word at the end. */
const QUESTION = /\?\s*$|(?:ไหม|มั้ย|หรอ|เหรอ|หรือเปล่า|ใช่ไหม|ยังไง|อย่างไร)\s*(?:คะ|ครับ|ค่ะ|ครับผม|จ๊ะ|จ้า)?\s*[?]*\s*$/i;
/** "send it to support", "ส่งเรื่องให้ทีม": the hand-over, whatever else the message says. */
const SEND_TO_SUPPORT = /\bsend (?:it|this|my case)\b|\bsend (?:it )?to support\b|ส่งเรื่อง|ส่งให้(?:ทีม|เจ้าหน้าที่|ซัพพอร์ต)/i;
/** A "not" in the message (error codes such as PASSWORD_NOT_MATCH are one word, not a "not"). */
const NEGATED = /ไม่|มิได้|\b(?:not|no|never|isn'?t|wasn'?t|aren'?t|doesn'?t|don'?t|didn'?t|can'?t|cannot|won'?t)\b/i;
const MENU = /^(?:(?:the |main )?menu|start over|start again|restart|back to (?:the )?menu|home|เมนู(?:หลัก)?|ดูเมนู|ขอเมนู|เริ่มใหม่|กลับ(?:ไป)?(?:ที่)?(?:หน้า)?(?:เมนู(?:หลัก)?|หน้าแรก))\s*(?:please|pls|ค่ะ|ครับ|คะ|หน่อย(?:ค่ะ|ครับ)?)?\s*[.!]*$/i;
const ASK_MORE = /^(?:(?:(?:i have )?(?:one more|another|a|more|other) questions?)|i have a question|(?:can|may) i ask (?:something|another|one more)(?: thing| question)?|(?:ขอ)?ถาม(?:อีก)?(?:\s*(?:เรื่อง|ข้อ))?(?:\s*(?:หนึ่ง|นึง))?(?:ได้ไหม|ได้มั้ย)?|มี(?:อีก)?(?:\s*)คำถาม(?:อีก)?)\s*(?:please|pls|ค่ะ|ครับ|คะ|นะคะ|นะครับ|หน่อย(?:ค่ะ|ครับ)?)?\s*[.!?]*$/i;
const MENTIONS_EMAIL = /e-?mail|อีเมล|เมล/i;
const UNSURE = /^(?:(?:not sure|unsure|no idea|idk|i? ?don'?t know|dunno)\b|ไม่แน่ใจ|ไม่รู้|ไม่ทราบ)/i;
const CHECK_STORES = /\b(check|show)\b.*\b(stores?|shops?|status|connections?)\b|\bstore status\b|(เช็ค|เช็ก|ตรวจสอบ|ดู)\s*(สถานะ)?\s*(ร้าน|การเชื่อมต่อ)|สถานะร้าน/i;
/** Topics about one store's connection: for these a linked seller's stores are checked first. */
const NOT_ABOUT_A_STORE = new Set(['platforms-supported', 'contact-support']);
/** How long a ticket counts as open for "a person, please" when the context does not say (the outbox's default). */
const DEFAULT_TICKET_OPEN_SECONDS = 24 * 3600;
const SNAPSHOT_FRESH_MS = 5 * 60 * 1000;
/** Below this length a typed yes/no answers the question asked; a longer message is matched as usual. */
const SHORT_ANSWER = 30;
/** The seller has no address to give ("ไม่มีอีเมล", "I don't have an email", "call me instead"). */
const NO_EMAIL = /ไม่มี\s*(?:อีเมล|เมล|email)|ไม่ได้ใช้\s*(?:อีเมล|เมล)|โทร(?:หา|กลับ)|\b(?:no|(?:do not|don'?t) have(?: an?)?)\s+e-?mail|\bcall me\b|\bphone me\b/i;
/** "Change e-mail" typed at the summary (the button's words, and how sellers say it). */
const CHANGE_EMAIL = /(?:แก้|เปลี่ยน)(?:ไข)?\s*(?:อีเมล|เมล)|(?:อีเมล|เมล)\S{0,2}ผิด|\b(?:change|edit|update|correct|fix)\s+(?:the\s+|my\s+)?e-?mail|\bwrong\s+e-?mail/i;
/**
 * A choice picked by its number: "2", "๒", "2.", and the ways sellers say it ("ข้อ 2", "ข้อที่ 2 ค่ะ",
 * "option 2", "no. 2", "#2").
 */
const CHOICE_NUMBER = /^(?:(?:ข้อ|อัน|ตัวเลือก|เลือก|หมายเลข|เบอร์)\s*(?:ที่)?\s*|(?:option|choice|number|no\.?|#)\s*)?([0-9]{1,2})\s*[.)]?\s*(?:ค่ะ|ครับ|คะ|จ้า|นะคะ|นะครับ)?\s*$/i;

export function choiceNumber(typed: string): number | undefined {
  const m = CHOICE_NUMBER.exec(asciiDigits(typed.trim().normalize('NFKC')));
  return m ? Number(m[1]) : undefined;
}

/** Error codes are written as the platform shows them, whatever language the seller writes in. */
const ERROR_CODE_LIKE = /\b[A-Z0-9]+(?:_[A-Z0-9]+)+\b/g;

/**
 * Whether a message without Thai moves the conversation to English. The seller's first message
 * decides on any English word; after that it takes two besides the chat words below, so a Thai
 * seller's "ok", "thank you" or a pasted PASSWORD_NOT_MATCH does not turn the conversation into English.
 */
export function writesEnglish(text: string, firstMessage: boolean): boolean {
  if (firstMessage) return /[a-z]{2,}/i.test(text);
  const words = text.replace(ERROR_CODE_LIKE, ' ').match(/[a-z]{2,}/gi) ?? [];
  return words.filter((w) => !CHAT_WORDS.has(w.toLowerCase())).length >= 2;
}

/** "error 500100", "error code: E-1002", "ข้อผิดพลาด 500100": a code after the word error (its first group). */
const UNKNOWN_CODE = /(?:\berror|\berr|ข้อผิดพลาด)\s*(?:code|no\.?)?\s*[:：#]?\s*([A-Za-z]{0,4}[-_]?\d[\w-]{1,15})/iu;
/** The English words of a secret's label ("my password is"). */
const SECRET_LABEL_WORDS = 'my|the|is|pass(?:word|wd|code)?|pwd|pw|otp|code|pin|user(?:name)?|login|id';
/** The English labels of a secret ("my password was"): no sign of the language a seller writes in. */
const ENGLISH_SECRET_LABELS = new RegExp(String.raw`\b(?:${SECRET_LABEL_WORDS}|was)\b`, 'giu');
/** A secret's labels and the little words around them ("my password is", "รหัสผ่านคือ ... ค่ะ"). */
const SECRET_LABELS = new RegExp(String.raw`\b(?:${SECRET_LABEL_WORDS})\b|รหัส\s*ผ่าน|รหัส|พาสเวิร์ด|พาส|โค้ด|คือ|เป็น|ของ(?:ฉัน|หนู|เรา|ผม)|ค่ะ|คะ|ครับ|นะ|จ้า|[:=：]`, 'giu');
/** English words Thai sellers use in Thai chats ("ok", "thank you"): they say nothing of the language. */
const CHAT_WORDS = new Set(['ok', 'okay', 'yes', 'no', 'thanks', 'thank', 'thx', 'you', 'pls', 'please', 'hi', 'hello', 'bye', 'sorry', 'admin']);
const TO_ENGLISH = /\b(english|in english|speak english)\b|ภาษาอังกฤษ|พูดอังกฤษ/i;
const TO_THAI = /\b(thai|in thai|speak thai)\b|ภาษาไทย|พูดไทย/i;

/**
 * `previous` is left as it was, unless `owned`: the caller hands it over (a state just read
 * from storage, not looked at again), which spares a deep copy per turn.
 */
export function runTurn(turn: Turn, previous: StoredState | undefined, ctx: CoreContext, opts: { owned?: boolean } = {}): TurnResult {
  // A state stored by an earlier build is read in this build's shape (a new object: the stored one is not changed).
  const start = previous ? migrate(previous) : newState(turn.at);
  const state: ConversationState = opts.owned || start !== previous ? start : structuredClone(start);
  state.lastActiveAt = turn.at;
  if (!state.lang) state.lang = turn.locale?.toLowerCase().startsWith('en') ? 'en' : 'th';
  if (turn.contactEmail && !state.contactEmail) state.contactEmail = turn.contactEmail;
  const turnCtx = new TurnBuilder(state, ctx, turn.at, turn);

  switch (turn.kind) {
    case 'start':
      turnCtx.welcome(false);
      break;
    case 'sticker':
      turnCtx.userSaid('(sticker)');
      turnCtx.say(turnCtx.tr('smalltalk.sticker'), 'small-talk');
      break;
    case 'image':
      turnCtx.userSaid('(image)');
      if (turn.screenshot) {
        state.screenshots = [...(state.screenshots ?? []), { ...turn.screenshot, at: turn.at }].slice(-10);
      }
      turnCtx.say(turnCtx.tr('smalltalk.image'), 'image-received');
      break;
    case 'file':
      turnCtx.userSaid('(file)');
      turnCtx.say(turnCtx.tr('smalltalk.file'), 'unsupported');
      break;
    case 'other':
      // A location, or a kind of message a channel added after this bot was written.
      turnCtx.userSaid('(message the bot cannot read)');
      turnCtx.say(turnCtx.tr('smalltalk.other'), 'unsupported');
      break;
    case 'action':
      turnCtx.answerSecretExpected();
      turnCtx.userSaid(labelOf(state, turn.action) ?? turn.text ?? `(${turn.action})`);
      turnCtx.action(turn.action ?? '');
      break;
    case 'message':
      turnCtx.text(turn.text ?? '');
      break;
    case 'ticket':
      turnCtx.ticketCreated(turn);
      break;
    case 'status':
      turnCtx.statusChecked(turn);
      break;
  }
  return turnCtx.result();
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

function labelOf(state: ConversationState, action: string | undefined): string | undefined {
  return state.offered.find((c) => c.action === action)?.label;
}

class TurnBuilder {
  private readonly messages: OutMessage[] = [];
  private readonly events: CoreEvent[] = [];
  private effect?: CoreEffect;

  constructor(
    private readonly state: ConversationState,
    private readonly ctx: CoreContext,
    private readonly at: string,
    private readonly turn: Turn,
  ) {}

  get lang(): Language {
    return this.state.lang ?? 'th';
  }

  /** The seller's typed words read as an answer to a question (knowledge/replies.yaml). */
  private reply(typed: string): Reply {
    return replyReaderFor(this.ctx.kb.replies).read(typed);
  }

  tr(key: string, vars?: Record<string, unknown>): string {
    return this.ctx.t(this.lang, key, vars);
  }

  result(): TurnResult {
    return { messages: this.messages, state: this.state, events: this.events, effect: this.effect };
  }

  say(text: string, act: Act): void {
    this.messages.push({ type: 'text', text, act });
    this.botSaid(text);
  }

  private offer(text: string, choices: Choice[], act: Act): void {
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

  private botSaid(text: string): void {
    this.record('bot', redactBotLine(text));
  }

  private record(from: 'user' | 'bot', redactedText: string): void {
    const t = this.state.transcript;
    t.push({ from, text: redactedText, at: this.at });
    if (t.length > TRANSCRIPT_LIMIT) t.splice(0, t.length - TRANSCRIPT_LIMIT);
  }

  /**
   * A message about the problem, for the hand-over's "in their own words" when the seller gives
   * no description: not a typed answer to a question ("ok", "ข้าม", "2"), a greeting or a bare
   * request for a person.
   */
  private aboutTheProblem(redactedText: string, m: Explained): void {
    const a = m.analysis;
    // "what now?", "hmm": no word about the problem.
    if (a.smallTalk || a.noise || a.content.length === 0) return;
    if (m.decision === 'escalate' && a.platforms.length === 0 && a.errorCodes.length === 0) return;
    // An answer to a question ("ข้าม", "no", "ok") typed where none was asked: not the problem.
    if (onlySays(this.reply(redactedText), 'skip', 'yes', 'send', 'no', 'cancel', 'later', 'thanks', 'fixed', 'not-fixed')) return;
    const first = this.firstWords();
    if (first.length < FIRST_WORDS) first.push(redactedText);
  }

  /** What the seller typed in their own words: not a button label, a note like "(sticker)" or an e-mail. */
  private isOwnWords(e: TranscriptEntry): boolean {
    return e.from === 'user' && !/^\(.*\)$/.test(e.text) && !this.isButtonLabel(e.text) && !parseEmailAddress(e.text);
  }

  /** The first things the seller said about the problem (a state from before firstWords derives them from its transcript). */
  private firstWords(): string[] {
    this.state.firstWords ??= this.state.transcript.filter((e) => this.isOwnWords(e)).map((e) => e.text).slice(0, FIRST_WORDS);
    return this.state.firstWords;
  }

  /** A button that opens a topic: its title, and its short label where buttons are small. */
  private topicChoice(id: string): Choice {
    const { title, label } = this.ctx.kb.byId.get(id)![this.lang];
    return { label: title, ...(label ? { short: label } : {}), action: `topic:${id}` };
  }

  /** The menu; with `platforms`, only the common problems that can be theirs. */
  private menuChoices(platforms: readonly Platform[] = []): Choice[] {
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

  welcome(again: boolean): void {
    this.state.question = undefined;
    this.offer(this.tr(again ? 'welcome.again' : 'welcome.text'), this.menuChoices(), 'menu');
  }

  text(raw: string): void {
    // A whole message: one word that looks like a password is one ("sunflower2020" alone), and
    // after "นี่รหัสผ่านนะคะ" the next short message is one whatever it looks like.
    const { text, kinds } = hear(raw, this.state.question);
    this.answerSecretExpected();
    this.userSaid(text, true);
    // What the seller said besides the secrets and their labels: "pw: ..." tells neither the
    // problem nor the language (the mask's own English words would switch a Thai chat, and so
    // would an English label: "รหัส lazada ของหนู ..." is Thai).
    const said = kinds.length > 0 ? withoutMasks(text).replace(SECRET_LABELS, ' ') : text;
    const forLanguage = kinds.length > 0 ? withoutMasks(text).replace(ENGLISH_SECRET_LABELS, ' ') : text;
    // The language first: the warning below is said in it (an English first message with a
    // password got the warning in Thai and the article in English). A short request to switch
    // ("English please") is taken below and pins it. An e-mail address or a typed answer to the
    // e-mail question says nothing about language.
    const answeringEmail = this.state.question?.kind === 'handover' && this.state.draft?.step === 'email';
    // "my password is" announces a secret: its English words say nothing of the chat's language.
    const announcing = onlySays(this.reply(text), 'password-next');
    if (!this.state.langPinned && !answeringEmail && !announcing && !parseEmailAddress(text)) {
      if (hasThai(forLanguage)) this.state.lang = 'th';
      else if (writesEnglish(forLanguage, !this.state.typed)) this.state.lang = 'en';
    }
    if (kinds.length > 0) {
      this.events.push({ type: 'secret-redacted', kinds });
      this.messages.push({ type: 'text', text: this.tr('safety.secret'), act: 'secret-warning' });
      this.botSaid(this.tr('safety.secret'));
      // Nothing left but the secret: the warning is the whole answer, and the open question stays open.
      if (!/[\p{L}\p{N}]/u.test(said)) return this.askAgainIfAsked();
      // At the summary, the rest is more for support ("OTP ที่ได้คือ [code removed]" found the OTP
      // article and the summary's buttons were gone).
      if (this.state.question?.kind === 'handover' && this.state.draft?.step === 'confirm' && this.addToProblem(text)) return;
    }

    // "นี่รหัสผ่านนะคะ", "my password is": a password comes next. Said before it does: support never
    // needs it here; the next message will be kept masked, and the open question waits.
    if (announcing) {
      const open = this.state.question;
      const then = open?.kind === 'secret-expected' ? open.then : open;
      this.state.question = { kind: 'secret-expected', ...(then ? { then } : {}) };
      this.say(this.tr('safety.announced'), 'secret-warning');
      return;
    }

    // A short request for a language switches and pins it; otherwise the script tells.
    const switchTo = text.length >= 40 ? undefined : TO_ENGLISH.test(text) ? 'en' : TO_THAI.test(text) ? 'th' : undefined;
    if (switchTo) {
      this.state.lang = switchTo;
      this.state.langPinned = true;
      this.say(this.tr('language.switched'), 'language');
      this.askAgain();
      return;
    }
    this.state.typed = true;

    const typed = text.trim();
    if (this.typedCommand(typed)) return;
    // "[password removed]" is the bot's own words: matched, it pulled towards the password articles.
    const m = this.inContext(this.ctx.matcher.explain(kinds.length > 0 ? withoutMasks(text) : text));
    // Before remember(): "No" shows the next of the alternatives of the article's own match.
    if (this.feedbackTyped(typed, m)) return;
    this.remember(m);
    if (this.questionAnswered(typed, text, m)) return;
    this.aboutTheProblem(text, m);
    const decision = m.vague ? 'vague' : m.decision;
    this.events.push({ type: 'matched', decision });

    // A linked seller describing a store problem, however vaguely ("เชื่อมต่อร้านไม่ได้"): look at
    // the real stores before answering, or before asking for more.
    const subject = m.topic ?? m.candidates[0]?.topic;
    const aboutAStore = m.vague || ((m.decision === 'answer' || m.decision === 'clarify') && !!subject && !NOT_ABOUT_A_STORE.has(subject));
    if (this.turn.accountId && aboutAStore && !this.freshSnapshot()) {
      this.state.statusCheck = { purpose: 'problem', topic: m.topic ?? undefined, decision, candidates: m.candidates.map((c) => c.topic) };
      this.effect = { type: 'check-status', accountId: this.turn.accountId };
      return;
    }

    // "รหัสผ่านใหม่ที่เปลี่ยนคือ [password removed]": about the password, nothing the bot can place;
    // the warning says what matters ("I only help with store connections" read oddly after it).
    if (kinds.length > 0 && m.decision === 'none' && !m.vague) return this.askAgainIfAsked();

    // An error code the knowledge base does not know ("ขึ้นรหัสข้อผิดพลาด 500100"): no article to
    // guess from its other words (it was the PASSWORD_NOT_MATCH one, then "off-topic"); support's
    // case, with the code in it.
    const unknownCode = m.decision === 'none' && !m.analysis.smallTalk ? UNKNOWN_CODE.exec(text)?.[1] : undefined;
    if (unknownCode && m.farFromOutOfScope) {
      if (!this.state.errorCodes.includes(unknownCode)) this.state.errorCodes.push(unknownCode);
      return this.handover('unknown-error');
    }

    // "แล้ว lazada ล่ะคะ" after a status check: the problem it found on that platform's store, not a guess.
    const named = m.analysis.platforms.length === 1 ? m.analysis.platforms[0] : undefined;
    const checked = named && (m.decision === 'clarify' || m.decision === 'none' || m.vague) ? this.checkedProblem(named) : undefined;
    if (checked) return this.showArticle(checked);

    switch (m.decision) {
      case 'escalate':
        return this.handover('asked');
      case 'answer':
        return this.answer(m);
      case 'clarify':
        return this.clarify(m);
      case 'none':
        return this.nothingToAnswer(m);
    }
  }

  /**
   * What a typed message does before any matching: "menu", the hand-over's questions answered in
   * words, an e-mail address, a choice's number, "check my stores". True when it was handled.
   */
  private typedCommand(typed: string): boolean {
    // "menu", "เริ่มใหม่": the seller wants the choices again (a hand-over being prepared is dropped;
    // nothing was sent). Matched, "menu" found the article whose steps name a menu.
    if (MENU.test(typed)) {
      this.state.draft = undefined;
      this.action('menu');
      return true;
    }
    // "one more question", "ขอถามอีกเรื่อง": the question comes next. Matched, "another" (อีก)
    // found the article about a store on another account.
    if (ASK_MORE.test(typed) && this.state.question?.kind !== 'handover') {
      this.welcome(true);
      return true;
    }
    // "what else can I do", "มีวิธีอื่นไหม" with no article to be another way to: the choices.
    // Matched, "can I" found the supported-platforms article ("can I connect X?").
    if (!this.state.question && typed.length < SHORT_ANSWER && ANOTHER_WAY.test(typed) && this.saysNothing(typed.replace(ANOTHER_WAY, ''))) {
      this.welcome(true);
      return true;
    }
    const h = this.state.question?.kind === 'handover' ? this.state.draft : undefined;
    if (h) {
      const reply = this.reply(typed);
      // "ยกเลิก", "ไว้ก่อนค่ะ เดี๋ยวลองเปลี่ยนรหัสดูก่อน", "ไม่ได้จะส่งเรื่องค่ะ แค่บ่น": not now. At the
      // description a sentence starting so may be the problem itself ("ยกเลิกคำสั่งซื้อไม่ได้").
      if (onlySays(reply, 'cancel', 'later') || (h.step !== 'description' && startsWith(reply, 'cancel', 'later'))) return this.handled('handover:cancel');
      // "ขอบคุณค่า 🙏" at the offer or the e-mail question: the seller is done, nothing to send.
      if ((h.step === 'offer' || h.step === 'email') && onlySays(reply, 'thanks')) return this.handled('handover:cancel');
      // An address typed at the offer says yes and answers the next question at once; at the
      // summary it replaces the one there. Anything else at the e-mail question is matched
      // first (questionAnswered).
      // At the description too: the address was known and not asked for, and the seller gives theirs.
      if ((h.step === 'email' || h.step === 'offer' || h.step === 'confirm' || h.step === 'description') && parseEmailAddress(typed)) {
        this.handoverEmail(typed);
        return true;
      }
      // "I have no e-mail, can you call me?" at the offer: support answers by e-mail only; said
      // before the seller is asked for an address they do not have (it was taken for a yes).
      if (h.step === 'offer' && NO_EMAIL.test(typed)) {
        this.offer(this.tr('handover.noEmail'), [{ label: this.tr('handover.send'), action: 'handover:start' }, this.cancelChoice()], 'handover-offer');
        return true;
      }
      if (h.step === 'description') {
        // "ข้าม", "ไม่มีจ้า", and "ok", "ใช่ค่ะ", "send it": go ahead without one (they were taken for the description).
        if (onlySays(reply, 'skip', 'no', 'yes', 'send')) return this.handled('handover:skip');
        // "อืม", "hmm": nothing described yet, so the question again.
        const analysis = this.ctx.matcher.analyse(typed);
        if (analysis.content.length === 0) {
          this.askDescription();
          return true;
        }
        this.handoverDescription(typed, analysis);
        return true;
      }
      // "still not working", "ลองแล้วก็ยังไม่ได้ค่ะ" at the offer: it did not help, which is why it
      // is there; the offer again (it was "tell me more" with the menu, or "did you mean").
      if (h.step === 'offer' && (NOT_FIXED.test(typed) || TRIED.test(typed)) && this.saysNothing(typed.replace(NOT_FIXED, ' ').replace(TRIED, ' '))) {
        this.askAgain();
        return true;
      }
      // Sellers often answer the question in words: "ได้คับ ส่งเลย", "ถูกต้องแล้วส่งได้เลยค่ะ", "ส่ง".
      if (h.step === 'offer' || h.step === 'confirm') {
        if (onlySays(reply, 'yes', 'send')) return this.handled(h.step === 'offer' ? 'handover:start' : 'handover:confirm');
        // "ไม่ค่ะ" / "no" to the offer, or to the summary's "send this?": not sent.
        if (onlySays(reply, 'no')) return this.handled('handover:cancel');
        if (h.step === 'confirm' && (onlySays(reply, 'change-email') || CHANGE_EMAIL.test(typed))) return this.handled('handover:email');
      }
    }
    // A summary that an answer to another problem replaced still waits: "ส่งเลย" sends it (matched,
    // "ส่ง" found the Shopee OTP article, whose phrasings say the code is not sent).
    const reply = this.reply(typed);
    // Only "send": "ok send it" at "did this fix it?" asks for the hand-over (feedbackTyped).
    if (!h && onlySays(reply, 'send')) {
      if (this.state.draft?.step === 'confirm') return this.handled('handover:confirm');
      // Nothing prepared to send: say so, and offer the hand-over (matched, it was the Shopee OTP article).
      this.offer(this.tr('handover.nothingToSend'), [
        { label: this.tr('handover.send'), action: 'handover' },
        { label: this.tr('menu.back'), action: 'menu' },
      ], 'handover-offer');
      return true;
    }
    // An address typed on its own, out of the blue: the seller wants support to write to them.
    const address = this.state.question?.kind === 'handover' ? undefined : parseEmailAddress(typed);
    if (address && typed.length <= address.length + 12) {
      this.state.contactEmail = address;
      this.handover('asked');
      return true;
    }
    const number = choiceNumber(typed);
    const choice = number === undefined ? undefined : this.state.offered[number - 1];
    if (choice) return this.handled(choice.action);
    if (CHECK_STORES.test(typed) && typed.length < 80) return this.handled('status:check');
    return false;
  }

  /**
   * The answer to "did this fix it?", typed: first in the message ("ได้แล้วค่ะ", "no") or inside a
   * short sentence ("ขอบคุณค่ะ แก้ได้แล้ว", "ทำตามแล้วยังไม่ได้เลย"). A request for a person, or a
   * message naming a platform or an error code new to the conversation, is not one.
   */
  private feedbackTyped(typed: string, m: Explained): boolean {
    if (this.state.question?.kind !== 'feedback' || m.decision === 'escalate' || this.namesSomethingNew(m)) return false;
    // "ok send it (to support)": not "ok, fixed" (it was recorded as resolved).
    if (SEND_TO_SUPPORT.test(typed)) return this.handled('handover');
    // A question ("ยังไม่ได้จ่ายเลยค่ะ ต้องจ่ายก่อนใช่ไหม": not paid yet, must I pay first?) is no
    // answer to "did this fix it?", though it starts like "not yet".
    const question = QUESTION.test(typed);
    const short = typed.length < FEEDBACK_SENTENCE;
    const sentence = short && !question;
    if ((NO.test(typed) && typed.length < SHORT_ANSWER) || (sentence && NOT_FIXED.test(typed))) return this.handled('feedback:no');
    if (YES.test(typed) || (sentence && FIXED.test(typed))) return this.handled('feedback:yes');
    // "มีวิธีอื่นไหมคะ" (is there another way?) is a question, and a no.
    if ((sentence && TRIED.test(typed)) || (short && ANOTHER_WAY.test(typed))) return this.handled('feedback:no');
    if (m.decision === 'answer' && m.topic === this.state.topic) {
      // Matched to the article just shown, with a "not" ("ชื่อร้านไม่ได้ซ้ำนะคะ" after the
      // duplicate-nickname one): the seller is saying it does not fit; with a "still" ("did step
      // 1, still INTERNAL_DATA_ERROR", "กด reconnect แล้วก็ยัง expired อยู่ดี"), that it did not fix it.
      if (!question && (NEGATED.test(typed) || STILL.test(typed))) return this.handled('feedback:no');
      // Without one ("my shopee store stopped syncing" after the reconnect article): the problem
      // told again, the steps not tried yet. They are the answer; the question stands.
      this.offer(this.tr('feedback.same'), this.state.offered, 'ask-feedback');
      return true;
    }
    // Matched to an earlier article the seller said did not help ("เป็นบัญชีเจ้าของร้านค่ะ", the
    // renewal article's owner account, after it and the general one): more about why this one does
    // not help either, not a reason to show that one again.
    if (m.decision === 'answer' && m.topic && this.state.notFixed.includes(m.topic)) return this.handled('feedback:no');
    return false;
  }

  /** The platform question, the hand-over offer and "did you mean" answered in words the matcher finds no problem in. */
  private questionAnswered(typed: string, text: string, m: Explained): boolean {
    const question = this.state.question;
    const awaiting = question?.kind;
    const pendingTopic = question?.kind === 'platform' ? question.topic : undefined;
    const handover = this.state.draft;
    if (awaiting === 'platform' && pendingTopic && m.analysis.platforms.length > 0 && !this.anotherProblem(m, pendingTopic)) {
      this.platformChosen(m.analysis.platforms[0]);
      return true;
    }
    // At the e-mail question, a problem the matcher knows ("ร้าน lazada ขึ้น PASSWORD_NOT_MATCH")
    // is answered, and the hand-over being prepared dropped (nothing was sent; it is offered
    // again when the answer does not help); anything else is asked again for an address.
    if (awaiting === 'handover' && handover?.step === 'email') {
      // More about a problem whose article was already shown ("the OTP I got says expired when
      // I enter it", after the OTP article): for support, with the description; the address is
      // still asked for (the hand-over was dropped for that article again).
      if (m.decision === 'answer' && this.state.tried.includes(m.topic!) && !MENTIONS_EMAIL.test(typed) && text.length <= MAX_DESCRIPTION) {
        handover.description = handover.description ? `${handover.description} / ${text}` : text;
        this.offer(this.tr('handover.askEmail'), [this.cancelChoice()], 'ask-email');
        return true;
      }
      // How to reach support ("can't you answer me here?") is what the hand-over is doing.
      if (m.decision === 'answer' && !MENTIONS_EMAIL.test(typed) && !NOT_ABOUT_A_STORE.has(m.topic!)) {
        this.state.draft = undefined;
        this.state.question = undefined;
        return false;
      }
      // "I have no e-mail, can you call me?": support answers by e-mail only; say so, and what else there is.
      // A sentence, not an address ("can't you answer me here on LINE?", "I want a real person"):
      // why an address is needed, not "this e-mail looks invalid".
      const sentence = !typed.includes('@') && !MENTIONS_EMAIL.test(typed) && (/\s/.test(typed) || /[\u0E00-\u0E7F]/.test(typed));
      if (NO_EMAIL.test(typed) || sentence) {
        this.offer(this.tr('handover.noEmail'), [this.cancelChoice()], 'ask-email');
        return true;
      }
      this.handoverEmail(typed);
      return true;
    }
    // At the summary, what the seller adds ("the shop is LZ-Bangkok and the login page just
    // spins", "changed the password and it still shows") is for support: it joins the problem's
    // words and the summary comes again (it was answered as off-topic, with "did you mean" or
    // with the article already tried, and the summary's buttons were gone). A problem the
    // matcher knows and the seller has not tried yet is still answered.
    const alreadyTried = m.decision === 'answer' && this.state.tried.includes(m.topic!);
    if (awaiting === 'handover' && handover?.step === 'confirm' && (m.decision === 'none' || m.decision === 'clarify' || alreadyTried) && !m.analysis.smallTalk && m.analysis.content.length > 0) {
      if (this.addToProblem(text)) return true;
    }
    if (m.decision !== 'none') return false;
    // Details typed at the hand-over offer ("the shop is LZ-Bangkok, the e-mail changed last
    // week") that answer nothing and are no other question (far from the out-of-scope
    // examples): written for support, so a yes with the description.
    const details = !m.analysis.smallTalk && m.analysis.content.length >= 3 && m.farFromOutOfScope && text.length <= MAX_DESCRIPTION;
    if (awaiting === 'handover' && handover?.step === 'offer' && details) {
      handover.description = text;
      return this.handled('handover:start');
    }
    if (typed.length >= SHORT_ANSWER) return false;
    if (awaiting === 'clarify' && NO.test(typed)) return this.handled('none-of-these');
    if (awaiting === 'platform' && pendingTopic && UNSURE.test(typed)) {
      this.platformUnknown();
      return true;
    }
    return false;
  }

  private handled(action: string): true {
    this.action(action);
    return true;
  }

  /**
   * At the platform question, "อ้อ จริงๆ คือร้าน lazada หมดอายุ" (oh, actually my Lazada store
   * expired) is another problem, not the platform of the one asked about: it says more than a
   * platform's name and the matcher finds another topic in it.
   */
  private anotherProblem(m: Explained, pending: string): boolean {
    const a = m.analysis;
    const moreThanAName = a.content.some((t) => !(a.platforms as string[]).includes(t));
    const found = m.topic ?? (m.decision === 'clarify' ? m.candidates[0]?.topic : undefined);
    return moreThanAName && found !== undefined && found !== pending;
  }

  private namesSomethingNew(m: Explained): boolean {
    const a = m.analysis;
    return a.platforms.some((p) => !this.state.platforms.includes(p)) || a.errorCodes.some((c) => !this.state.errorCodes.includes(c));
  }

  /**
   * A message naming no platform, in a conversation about one, is read with that platform when
   * that turns "did you mean" into an answer ("it says consumer key invalid" after a WooCommerce
   * article: Shopify's and WooCommerce's articles were about as likely; with WooCommerce, its
   * API-key article).
   */
  private inContext(m: Explained): Explained {
    const platform = this.onlyPlatform();
    if (m.decision !== 'clarify' || m.analysis.platforms.length > 0 || !platform) return m;
    const again = this.explainOn(m.text, platform);
    return again.decision === 'answer' ? again : m;
  }

  /** The seller's words matched again with a platform's name, as if they had written it. */
  private explainOn(text: string, platform: Platform): Explained {
    return this.ctx.matcher.explain(`${text} ${PLATFORM_NAMES[platform]}`);
  }

  /** The one platform the conversation is about, if it knows exactly one. */
  private onlyPlatform(): Platform | undefined {
    return this.state.platforms.length === 1 ? this.state.platforms[0] : undefined;
  }

  /** Whether a topic is for one of these platforms (or all); with none known, every topic is. */
  private fitsPlatforms(t: Topic, platforms: readonly Platform[]): boolean {
    return platforms.length === 0 || t.platforms.includes('all') || t.platforms.some((p) => platforms.includes(p as Platform));
  }

  private remember(m: Explained): void {
    this.rememberEntities(m.analysis);
    // The next best articles are the matcher's close runners-up, those "did you mean" would offer;
    // one far behind shares a stray word ("never arrives": orders that never arrived after a
    // reconnect, for a Shopee OTP) and the article's own related ones come first.
    // A message that names no problem ("ไม่แน่ใจค่ะ" to the platform question) keeps the
    // runners-up of the one that did: its own are stray words' matches.
    if (m.decision !== 'answer' && m.decision !== 'clarify') return;
    const best = m.candidates[0]?.confidence ?? 0;
    this.state.alternatives = m.candidates.filter((c) => c.topic !== m.topic && c.confidence >= best - DECISION.clarifyWithin).map((c) => c.topic);
  }

  /**
   * An article chosen by its button names what the seller sees: its error code, and its platform
   * when it has one (the menu's PASSWORD_NOT_MATCH is Lazada's). The hand-over mail said
   * "Platforms: none, error codes: none" for such a case.
   */
  private rememberChosen(topic: Topic): void {
    const specific = topic.platforms.filter((p): p is Platform => p !== 'all');
    if (specific.length === 1) this.addPlatform(specific[0]!);
    if (topic.errorCodes.length === 1 && !this.state.errorCodes.includes(topic.errorCodes[0]!)) this.state.errorCodes.push(topic.errorCodes[0]!);
  }

  private rememberEntities(analysis: Explained['analysis']): void {
    for (const p of analysis.platforms) this.addPlatform(p);
    for (const c of analysis.errorCodes) {
      if (this.state.errorCodes.includes(c)) continue;
      this.state.errorCodes.push(c);
      // A code only one platform shows (PASSWORD_NOT_MATCH is Lazada's) names the platform too:
      // "this may be the cause instead" was otherwise any platform's article (Facebook's).
      const owners = new Set(topicsListingCode(this.ctx.kb, c).flatMap((t) => t.platforms));
      if (owners.size === 1) this.addPlatform([...owners][0]);
    }
  }

  private answer(m: Explained): void {
    const topic = this.ctx.kb.byId.get(m.topic!)!;
    const specific = topic.platforms.filter((p): p is Platform => p !== 'all');
    const known = this.state.platforms.some((p) => specific.includes(p));
    if (m.platformUnconfirmed && specific.length > 0 && !known) {
      // "OTP not arriving" alone: the only article is Shopee's, so make sure it is Shopee.
      this.state.question = { kind: 'platform', topic: topic.id, text: m.text };
      const choices: Choice[] = [
        ...specific.map((p) => ({ label: PLATFORM_NAMES[p], action: `platform:${p}` })),
        ...(['shopee', 'lazada', 'tiktok'] as Platform[])
          .filter((p) => !specific.includes(p))
          .map((p) => ({ label: PLATFORM_NAMES[p], action: `platform:${p}` })),
        { label: this.tr('platform.other'), action: 'platform:other' },
      ];
      this.offer(this.tr('platform.ask'), choices, 'ask-platform');
      return;
    }
    this.showArticle(topic);
  }

  showArticle(topic: Topic): void {
    const l = fillPlaceholders(topic[this.lang], { supportEmail: this.ctx.supportEmail });
    const notes = [...l.notes];
    if (topic.support.mayNeed) {
      notes.push(
        topic.support.afterStep
          ? this.tr('article.supportAfterStep', { step: topic.support.afterStep + 1 })
          : this.tr('article.supportMayBeNeeded'),
      );
    }
    this.messages.push({ type: 'steps', title: l.title, menuPath: l.menuPath, steps: l.steps, notes, images: l.images, act: `answer:${topic.id}` });
    this.botSaid(`[article ${topic.id}] ${l.title}`);
    this.events.push({ type: 'answered', topic: topic.id });
    this.state.topic = topic.id;
    if (!this.state.tried.includes(topic.id)) this.state.tried.push(topic.id);
    this.state.misses = 0;
    this.askFeedback();
  }

  private askFeedback(): void {
    this.state.question = { kind: 'feedback', topic: this.state.topic! };
    this.offer(this.tr(this.feedbackKey('ask')), [
      { label: this.tr(this.feedbackKey('yes')), action: 'feedback:yes' },
      { label: this.tr(this.feedbackKey('no')), action: 'feedback:no' },
      { label: this.tr('menu.handover'), action: 'handover' },
    ], 'ask-feedback');
  }

  /** The open question again, if one is open (its buttons were gone with the new message). */
  private askAgainIfAsked(): void {
    if (this.state.question) this.askAgain();
  }

  /**
   * The open question again, in the language of the moment ("English please" at "did this fix
   * it?" had dropped the question for the menu). "Did you mean" and the platform question keep
   * the buttons they had; with no question open, the menu.
   */
  private askAgain(): void {
    const h = this.state.question?.kind === 'handover' ? this.state.draft : undefined;
    if (this.state.question?.kind === 'feedback' && this.state.topic) return this.askFeedback();
    if (h?.step === 'offer') return this.offer(this.tr('handover.ask'), this.handoverChoices(), 'handover-offer');
    if (h?.step === 'email') return this.offer(this.tr('handover.askEmail'), [this.cancelChoice()], 'ask-email');
    if (h?.step === 'description') return this.askDescription();
    if (h?.step === 'confirm') return this.confirmHandover();
    const awaiting = this.state.question?.kind;
    if ((awaiting === 'platform' || awaiting === 'clarify') && this.state.offered.length > 0) return this.offer(this.tr(`${awaiting}.ask`), this.state.offered, awaiting === 'platform' ? 'ask-platform' : 'clarify');
    this.welcome(true);
  }

  /**
   * The words of "did this fix it?": an article that answers a question (the supported platforms,
   * how to reach support) fixed nothing, so it is "did this answer your question?".
   */
  private feedbackKey(k: 'ask' | 'yes' | 'no' | 'thanks'): string {
    const informational = !!this.state.topic && NOT_ABOUT_A_STORE.has(this.state.topic);
    return informational ? `feedback.${k}Info` : `feedback.${k}`;
  }

  private clarify(m: Explained): void {
    // In a conversation about one store's platform, a message naming none is not asked about
    // another platform's articles ("how can I check?" after a Shopify article offered Shopee's
    // and WooCommerce's); with none left it says too little.
    const known = m.analysis.platforms.length === 0 ? this.state.platforms : [];
    const candidates = m.candidates.filter((c) => this.fitsPlatforms(this.ctx.kb.byId.get(c.topic)!, known));
    if (candidates.length === 0) return this.nothingToAnswer({ ...m, decision: 'none', vague: true, farFromOutOfScope: true });
    this.state.question = { kind: 'clarify' };
    // "tiktok shop เชื่อมไม่ได้" (cannot connect) is a failure, not "can it be connected?": the
    // matcher cannot tell them apart, so with a "not" the articles about no store come last.
    const ranked = NEGATED.test(m.text) ? [...candidates].sort((a, b) => Number(NOT_ABOUT_A_STORE.has(a.topic)) - Number(NOT_ABOUT_A_STORE.has(b.topic))) : candidates;
    const choices = ranked.slice(0, 3).map((c) => this.topicChoice(c.topic));
    this.offer(this.tr('clarify.ask'), [...choices, { label: this.tr('clarify.none'), action: 'none-of-these' }], 'clarify');
  }

  private nothingToAnswer(m: Explained): void {
    const { analysis } = m;
    if (analysis.smallTalk === 'greeting') return this.welcome(false);
    if (analysis.smallTalk === 'thanks') return this.say(this.tr('smalltalk.thanks'), 'small-talk');
    if (analysis.smallTalk === 'goodbye') return this.say(this.tr('smalltalk.goodbye'), 'small-talk');
    if (analysis.noise) return this.say(this.tr('smalltalk.emoji'), 'small-talk');
    // "hmm" to a question with choices: the same question again, no miss.
    const awaiting = this.state.question?.kind;
    const withChoices = (awaiting === 'feedback' || awaiting === 'platform' || awaiting === 'clarify') && this.state.offered.length > 0;
    // "what now?", "แล้วต้องทำยังไงต่อคะ" at the hand-over offer or its summary: that question
    // again, the case kept (it was the menu, or "off-topic", and the offer's buttons were gone).
    const whatNow = analysis.content.length === 0 || (ANOTHER_WAY.test(m.text) && this.saysNothing(m.text.replace(ANOTHER_WAY, ' ')));
    const step = awaiting === 'handover' && whatNow ? this.state.draft?.step : undefined;
    if ((withChoices && analysis.content.length === 0) || step === 'offer' || step === 'confirm') return this.askAgain();
    // In the middle of a problem ("tried 3 times already" to "did you mean"), a message far from
    // the out-of-scope examples goes on with it: asked for more, not told it is off-topic.
    if (this.state.question && this.state.question.kind !== 'handover' && m.farFromOutOfScope) return this.nothingToAnswerVague();
    // Nothing but particles and filler ("ครับ", "hmm"): not a question the bot failed, no miss.
    if (analysis.content.length === 0) return this.welcome(true);
    if (m.vague) return this.nothingToAnswerVague();
    this.miss(() => this.offer(this.tr('offtopic'), this.menuChoices(), 'out-of-scope'));
  }

  /** Too little to pick a topic, though it is about a store connection: ask for more (still a miss). */
  private nothingToAnswerVague(): void {
    // The platform is not asked for again once the conversation knows it.
    const platform = this.onlyPlatform();
    const ask = platform ? this.tr('vagueOnPlatform', { platform: PLATFORM_NAMES[platform] }) : this.tr('vague');
    // Nor are another platform's problems offered (Shopee's OTP in a Lazada conversation).
    this.miss(() => this.offer(ask, this.menuChoices(this.state.platforms), 'ask-more'));
  }

  /** A message the bot could not help with; the second in a row brings the hand-over offer. */
  private miss(otherwise: () => void): void {
    this.state.misses++;
    if (this.state.misses >= 2) this.handover('two-misses');
    else otherwise();
  }

  action(action: string): void {
    const [kind, arg] = splitAction(action);
    switch (kind) {
      case 'menu':
        return this.welcome(true);
      case 'topic': {
        const topic = this.ctx.kb.byId.get(arg);
        if (!topic) return this.welcome(true);
        this.rememberChosen(topic);
        return this.showArticle(topic);
      }
      case 'feedback':
        return arg === 'yes' ? this.fixed() : this.notFixed();
      case 'handover':
        return arg ? this.handoverStep(arg) : this.handover('asked');
      case 'none-of-these':
        return this.miss(() => {
          this.state.question = undefined;
          this.say(this.tr('clarify.rephrase'), 'ask-more');
        });
      case 'platform':
        return this.platformChosen(arg as Platform | 'other');
      case 'status':
        return this.requestStatus('asked');
      case 'account':
        // A link button pressed where the channel does not link (an old button, another channel).
        return this.askToSignIn();
      case 'lang':
        if (arg === 'th' || arg === 'en') {
          this.state.lang = arg;
          this.state.langPinned = true;
          this.say(this.tr('language.switched'), 'language');
        }
        return this.welcome(true);
      default:
        return this.welcome(true);
    }
  }

  private fixed(): void {
    const topic = this.state.topic ?? 'unknown';
    this.state.resolved = { topic, at: this.at };
    this.state.question = undefined;
    this.state.offered = [];
    this.state.tried = [];
    this.events.push({ type: 'resolved', topic });
    this.say(this.tr(this.feedbackKey('thanks')), 'resolved');
  }

  private notFixed(): void {
    const current = this.state.topic ? this.ctx.kb.byId.get(this.state.topic) : undefined;
    if (current) {
      this.events.push({ type: 'not-resolved', topic: current.id });
      if (!this.state.notFixed.includes(current.id)) this.state.notFixed.push(current.id);
    }
    if (current?.support.mayNeed) return this.handover('needs-support');
    // An article answering a question (the supported platforms) that did not answer it: no
    // store problem's article is "the cause instead"; support can answer.
    if (current && NOT_ABOUT_A_STORE.has(current.id)) return this.handover('not-answered');
    // One more article at most (the next best match, else a related one), then a person.
    const next = this.state.tried.length < 2 ? this.nextArticle(current) : undefined;
    if (next) {
      // A lead-in: the act of the article it introduces.
      this.say(this.tr('feedback.next'), `answer:${next.id}`);
      return this.showArticle(next);
    }
    this.handover('not-fixed');
  }

  private nextArticle(current: Topic | undefined): Topic | undefined {
    const ids = [...this.state.alternatives, ...(current?.related ?? [])];
    // The article's own code counts as known: it was chosen by its name (a menu button reading
    // PASSWORD_NOT_MATCH), not only typed.
    const knownCodes = [...this.state.errorCodes, ...(current?.errorCodes ?? [])].map((c) => c.toUpperCase());
    // With no platform said, the article's platform is the one the conversation is about: after
    // Shopee's OTP article, WooCommerce's permalinks are no "cause instead".
    const ownPlatforms = (current?.platforms ?? []).filter((p): p is Platform => p !== 'all');
    const platforms = this.state.platforms.length > 0 ? this.state.platforms : ownPlatforms;
    for (const id of ids) {
      const t = this.ctx.kb.byId.get(id);
      // "This may be the cause instead" is never the list of platforms or how to reach support.
      if (!t || this.state.tried.includes(id) || NOT_ABOUT_A_STORE.has(id)) continue;
      // Nor another error code's article once the code is known (typed, or the store's last
      // error in a status check): PASSWORD_NOT_MATCH on screen is not INTERNAL_DATA_ERROR.
      if (knownCodes.length > 0 && t.errorCodes.length > 0 && !t.errorCodes.some((c) => knownCodes.includes(c.toUpperCase()))) continue;
      if (this.fitsPlatforms(t, platforms)) return t;
    }
    return undefined;
  }

  /** The article waiting for the platform question's answer; the question is answered with this. */
  private takePendingTopic(): { topic?: Topic; text?: string } {
    const asked = this.state.question?.kind === 'platform' ? this.state.question : undefined;
    const topic = asked ? this.ctx.kb.byId.get(asked.topic) : undefined;
    const text = asked?.text;
    this.state.question = undefined;
    return { topic, text };
  }

  private platformChosen(platform: Platform | 'other'): void {
    const { topic: pending, text } = this.takePendingTopic();
    this.addPlatform(platform);
    const fits = (t: Topic | undefined): t is Topic => !!t && platform !== 'other' && this.fitsPlatforms(t, [platform]);
    if (fits(pending)) return this.showArticle(pending);
    // The article asked about is another platform's ("ร้านหลุด" -> Shopify's, then Lazada): the
    // seller's words ranked other articles too, and the best of them for this platform (for
    // "another platform", a general one) is the answer. Their words again with the platform's
    // name come second: that pulls towards the platform's own articles ("ร้านหลุด tiktok" found
    // the second-shop one) or finds none ("no guide on Lazada" for a store that dropped out).
    if (text) {
      const forPlatform = (t: Topic) => (platform === 'other' ? t.platforms.includes('all') : this.fitsPlatforms(t, [platform]));
      const ranked = this.ctx.matcher.explain(text).candidates.filter((c) => c.confidence >= DECISION.clarifyScore);
      const best = ranked.map((c) => this.ctx.kb.byId.get(c.topic)).find((t): t is Topic => !!t && !NOT_ABOUT_A_STORE.has(t.id) && forPlatform(t));
      if (best) return this.showArticle(best);
    }
    if (text && platform !== 'other') {
      const again = this.explainOn(text, platform);
      const found = again.decision === 'answer' ? this.ctx.kb.byId.get(again.topic!) : undefined;
      if (fits(found)) {
        this.remember(again);
        return this.showArticle(found);
      }
    }
    const name = platform === 'other' ? this.tr('platform.other') : PLATFORM_NAMES[platform];
    this.say(this.tr('platform.noArticle', { platform: name }), 'no-article');
    this.handover('no-article-for-platform');
  }

  /** "Not sure" to the platform question: the one article there is names its platform itself. */
  private platformUnknown(): void {
    const { topic: pending } = this.takePendingTopic();
    return pending ? this.showArticle(pending) : this.welcome(true);
  }

  /** The hand-over offer: the case goes to support by e-mail once the seller agrees. */
  private handover(reason: HandoverReason): void {
    // "A person, please" again, with nothing new since the last ticket: that ticket, at once (the
    // seller went through the e-mail, description and summary to hear it exists).
    const ticket = this.state.ticket;
    const nothingNew = this.state.platforms.length === 0 && this.state.errorCodes.length === 0 && this.state.tried.length === 0;
    const openMs = (this.ctx.ticketOpenSeconds ?? DEFAULT_TICKET_OPEN_SECONDS) * 1000;
    if (reason === 'asked' && ticket && nothingNew && Date.parse(this.at) - Date.parse(ticket.at) < openMs) {
      this.events.push({ type: 'ticket', ticket: ticket.id, existing: true, limited: false });
      return this.offer(this.tr('handover.alreadyOpen', { ticket: ticket.id }), this.menuChoices(), 'ticket');
    }
    this.events.push({ type: 'handover-offered', reason });
    this.state.handoverOffered = { reason, at: this.at };
    this.state.misses = 0;
    this.state.question = { kind: 'handover' };
    this.state.draft = { step: 'offer', reason, email: this.state.contactEmail };
    const lead = this.tr(`handover.reason.${reason}`);
    this.say([lead, this.tr('handover.offer')].filter(Boolean).join(' '), 'handover-offer');
    this.offer(this.tr('handover.ask'), this.handoverChoices(), 'handover-offer');
  }

  /** The offer's buttons, in the conversation's language of the moment. */
  private handoverChoices(): Choice[] {
    return [
      { label: this.tr('handover.send'), action: 'handover:start' },
      { label: this.tr('handover.notNow'), action: 'handover:cancel' },
    ];
  }

  private handoverStep(step: string): void {
    const h = this.state.draft;
    if (step === 'cancel') {
      if (h) this.events.push({ type: 'handover-cancelled' });
      this.state.draft = undefined;
      this.state.question = undefined;
      this.say(this.tr('handover.cancelled', { email: this.ctx.supportEmail }), 'handover-cancelled');
      return this.welcome(true);
    }
    if (!h) return this.handover('asked');
    switch (step) {
      case 'start':
        if (!h.email) return this.askEmail();
        return h.description !== undefined ? this.confirmHandover() : this.askDescription();
      case 'email':
        return this.askEmail();
      case 'skip':
        return this.confirmHandover();
      case 'confirm':
        return this.requestTicket();
      default:
        return this.confirmHandover();
    }
  }

  private cancelChoice(): Choice {
    return { label: this.tr('handover.cancel'), action: 'handover:cancel' };
  }

  private askEmail(): void {
    this.state.question = { kind: 'handover' };
    this.state.draft!.step = 'email';
    this.offer(this.tr('handover.askEmail'), [this.cancelChoice()], 'ask-email');
  }

  private handoverEmail(typed: string): void {
    const email = parseEmailAddress(typed);
    if (!email) return this.offer(this.tr('handover.badEmail'), [this.cancelChoice()], 'ask-email');
    this.state.draft!.email = email;
    this.state.contactEmail = email;
    if (this.state.draft!.description !== undefined) return this.confirmHandover();
    this.askDescription();
  }

  private askDescription(): void {
    this.state.question = { kind: 'handover' };
    this.state.draft!.step = 'description';
    this.offer(this.tr('handover.askDescription'), [{ label: this.tr('handover.skip'), action: 'handover:skip' }, this.cancelChoice()], 'ask-description');
  }

  /** Adds what the seller typed at the summary to the problem and shows the summary again (false: it would be too long). */
  private addToProblem(text: string): boolean {
    const h = this.state.draft!;
    const before = h.description ?? this.firstWords().join(' / ');
    const description = before ? `${before} / ${text}` : text;
    if (description.length > MAX_DESCRIPTION) return false;
    h.description = description;
    this.confirmHandover();
    return true;
  }

  /** No word about a problem in it: particles, filler, punctuation. */
  private saysNothing(text: string): boolean {
    return this.ctx.matcher.analyse(text).content.length === 0;
  }

  private handoverDescription(typed: string, analysis: Explained['analysis']): void {
    if (typed.length > MAX_DESCRIPTION) {
      return this.offer(this.tr('handover.tooLong', { max: MAX_DESCRIPTION, length: typed.length }), [
        { label: this.tr('handover.skip'), action: 'handover:skip' },
        this.cancelChoice(),
      ], 'ask-description');
    }
    this.state.draft!.description = typed;
    // The description may name a platform or an error code the chat never did: support needs both.
    this.rememberEntities(analysis);
    this.confirmHandover();
  }

  private confirmHandover(): void {
    const h = this.state.draft!;
    this.state.question = { kind: 'handover' };
    h.step = 'confirm';
    const none = this.tr('handover.summary.none');
    const titles = this.state.tried.map((id) => this.ctx.kb.byId.get(id)?.[this.lang].title ?? id);
    const summary = [
      this.tr('handover.summary.title'),
      `${this.tr('handover.summary.email')}: ${h.email}`,
      `${this.tr('handover.summary.problem')}: ${this.problemInWords()}`,
      `${this.tr('handover.summary.platform')}: ${this.state.platforms.map((p) => PLATFORM_NAMES[p]).join(', ') || none}`,
      `${this.tr('handover.summary.errors')}: ${this.state.errorCodes.join(', ') || none}`,
      `${this.tr('handover.summary.tried')}: ${titles.join(', ') || none}`,
    ].join('\n');
    this.offer(summary, [
      { label: this.tr('handover.confirm'), action: 'handover:confirm' },
      { label: this.tr('handover.changeEmail'), action: 'handover:email' },
      this.cancelChoice(),
    ], 'handover-summary');
  }

  /** The seller's own words: the description, else the first things they typed. */
  private problemInWords(): string {
    const h = this.state.draft;
    if (h?.description) return h.description;
    return this.firstWords().join(' / ') || this.tr('handover.summary.none');
  }

  private isButtonLabel(text: string): boolean {
    return ['handover.send', 'handover.notNow', 'handover.confirm', 'handover.skip', 'feedback.yes', 'feedback.no', 'feedback.yesInfo', 'feedback.noInfo', 'menu.handover'].some(
      (k) => this.tr(k) === text,
    );
  }

  private requestTicket(): void {
    const h = this.state.draft!;
    if (!h.email) return this.askEmail();
    // Support gets a snapshot of the stores with the case, taken now unless one is fresh.
    if (this.turn.accountId && !this.freshSnapshot()) return this.requestStatus('handover');
    this.fileTicket();
  }

  private fileTicket(): void {
    const h = this.state.draft!;
    if (!h.email) return this.askEmail();
    const topics = this.state.tried.map((id) => this.ctx.kb.byId.get(id)).filter((t): t is Topic => !!t);
    const escalation: EscalationCase = {
      userKey: `${this.turn.channel}:${this.turn.userId}`,
      channel: this.turn.channel,
      userRef: `${this.turn.channel}:${this.turn.userId}`,
      lang: this.lang,
      contactEmail: h.email,
      problem: this.problemInWords(),
      reason: h.reason,
      platforms: this.state.platforms,
      errorCodes: this.state.errorCodes,
      articlesTried: topics.map((t) => ({
        topic: t.id,
        title: t.en.title,
        outcome: this.state.notFixed.includes(t.id) ? 'not fixed' : this.state.resolved?.topic === t.id ? 'fixed' : 'no answer',
      })),
      needsAccountCredentials: topics.some((t) => t.support.needsAccountCredentials),
      accountId: this.turn.accountId,
      statusSnapshot: this.state.statusSnapshot,
      transcript: this.state.transcript,
      screenshots: (this.state.screenshots ?? []).map(({ ref, contentType }) => ({ ref, contentType })),
      createdAt: this.at,
    };
    this.effect = { type: 'create-ticket', case: escalation };
  }

  private askToSignIn(): void {
    this.offer(this.tr('status.signIn'), this.menuChoices(), 'ask-link');
  }

  /** The article of the problem the last, fresh status check found on this platform's store. */
  private checkedProblem(platform: Platform): Topic | undefined {
    const snapshot = this.state.statusSnapshot;
    if (!snapshot || !this.freshSnapshot()) return undefined;
    const account: AccountStores = { accountId: this.turn.accountId ?? '', fetchedAt: snapshot.at, stores: snapshot.stores as StoreStatus[] };
    const { problems } = diagnose(account, this.ctx.kb, new Date(this.at));
    const withArticle = (f: Finding): f is Extract<Finding, { kind: 'expired' | 'known-error' }> => f.kind === 'expired' || f.kind === 'known-error';
    const found = problems.filter(withArticle).find((f) => f.store.platform === platform && !this.state.notFixed.includes(f.topic));
    return found && this.ctx.kb.byId.get(found.topic);
  }

  private freshSnapshot(): boolean {
    const at = this.state.statusSnapshot?.at;
    return !!at && Date.parse(this.at) - Date.parse(at) < SNAPSHOT_FRESH_MS;
  }

  private requestStatus(purpose: 'asked' | 'handover'): void {
    if (!this.turn.accountId) {
      if (purpose === 'handover') return this.fileTicket();
      // The channel starts the linking itself on this action (LINE); the language rides along.
      if (this.turn.accountLinking) {
        const link = { label: this.tr('status.linkButton'), action: linkAction(this.state.lang ?? 'th') };
        return this.offer(this.tr('status.linkFirst'), [link, ...this.menuChoices()], 'ask-link');
      }
      return this.askToSignIn();
    }
    this.state.statusCheck = { purpose };
    this.effect = { type: 'check-status', accountId: this.turn.accountId };
  }

  /** The connector answered (or failed): say what it shows, then carry on with the conversation. */
  statusChecked(turn: Turn): void {
    const check = this.state.statusCheck ?? { purpose: 'asked' as const };
    this.state.statusCheck = undefined;
    const r = turn.status;
    if (!r || 'error' in r) {
      this.events.push({ type: 'status-checked', ok: false, problems: 0 });
      if (check.purpose === 'handover') return this.fileTicket();
      this.say(this.tr('status.failed'), 'error');
      return this.continueAfterCheck(check);
    }
    const diagnosis = diagnose(r, this.ctx.kb, new Date(this.at));
    this.state.statusSnapshot = { at: this.at, stores: r.stores };
    this.events.push({ type: 'status-checked', ok: true, problems: diagnosis.problems.length });
    if (check.purpose === 'handover') return this.fileTicket();

    const lines = [...diagnosis.problems, ...diagnosis.warnings].map((f) => this.describeFinding(f));
    if (diagnosis.allActive) {
      this.offer(this.tr('status.allActive', { count: diagnosis.storeCount }), [
        ...(check.topic ? [this.topicChoice(check.topic)] : []),
        { label: this.tr('menu.handover'), action: 'handover' },
      ], 'status');
      return;
    }
    this.say([this.tr('status.intro'), ...lines].join('\n'), 'status');
    // The platform and code of every problem found, an unknown error's too: the hand-over's
    // summary said "Platform: —" for a Shopify store's unknown error.
    for (const f of diagnosis.problems) {
      this.addPlatform(f.store.platform);
      if ((f.kind === 'known-error' || f.kind === 'unknown-error') && !this.state.errorCodes.includes(f.code)) this.state.errorCodes.push(f.code);
    }
    const first = diagnosis.problems[0];
    if (!first) return this.continueAfterCheck(check);
    if (first.kind !== 'expired' && first.kind !== 'known-error') return this.handover('unknown-error');
    // The first problem's article now; the others stay one tap away.
    this.state.alternatives = [...new Set(diagnosis.problems.slice(1).flatMap((f) => (f.kind === 'expired' || f.kind === 'known-error' ? [f.topic] : [])))];
    this.showArticle(this.ctx.kb.byId.get(first.topic)!);
  }

  private addPlatform(platform: string): void {
    if (PLATFORMS.includes(platform as Platform) && !this.state.platforms.includes(platform as Platform)) this.state.platforms.push(platform as Platform);
  }

  private describeFinding(f: Finding): string {
    const platform = PLATFORM_NAMES[f.store.platform as Platform] ?? f.store.platform;
    const store = f.store.nickname || f.store.storeId;
    const date = (iso: string) =>
      new Date(iso).toLocaleDateString(this.lang === 'th' ? 'th-TH' : 'en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Asia/Bangkok' });
    switch (f.kind) {
      case 'expired':
        return f.expiredAt ? this.tr('status.expired', { platform, store, date: date(f.expiredAt) }) : this.tr('status.expiredNoDate', { platform, store });
      case 'known-error':
        return this.tr('status.knownError', { platform, store, code: f.code });
      case 'unknown-error':
        return this.tr('status.unknownError', { platform, store, code: f.code });
      case 'expiring-soon':
        return this.tr('status.expiring', { platform, store, date: date(f.expiresAt), days: f.days });
    }
  }

  /** After a failed or uneventful check, answer what the seller wrote as if there were no check. */
  private continueAfterCheck(check: NonNullable<ConversationState['statusCheck']>): void {
    if (check.purpose !== 'problem') return this.welcome(true);
    if (check.decision === 'vague') return this.nothingToAnswerVague();
    if (check.decision === 'answer' && check.topic) return this.showArticle(this.ctx.kb.byId.get(check.topic)!);
    const candidates = (check.candidates ?? []).slice(0, 3);
    if (candidates.length === 0) return this.welcome(true);
    this.state.question = { kind: 'clarify' };
    this.offer(this.tr('clarify.ask'), [
      ...candidates.map((id) => this.topicChoice(id)),
      { label: this.tr('clarify.none'), action: 'none-of-these' },
    ], 'clarify');
  }

  /** The outbox has the case (or failed to take it): tell the seller. */
  ticketCreated(turn: Turn): void {
    const r = turn.ticket;
    const email = this.state.draft?.email ?? this.state.contactEmail ?? '';
    if (!r || 'error' in r) {
      // Nothing was queued: keep the prepared case so "Send" can be pressed again.
      this.offer(this.tr('handover.failed', { email: this.ctx.supportEmail }), [
        { label: this.tr('handover.confirm'), action: 'handover:confirm' },
        this.cancelChoice(),
      ], 'error');
      return;
    }
    this.events.push({ type: 'ticket', ticket: r.ticket, existing: r.existing, limited: r.limited });
    this.state.ticket = { id: r.ticket, at: this.at };
    this.state.draft = undefined;
    this.state.question = undefined;
    this.state.offered = [];
    this.newProblem();
    const key = r.limited ? 'handover.limited' : r.existing ? 'handover.existing' : 'handover.created';
    this.say(this.tr(key, { ticket: r.ticket, email }), 'ticket');
  }

  /**
   * The problem is with support now: what comes next is another one. Its hand-over names only
   * its own platforms, codes, articles and words (a Shopee OTP case after a Lazada one was
   * mailed as "Lazada/Shopee INTERNAL_DATA_ERROR"), and its transcript starts here.
   */
  private newProblem(): void {
    Object.assign(this.state, { tried: [], notFixed: [], alternatives: [], platforms: [], errorCodes: [], firstWords: [], screenshots: [], misses: 0 });
    this.state.topic = undefined;
    // From the next turn: this one's lines (the seller's "Send", the ticket number) were the last case's.
    this.state.startedAt = new Date(Date.parse(this.at) + 1).toISOString();
  }
}

function splitAction(action: string): [string, string] {
  const i = action.indexOf(':');
  return i < 0 ? [action, ''] : [action.slice(0, i), action.slice(i + 1)];
}
