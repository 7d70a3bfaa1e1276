/**
 * The conversation core: one turn plus the stored state gives the replies and the new state.
 * Pure: no I/O, no clock (the turn carries its time), no channel specifics. The engine routes
 * the seller's turn: secrets and language first, then commands, then the open question's
 * dialog (dialogs/), then matching; the dialogs do the rest.
 */
import { withoutMasks } from '../escalation/redact';
import { hear } from './hearing';
import { PLATFORM_NAMES, type Platform } from '../knowledge/schema';
import type { Explained } from '../matching/matcher';
import { hasThai } from '../matching/normalise';
import { parseEmailAddress } from '../escalation/email-address';
import type { Turn } from './messages';
import { onlySays } from './replies';
import { migrate, newState, type ConversationState, type StoredState } from './state';
import {
  ANOTHER_WAY,
  ASK_MORE,
  CHECK_STORES,
  choiceNumber,
  ENGLISH_SECRET_LABELS,
  MENU,
  NO,
  NOT_ABOUT_A_STORE,
  SECRET_LABELS,
  SHORT_ANSWER,
  TO_ENGLISH,
  TO_THAI,
  UNKNOWN_CODE,
  UNSURE,
  writesEnglish,
} from './phrases';
import { TurnContext, type CoreContext, type TurnResult } from './turn-context';
import { FeedbackDialog } from './dialogs/feedback';
import { PlatformDialog } from './dialogs/platform';
import { ClarifyDialog } from './dialogs/clarify';
import { HandoverDialog } from './dialogs/handover';
import { StatusDialog } from './dialogs/status';

export { redactBotLine, type CoreContext, type TurnResult } from './turn-context';
export { choiceNumber, MAX_DESCRIPTION, MENU_TOPICS, writesEnglish } from './phrases';


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

class TurnBuilder extends TurnContext {
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
      if (this.state.question?.kind === 'handover' && this.state.draft?.step === 'confirm' && this.dialogs.handover.addToProblem(text)) return;
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
    if (this.dialogs.feedback.feedbackTyped(typed, m)) return;
    this.remember(m);
    if (this.questionAnswered(typed, text, m)) return;
    this.aboutTheProblem(text, m);
    const decision = m.vague ? 'vague' : m.decision;
    this.events.push({ type: 'matched', decision });

    // A linked seller describing a store problem, however vaguely ("เชื่อมต่อร้านไม่ได้"): look at
    // the real stores before answering, or before asking for more.
    const subject = m.topic ?? m.candidates[0]?.topic;
    const aboutAStore = m.vague || ((m.decision === 'answer' || m.decision === 'clarify') && !!subject && !NOT_ABOUT_A_STORE.has(subject));
    if (this.turn.accountId && aboutAStore && !this.dialogs.status.freshSnapshot()) {
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
      return this.dialogs.handover.handover('unknown-error');
    }

    // "แล้ว lazada ล่ะคะ" after a status check: the problem it found on that platform's store, not a guess.
    const named = m.analysis.platforms.length === 1 ? m.analysis.platforms[0] : undefined;
    const checked = named && (m.decision === 'clarify' || m.decision === 'none' || m.vague) ? this.dialogs.status.checkedProblem(named) : undefined;
    if (checked) return this.dialogs.feedback.showArticle(checked);

    switch (m.decision) {
      case 'escalate':
        return this.dialogs.handover.handover('asked');
      case 'answer':
        return this.dialogs.platform.answer(m);
      case 'clarify':
        return this.dialogs.clarify.clarify(m);
      case 'none':
        return this.nothingToAnswer(m);
    }
  }

  /**
   * What a typed message does before any matching: "menu", the hand-over's questions answered in
   * words, an e-mail address, a choice's number, "check my stores". True when it was handled.
   */
  typedCommand(typed: string): boolean {
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
    if (h && this.dialogs.handover.typed(typed, h)) return true;
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
      this.dialogs.handover.handover('asked');
      return true;
    }
    const number = choiceNumber(typed);
    const choice = number === undefined ? undefined : this.state.offered[number - 1];
    if (choice) return this.handled(choice.action);
    if (CHECK_STORES.test(typed) && typed.length < 80) return this.handled('status:check');
    return false;
  }

  /** The platform question, the hand-over offer and "did you mean" answered in words the matcher finds no problem in. */
  questionAnswered(typed: string, text: string, m: Explained): boolean {
    const question = this.state.question;
    const awaiting = question?.kind;
    const pendingTopic = question?.kind === 'platform' ? question.topic : undefined;
    const handover = this.state.draft;
    if (awaiting === 'platform' && pendingTopic && m.analysis.platforms.length > 0 && !this.anotherProblem(m, pendingTopic)) {
      this.dialogs.platform.platformChosen(m.analysis.platforms[0]);
      return true;
    }
    if (awaiting === 'handover' && handover && this.dialogs.handover.matched(typed, text, m, handover)) return true;
    if (awaiting === 'handover' && handover?.step === 'email') return false;
    if (m.decision !== 'none') return false;
    if (typed.length >= SHORT_ANSWER) return false;
    if (awaiting === 'clarify' && NO.test(typed)) return this.handled('none-of-these');
    if (awaiting === 'platform' && pendingTopic && UNSURE.test(typed)) {
      this.dialogs.platform.platformUnknown();
      return true;
    }
    return false;
  }

  nothingToAnswer(m: Explained): void {
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
  nothingToAnswerVague(): void {
    // The platform is not asked for again once the conversation knows it.
    const platform = this.onlyPlatform();
    const ask = platform ? this.tr('vagueOnPlatform', { platform: PLATFORM_NAMES[platform] }) : this.tr('vague');
    // Nor are another platform's problems offered (Shopee's OTP in a Lazada conversation).
    this.miss(() => this.offer(ask, this.menuChoices(this.state.platforms), 'ask-more'));
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
