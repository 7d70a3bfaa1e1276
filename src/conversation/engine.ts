/**
 * The conversation core: one turn plus the stored state gives the replies and the new state.
 * Pure: no I/O, no clock (the turn carries its time), no channel specifics. The engine routes
 * the seller's turn: secrets and language first, then commands, then the open question's
 * dialog (dialogs/), then matching; the dialogs do the rest.
 */
import { withoutMasks } from '../escalation/redact';
import { hear } from './hearing';
import { languageOfMessage, languageRequested } from './language';
import type { Explained } from '../matching/matcher';
import { parseEmailAddress } from '../escalation/email-address';
import { withoutAddresses } from '../escalation/redaction/contacts';
import type { Act, Turn } from './messages';
import { mentions } from './cues';
import { onlySays } from './replies';
import { Reading } from './reading';
import { migrate, newState, type ConversationState, type OpenQuestion, type StoredState } from './state';
import { NOT_ABOUT_A_STORE, SECRET_LABELS, UNKNOWN_CODE } from './phrases';
import { TurnContext, type CoreContext, type TurnResult } from './turn-context';
import type { Dialog, Dialogs } from './dialogs/api';
import { FeedbackDialog } from './dialogs/feedback';
import { PlatformDialog } from './dialogs/platform';
import { ClarifyDialog } from './dialogs/clarify';
import { HandoverDialog } from './dialogs/handover';
import { MoreDialog } from './dialogs/more';
import { StatusDialog } from './dialogs/status';
import { TicketsDialog } from './dialogs/tickets';
import { RatingDialog } from './dialogs/rating';
import { Commands } from './commands';
import { remindersButton, remindersSet } from './reminders';
import { NoAnswer, saysStoreFault } from './no-answer';
import { settledMeanwhile } from './meanwhile';
import { PendingProblems } from './pending-problems';
import { pictureSent } from './picture';

export { redactBotLine, type CoreContext, type TurnResult } from './turn-context';
export { choiceNumber, MAX_DESCRIPTION, MENU_TOPICS } from './phrases';
export { writesEnglish } from './language';

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
  const builder = new TurnBuilder(state, ctx, turn.at, turn);
  builder.dialogs.rating.passBy(turn);
  TURN_KINDS[turn.kind](builder, turn);
  builder.dialogs.rating.endOfTurn();
  return builder.result();
}

/** What each kind of turn does: a typed message goes through TEXT_STEPS, a button to its dialog. */
const TURN_KINDS: Record<Turn['kind'], (b: TurnBuilder, turn: Turn) => void> = {
  start: (b) => b.welcome(false),
  message: (b, turn) => b.text(turn.text ?? ''),
  action: (b, turn) => {
    b.answerSecretExpected();
    b.userPressed(labelOf(b.state, turn.action) ?? turn.text ?? `(${turn.action})`);
    b.action(turn.action ?? '');
  },
  sticker: (b) => b.noted('(sticker)', 'smalltalk.sticker', 'small-talk'),
  image: (b, turn) => {
    if (turn.screenshot) b.state.screenshots = [...(b.state.screenshots ?? []), { ...turn.screenshot, at: turn.at }].slice(-10);
    b.state.pictureAt = turn.at;
    pictureSent(b, turn.pictureText, turn.morePicturesComing === true);
  },
  file: (b) => b.noted('(file)', 'smalltalk.file', 'unsupported'),
  // A location, or a kind of message a channel added after this bot was written.
  other: (b) => b.noted('(message the bot cannot read)', 'smalltalk.other', 'unsupported'),
  ticket: (b, turn) => b.dialogs.handover.ticketCreated(turn),
  status: (b, turn) => b.dialogs.status.statusChecked(turn),
  tickets: (b, turn) => b.dialogs.tickets.ticketsListed(turn),
  reminders: (b, turn) => remindersSet(b, turn),
};

function labelOf(state: ConversationState, action: string | undefined): string | undefined {
  return state.offered.find((c) => c.action === action)?.label;
}

/**
 * The order in which a typed message is read: the first step that answers it ends the turn.
 * Precedence is this list, not the order of checks in code: secrets and the language first,
 * then the commands, then the open question's dialog, then what the matcher found.
 */
const TEXT_STEPS = [
  'language',
  'secret',
  'announcedPassword',
  'languageRequest',
  'command',
  'pendingProblem',
  'storeQuestion',
  'openDialog',
  'meanwhile',
  'remember',
  'checkStoresFirst',
  'onlyAboutTheSecret',
  'unknownErrorCode',
  'checkedPlatform',
  'decision',
] as const satisfies readonly (keyof TurnBuilder)[];

