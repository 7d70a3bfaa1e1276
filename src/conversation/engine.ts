/**
 * The conversation core: one turn plus the stored state gives the replies and the new state.
 * Pure: no I/O, no clock (the turn carries its time), no channel specifics. The engine routes
 * the seller's turn: secrets and language first, then commands, then the open question's
 * dialog (dialogs/), then matching; the dialogs do the rest.
 */
import { withoutMasks, type SecretKind } from '../escalation/redact';
import { hear } from './hearing';
import { languageOfMessage, languageRequested } from './language';
import type { Platform } from '../knowledge/schema';
import type { Explained } from '../matching/matcher';
import { parseEmailAddress } from '../escalation/email-address';
import type { Turn } from './messages';
import { onlySays } from './replies';
import { migrate, newState, type ConversationState, type StoredState } from './state';
import { NOT_ABOUT_A_STORE, SECRET_LABELS, SHORT_ANSWER, UNKNOWN_CODE } from './phrases';
import { opensWith } from './cues';
import { TurnContext, type CoreContext, type TurnResult } from './turn-context';
import { FeedbackDialog } from './dialogs/feedback';
import { PlatformDialog } from './dialogs/platform';
import { ClarifyDialog } from './dialogs/clarify';
import { HandoverDialog } from './dialogs/handover';
import { StatusDialog } from './dialogs/status';
import { Commands } from './commands';
import { NoAnswer } from './no-answer';

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
      turnCtx.dialogs.handover.ticketCreated(turn);
      break;
    case 'status':
      turnCtx.dialogs.status.statusChecked(turn);
      break;
  }
  return turnCtx.result();
}

function labelOf(state: ConversationState, action: string | undefined): string | undefined {
  return state.offered.find((c) => c.action === action)?.label;
}

/** One typed message as the steps read it: masked text, what was masked, and the match once made. */
interface Reading {
  text: string;
  kinds: SecretKind[];
  typed: string;
  m?: Explained;
}

/**
 * The order in which a typed message is read: the first step that answers it ends the turn.
 * Precedence is this list, not the order of checks in code: secrets and the language first,
 * then the commands and words that answer the open question, then what the matcher found.
 */
const TEXT_STEPS = [
  'language',
  'secret',
  'announcedPassword',
  'languageRequest',
  'command',
  'match',
  'moreWords',
  'feedbackAnswer',
  'openQuestion',
  'checkStoresFirst',
  'onlyAboutTheSecret',
  'unknownErrorCode',
  'checkedPlatform',
  'decision',
] as const satisfies readonly (keyof TurnBuilder)[];

const decisionOf = (m: Explained) => (m.vague ? 'vague' : m.decision);

class TurnBuilder extends TurnContext {
  private readonly commands = new Commands(this);
  private readonly noAnswer = new NoAnswer(this);

  nothingToAnswer(m: Explained): void {
    this.noAnswer.nothing(m);
  }

  nothingToAnswerVague(): void {
    this.noAnswer.vague();
  }

  constructor(state: ConversationState, ctx: CoreContext, at: string, turn: Turn) {
    super(state, ctx, at, turn);
    this.dialogs = {
      feedback: new FeedbackDialog(this),
      platform: new PlatformDialog(this),
      clarify: new ClarifyDialog(this),
      handover: new HandoverDialog(this),
      status: new StatusDialog(this),
    };
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
    const r: Reading = { text, kinds, typed: text.trim() };
    for (const step of TEXT_STEPS) if (this[step](r)) return;
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
    if (!this.state.langPinned && !answeringEmail && !this.announcesPassword(r) && !parseEmailAddress(r.text)) {
      this.state.lang = languageOfMessage(r.text, r.kinds.length > 0, !this.state.typed) ?? this.state.lang;
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
    this.askAgain();
    return true;
  }

  /** What a typed message does before any matching (commands.ts). */
  command(r: Reading): boolean {
    return this.commands.typed(r.typed);
  }

  /** The message as the matcher reads it ("[password removed]" is the bot's words: left out). Never answers. */
  match(r: Reading): boolean {
    r.m = this.inContext(this.ctx.matcher.explain(r.kinds.length > 0 ? withoutMasks(r.text) : r.text));
    return false;
  }

  /**
   * The answer to "tell me a little more": the new words with the ones before ("ร้าน disconnect
   * เองค่ะ" then "ติ๊กต๊อกค่ะ" is the TikTok renewal article, where "ติ๊กต๊อกค่ะ" alone is "did you
   * mean" among TikTok's). Taken only when together they make an answer. Never answers itself.
   */
  moreWords(r: Reading): boolean {
    const q = this.state.question;
    // A longer message says what it says on its own (and matching twice costs a second match).
    if (q?.kind !== 'more' || r.m!.decision === 'answer' || r.m!.decision === 'escalate' || r.m!.analysis.content.length > 3) return false;
    const together = this.inContext(this.ctx.matcher.explain(`${q.text} ${r.kinds.length > 0 ? withoutMasks(r.text) : r.text}`));
    if (together.decision === 'answer') r.m = together;
    return false;
  }

  /** "Did this fix it?" answered in words; before remember(): "No" shows the next of the article's own match. */
  feedbackAnswer(r: Reading): boolean {
    return this.dialogs.feedback.feedbackTyped(r.typed, r.m!);
  }

  /** The other open questions answered in words the matcher read. */
  openQuestion(r: Reading): boolean {
    this.memory.remember(r.m!);
    if (this.questionAnswered(r.typed, r.text, r.m!)) return true;
    this.memory.aboutTheProblem(r.text, r.m!);
    this.events.push({ type: 'matched', decision: decisionOf(r.m!) });
    return false;
  }

  /**
   * A linked seller describing a store problem, however vaguely ("เชื่อมต่อร้านไม่ได้"): the real
   * stores are looked at before answering, or before asking for more.
   */
  checkStoresFirst(r: Reading): boolean {
    const m = r.m!;
    const subject = m.topic ?? m.candidates[0]?.topic;
    const aboutAStore = m.vague || ((m.decision === 'answer' || m.decision === 'clarify') && !!subject && !NOT_ABOUT_A_STORE.has(subject));
    if (!this.turn.accountId || !aboutAStore || this.dialogs.status.freshSnapshot()) return false;
    this.state.statusCheck = { purpose: 'problem', topic: m.topic ?? undefined, decision: decisionOf(m), candidates: m.candidates.map((c) => c.topic) };
    this.effect = { type: 'check-status', accountId: this.turn.accountId };
    return true;
  }

  /**
   * "รหัสผ่านใหม่ที่เปลี่ยนคือ [password removed]": about the password, nothing the bot can place;
   * the warning said what matters ("I only help with store connections" read oddly after it).
   */
  onlyAboutTheSecret(r: Reading): boolean {
    if (r.kinds.length === 0 || r.m!.decision !== 'none' || r.m!.vague) return false;
    this.askAgainIfAsked();
    return true;
  }

  /**
   * An error code the knowledge base does not know ("ขึ้นรหัสข้อผิดพลาด 500100"): no article to
   * guess from its other words (it was the PASSWORD_NOT_MATCH one, then "off-topic"); support's
   * case, with the code in it.
   */
  unknownErrorCode(r: Reading): boolean {
    const m = r.m!;
    const code = m.decision === 'none' && !m.analysis.smallTalk ? UNKNOWN_CODE.exec(r.text)?.[1] : undefined;
    if (!code || !m.farFromOutOfScope) return false;
    if (!this.state.errorCodes.includes(code)) this.state.errorCodes.push(code);
    this.dialogs.handover.handover('unknown-error');
    return true;
  }

  /** "แล้ว lazada ล่ะคะ" after a status check: the problem it found on that platform's store, not a guess. */
  checkedPlatform(r: Reading): boolean {
    const m = r.m!;
    const named = m.analysis.platforms.length === 1 ? m.analysis.platforms[0] : undefined;
    const checked = named && (m.decision === 'clarify' || m.decision === 'none' || m.vague) ? this.dialogs.status.checkedProblem(named) : undefined;
    if (!checked) return false;
    this.dialogs.feedback.showArticle(checked);
    return true;
  }

  /** What the matcher decided. Always answers. */
  decision(r: Reading): boolean {
    const m = r.m!;
    if (m.decision === 'escalate') this.dialogs.handover.handover('asked');
    else if (m.decision === 'answer') this.dialogs.platform.answer(m);
    else if (m.decision === 'clarify') this.dialogs.clarify.clarify(m);
    else this.nothingToAnswer(m);
    return true;
  }




  /** The platform question, the hand-over offer and "did you mean" answered in words the matcher finds no problem in. */
  questionAnswered(typed: string, text: string, m: Explained): boolean {
    const q = this.state.question;
    if (q?.kind === 'platform') return this.dialogs.platform.matched(typed, m, q.topic);
    if (q?.kind === 'handover' && this.state.draft) return this.dialogs.handover.matched(typed, text, m, this.state.draft);
    // "ไม่ใช่ทั้งหมด", "no" to "did you mean": none of these.
    if (q?.kind === 'clarify' && m.decision === 'none' && typed.length < SHORT_ANSWER && opensWith(this.cues(typed), 'negation', 'not-fixed')) return this.handled('none-of-these');
    return false;
  }






  action(action: string): void {
    const [kind, arg] = splitAction(action);
    switch (kind) {
      case 'menu':
        return this.welcome(true);
      case 'topic': {
        const topic = this.ctx.kb.byId.get(arg);
        if (!topic) return this.welcome(true);
        this.memory.rememberChosen(topic);
        return this.dialogs.feedback.showArticle(topic);
      }
      case 'feedback':
        return arg === 'yes' ? this.dialogs.feedback.fixed() : this.dialogs.feedback.notFixed();
      case 'handover':
        return arg ? this.dialogs.handover.handoverStep(arg) : this.dialogs.handover.handover('asked');
      case 'none-of-these':
        return this.miss(() => {
          this.state.question = undefined;
          this.say(this.tr('clarify.rephrase'), 'ask-more');
        });
      case 'platform':
        return this.dialogs.platform.platformChosen(arg as Platform | 'other');
      case 'status':
        return this.dialogs.status.requestStatus('asked');
      case 'account':
        // A link button pressed where the channel does not link (an old button, another channel).
        return this.dialogs.status.askToSignIn();
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

  /**
   * The open question again, in the language of the moment ("English please" at "did this fix
   * it?" had dropped the question for the menu). "Did you mean" and the platform question keep
   * the buttons they had; with no question open, the menu.
   */
  askAgain(): void {
    const h = this.state.question?.kind === 'handover' ? this.state.draft : undefined;
    if (this.state.question?.kind === 'feedback' && this.state.topic) return this.dialogs.feedback.askFeedback();
    if (h?.step === 'offer') return this.offer(this.tr('handover.ask'), this.dialogs.handover.handoverChoices(), 'handover-offer');
    if (h?.step === 'email') return this.offer(this.tr('handover.askEmail'), [this.cancelChoice()], 'ask-email');
    if (h?.step === 'description') return this.dialogs.handover.askDescription();
    if (h?.step === 'confirm') return this.dialogs.handover.confirmHandover();
    const awaiting = this.state.question?.kind;
    if ((awaiting === 'platform' || awaiting === 'clarify') && this.state.offered.length > 0) return this.offer(this.tr(`${awaiting}.ask`), this.state.offered, awaiting === 'platform' ? 'ask-platform' : 'clarify');
    this.welcome(true);
  }
}

function splitAction(action: string): [string, string] {
  const i = action.indexOf(':');
  return i < 0 ? [action, ''] : [action.slice(0, i), action.slice(i + 1)];
}