/** The dialog of each open question ('secret-expected' is the engine's: the next message is masked). */
const QUESTION_DIALOGS: Record<OpenQuestion['kind'], keyof Dialogs | undefined> = {
  feedback: 'feedback',
  clarify: 'clarify',
  platform: 'platform',
  handover: 'handover',
  more: 'more',
  rating: 'rating',
  'secret-expected': undefined,
};

/** The dialog each button belongs to, by its action's name ("handover" of "handover:start"). */
const BUTTONS: Record<string, (b: TurnBuilder, arg: string) => void> = {
  menu: (b) => b.welcome(true),
  topic: (b, id) => b.chooseTopic(id),
  feedback: (b, arg) => b.dialogs.feedback.takeButton(arg),
  handover: (b, arg) => b.dialogs.handover.takeButton(arg),
  'none-of-these': (b) => b.dialogs.clarify.takeButton('none'),
  platform: (b, arg) => b.dialogs.platform.takeButton(arg),
  status: (b) => b.dialogs.status.takeButton('check'),
  account: (b) => b.dialogs.status.takeButton('account'),
  // The LINE rich menu's "My tickets": the postback data stays on LINE's servers, never rename it.
  tickets: (b, arg) => b.dialogs.tickets.takeButton(arg),
  lang: (b, arg) => b.chooseLanguage(arg),
  rating: (b, arg) => b.dialogs.rating.takeButton(arg),
  // The expiry warning's "stop reminders" (LINE pushes carry it): never rename it.
  reminders: (b, arg) => remindersButton(b, arg),
};

const decisionOf = (m: Explained) => (m.vague ? 'vague' : m.decision);

class TurnBuilder extends TurnContext {
  private readonly commands = new Commands(this);
  private readonly noAnswer = new NoAnswer(this);
  private readonly pending = new PendingProblems(this);

  constructor(state: ConversationState, ctx: CoreContext, at: string, turn: Turn) {
    super(state, ctx, at, turn);
    this.dialogs = {
      feedback: new FeedbackDialog(this),
      platform: new PlatformDialog(this),
      clarify: new ClarifyDialog(this),
      handover: new HandoverDialog(this),
      more: new MoreDialog(this),
      status: new StatusDialog(this),
      tickets: new TicketsDialog(this),
      rating: new RatingDialog(this),
    };
  }

  nothingToAnswer(m: Explained): void {
    this.noAnswer.nothing(m);
  }

  /** A sticker, a picture, a file: noted in the transcript, and a line about it. */
  noted(what: string, key: string, act: Act): void {
    this.userSaid(what);
    this.say(this.tr(key), act);
  }

  /**
   * A typed message, read by the steps of TEXT_STEPS in their order until one answers it:
   * secrets and the language first, then commands and the open question, then matching.
   */
  text(raw: string): void {
    // A whole message: one word that looks like a password is one ("sunflower2020" alone), and
    // after "นี่รหัสผ่านนะคะ" the next short message is one whatever it looks like.
    const { text, kinds } = hear(raw, this.state.question);
    this.answerSecretExpected();
    this.userSaid(text, true);
    const r = new Reading(text, kinds, (t) => this.inContext(this.ctx.matcher.explain(t)), (m) => this.memory.remember(m));
    for (const step of TEXT_STEPS) if (this[step](r)) return;
  }

  /** The dialog whose question is open, if it has one. */
  private openDialog_(): Dialog | undefined {
    const kind = this.state.question?.kind;
    const name = kind ? QUESTION_DIALOGS[kind] : undefined;
    return name ? this.dialogs[name] : undefined;
  }
  /**
   * The language, before anything is said (an English first message with a password got the
   * warning in Thai and the article in English). What the seller said besides the secrets and
   * their labels tells it: the mask's own English words would switch a Thai chat, and so would
   * an English label ("รหัส lazada ของหนู ..." is Thai). An e-mail address, a typed answer to the
   * e-mail question or "my password is" says nothing about language. Never answers.
   */
  language(r: Reading): boolean {
    const answeringEmail = this.state.question?.kind === 'handover' && this.state.draft?.step === 'email';
    // The address itself says nothing; the words beside it do ("… contact me at bob@example.com").
    const words = parseEmailAddress(r.text) ? withoutAddresses(r.text) : r.text;
    if (!this.state.langPinned && !answeringEmail && !this.announcesPassword(r) && /\p{L}{2}/u.test(words)) {
      this.state.lang = languageOfMessage(words, r.kinds.length > 0, !this.state.typed) ?? this.state.lang;
    }
    return false;
  }

  /** "นี่รหัสผ่านนะคะ", "my password is" (replies.yaml's password-next). */
  announcesPassword(r: Reading): boolean {
    return onlySays(this.reply(r.text), 'password-next');
  }

  /** A secret typed: the warning; alone, the open question again; at the summary, more for support. */
  secret(r: Reading): boolean {
    if (r.kinds.length === 0) return false;
    this.events.push({ type: 'secret-redacted', kinds: r.kinds });
    this.messages.push({ type: 'text', text: this.tr('safety.secret'), act: 'secret-warning' });
    this.botSaid(this.tr('safety.secret'));
    const said = withoutMasks(r.text).replace(SECRET_LABELS, ' ');
    // Nothing left but the secret: the warning is the whole answer, and the open question stays open.
    if (!/[\p{L}\p{N}]/u.test(said)) {
      this.askAgainIfAsked();
      return true;
    }
    // At the summary, the rest is more for support ("OTP ที่ได้คือ [code removed]" found the OTP
    // article and the summary's buttons were gone).
    return this.state.question?.kind === 'handover' && this.state.draft?.step === 'confirm' && this.dialogs.handover.addToProblem(r.text);
  }

  /**
   * "นี่รหัสผ่านนะคะ": a password comes next. Said before it does: BigSeller never needs it here;
   * the next message will be kept masked, and the open question waits.
   */
  announcedPassword(r: Reading): boolean {
    if (!this.announcesPassword(r)) return false;
    const open = this.state.question;
    const then = open?.kind === 'secret-expected' ? open.then : open;
    this.state.question = { kind: 'secret-expected', ...(then ? { then } : {}) };
    this.say(this.tr('safety.announced'), 'secret-warning');
    return true;
  }

  /** A short request for a language switches and pins it; otherwise the script tells. */
  languageRequest(r: Reading): boolean {
    const switchTo = languageRequested(r.text);
    if (!switchTo) {
      this.state.typed = true;
      return false;
    }
    this.state.lang = switchTo;
    this.state.langPinned = true;
    this.say(this.tr('language.switched'), 'language');
    // "sorry my thai reading not so good, english please" right after an article: the seller could
    // not read it, so it comes again in the language asked for, with its question.
    const shown = this.state.question?.kind === 'feedback' && this.state.topic ? this.ctx.kb.byId.get(this.state.topic) : undefined;
    if (shown) this.dialogs.feedback.showArticle(shown);
    else this.askAgain();
    return true;
  }

  /** What a typed message does before any matching (commands.ts). */
  command(r: Reading): boolean {
    return this.commands.typed(r.typed);
  }

  /** "เริ่มจาก lazada ก่อนค่ะ", "done. now shopee": a store's problem named before (pending-problems.ts). */
  pendingProblem(r: Reading): boolean {
    return this.pending.take(r);
  }

  /** "Is my Lazada store OK?" from a signed-in seller: that platform's stores, not an article. */
  storeQuestion(r: Reading): boolean {
    const platform = this.dialogs.status.stores.platformAsked(r);
    if (!platform) return false;
    this.dialogs.status.stores.ask(platform);
    return true;
  }

  /** The open question's dialog reads the words (dialogs/). */
  openDialog(r: Reading): boolean {
    return this.openDialog_()?.takeReply(r) ?? false;
  }

  /** Fixed meanwhile, or "later", while another question was open (meanwhile.ts). */
  meanwhile(r: Reading): boolean {
    return settledMeanwhile(this, r);
  }

  /** What the matcher found joins the memory, and the seller's words about the problem. Never answers. */
  remember(r: Reading): boolean {
    r.remember();
    this.memory.aboutTheProblem(r.text, r.m);
    this.pending.note(r.text, r.m);
    this.events.push({ type: 'matched', decision: decisionOf(r.m), text: r.text, candidates: r.m.candidates.map((c) => c.topic) });
    return false;
  }

  /**
   * A linked seller describing a store problem, however vaguely ("เชื่อมต่อร้านไม่ได้"): the real
   * stores are looked at before answering, or before asking for more.
   */
  checkStoresFirst(r: Reading): boolean {
    const m = r.m;
    const subject = m.topic ?? m.candidates[0]?.topic;
    // "ร้านขึ้น error อะไรไม่รู้ค่ะ ช่วยดูหน่อย", "ช่วยดูหน่อยว่าร้านเชื่อมต่อมีปัญหาไหม": a fault of the
    // store or its connection, no article named; what the stores show is the best lead.
    const storeFault = m.decision === 'none' && !m.analysis.smallTalk && saysStoreFault(m.analysis);
    const aboutAStore = m.vague || storeFault || ((m.decision === 'answer' || m.decision === 'clarify') && !!subject && !NOT_ABOUT_A_STORE.has(subject));
    if (!this.turn.accountId || !aboutAStore || this.dialogs.status.freshSnapshot()) return false;
    this.state.statusCheck = { purpose: 'problem', topic: m.topic ?? undefined, decision: decisionOf(m), confidence: m.confidence, candidates: m.candidates.map((c) => c.topic) };
    this.effect = { type: 'check-status', accountId: this.turn.accountId };
    return true;
  }

  /**
   * "รหัสผ่านใหม่ที่เปลี่ยนคือ [password removed]": about the password, nothing the bot can place;
   * the warning said what matters ("I only help with store connections" read oddly after it).
   */
  onlyAboutTheSecret(r: Reading): boolean {
    if (r.kinds.length === 0 || r.m.decision !== 'none' || r.m.vague) return false;
    this.askAgainIfAsked();
    return true;
  }

  /**
   * An error code the knowledge base does not know ("ขึ้นรหัสข้อผิดพลาด 500100"): no article to
   * guess from its other words (it was the PASSWORD_NOT_MATCH one, then "off-topic"); support's
   * case, with the code in it.
   */
  unknownErrorCode(r: Reading): boolean {
    const m = r.m;
    const code = m.decision === 'none' && !m.analysis.smallTalk ? UNKNOWN_CODE.exec(r.text)?.[1] : undefined;
    if (!code || !m.farFromOutOfScope) return false;
    if (!this.state.errorCodes.includes(code)) this.state.errorCodes.push(code);
    this.dialogs.handover.handover('unknown-error');
    return true;
  }

  /** "แล้ว lazada ล่ะคะ" after a status check: the problem it found on that platform's store, not a guess. */
  checkedPlatform(r: Reading): boolean {
    const m = r.m;
    const named = m.analysis.platforms.length === 1 ? m.analysis.platforms[0] : undefined;
    const checked = named && (m.decision === 'clarify' || m.decision === 'none' || m.vague) ? this.dialogs.status.checkedProblem(named) : undefined;
    if (!checked) return false;
    this.dialogs.feedback.showArticle(checked);
    return true;
  }

  /** What the matcher decided. Always answers. */
  decision(r: Reading): boolean {
    const m = r.m;
    // "ขอส่งเรื่องให้ฝ่ายซัพพอร์ตหน่อยครับ": a person asked for, and sending agreed in the same words.
    if (m.decision === 'escalate' && mentions(this.cues(r.typed), 'send-to-support')) this.dialogs.handover.consented('asked');
    else if (m.decision === 'escalate') this.dialogs.handover.handover('asked');
    else if (m.decision === 'answer') this.dialogs.platform.answer(m);
    else if (m.decision === 'clarify') this.dialogs.clarify.clarify(m);
    else this.nothingToAnswer(m);
    return true;
  }

  /** A button, routed by BUTTONS to the dialog it belongs to; an unknown one shows the menu. */
  action(action: string): void {
    const i = action.indexOf(':');
    const [name, arg] = i < 0 ? [action, ''] : [action.slice(0, i), action.slice(i + 1)];
    const route = Object.hasOwn(BUTTONS, name) ? BUTTONS[name] : undefined;
    if (route) route(this, arg);
    else this.welcome(true);
  }

  /** A topic's button (the menu, "did you mean"): its article. */
  chooseTopic(id: string): void {
    const topic = this.ctx.kb.byId.get(id);
    if (!topic) return this.welcome(true);
    if (this.state.question?.kind === 'clarify') this.events.push({ type: 'clarified', topic: id });
    this.memory.rememberChosen(topic);
    this.dialogs.feedback.showArticle(topic);
  }

  /** A language's button: switched and pinned, then the menu. */
  chooseLanguage(lang: string): void {
    if (lang === 'th' || lang === 'en') {
      this.state.lang = lang;
      this.state.langPinned = true;
      this.say(this.tr('language.switched'), 'language');
    }
    this.welcome(true);
  }

  /**
   * The open question again, in the language of the moment ("English please" at "did this fix
   * it?" had dropped the question for the menu); with no question open, the menu.
   */
  askAgain(): void {
    const dialog = this.openDialog_();
    if (dialog) dialog.askAgain();
    else this.welcome(true);
  }
}
