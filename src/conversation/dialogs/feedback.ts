import { familyOf, fillPlaceholders, type Platform, type Topic } from '../../knowledge/schema';
import type { Explained } from '../../matching/matcher';
import { parseEmailAddress } from '../../escalation/email-address';
import { FEEDBACK_SENTENCE, NOT_ABOUT_A_STORE, SHORT_ANSWER } from '../phrases';
import { mentions, opensWith, without, type CueReading } from '../cues';
import { afterOkay, onlySays, startsWith, type Reply } from '../replies';
import type { Reading } from '../reading';
import type { TurnContext } from '../turn-context';

/** Each knowledge base's articles as words, read once: a turn would split a whole article again. */
const ARTICLE_WORDS = new WeakMap<object, Map<string, Set<string>>>();

/** "Did this fix it?": the article shown, the question after it, and its answers (fixed, not fixed: the next article or a person). */
export class FeedbackDialog {
  constructor(private readonly t: TurnContext) {}

  showArticle(topic: Topic): void {
    const l = fillPlaceholders(topic[this.t.lang], { supportEmail: this.t.ctx.supportEmail });
    const notes = [...l.notes];
    if (topic.support.mayNeed) {
      notes.push(
        topic.support.afterStep
          ? this.t.tr('article.supportAfterStep', { step: topic.support.afterStep + 1 })
          : this.t.tr('article.supportMayBeNeeded'),
      );
    }
    // A picture slot the knowledge base has no picture for yet is shown on no channel: on a phone
    // seven "🖼 …(ภาพที่ n/7)" lines pointed at nothing and made a bubble of 1,130 characters.
    const images = l.images.filter((img) => !!img.url);
    this.t.messages.push({ type: 'steps', title: l.title, menuPath: l.menuPath, steps: l.steps, notes, images, act: `answer:${topic.id}` });
    this.t.botSaid(`[article ${topic.id}] ${l.title}`);
    this.t.events.push({ type: 'answered', topic: topic.id });
    this.t.state.topic = topic.id;
    if (!this.t.state.tried.includes(topic.id)) this.t.state.tried.push(topic.id);
    this.t.state.misses = 0;
    this.askFeedback();
  }

  askAgain(): void {
    if (this.t.state.topic) this.askFeedback();
    else this.t.welcome(true);
  }

  /** "Did this fix it?" answered in words; before the matcher's reading joins the memory ("no" shows the next of the article's own match). */
  takeReply(r: Reading): boolean {
    return this.feedbackTyped(r.typed, r.m);
  }

  /** "Fixed, thanks" or "not yet". */
  takeButton(arg: string): void {
    if (arg === 'yes') this.fixed();
    else this.notFixed();
  }

  askFeedback(): void {
    this.t.state.question = { kind: 'feedback', topic: this.t.state.topic! };
    this.t.offer(this.t.tr(this.feedbackKey('ask')), [
      { label: this.t.tr(this.feedbackKey('yes')), action: 'feedback:yes' },
      { label: this.t.tr(this.feedbackKey('no')), action: 'feedback:no' },
      { label: this.t.tr('menu.handover'), action: 'handover' },
    ], 'ask-feedback');
  }

  /**
   * The words of "did this fix it?": an article that answers a question (the supported platforms,
   * how to reach support) fixed nothing, so it is "did this answer your question?".
   */
  feedbackKey(k: 'ask' | 'yes' | 'no' | 'thanks'): string {
    const informational = !!this.t.state.topic && NOT_ABOUT_A_STORE.has(this.t.state.topic);
    return informational ? `feedback.${k}Info` : `feedback.${k}`;
  }

  /**
   * The answer to "did this fix it?", typed: first in the message ("ได้แล้วค่ะ", "no") or inside a
   * short sentence ("ขอบคุณค่ะ แก้ได้แล้ว", "ทำตามแล้วยังไม่ได้เลย"). A request for a person, or a
   * message naming a platform or an error code new to the conversation, is not one.
   */
  private feedbackTyped(typed: string, m: Explained): boolean {
    if (this.t.state.question?.kind !== 'feedback') return false;
    const cues = this.t.cues(typed);
    if (this.sendsToSupport(typed, cues)) return true;
    if (m.decision === 'escalate') return false;
    // "still no", "nope still same": nothing but a no ("same" is also "duplicate" to the matcher,
    // which took it for a new problem).
    if (onlySays(this.t.reply(typed), 'no', 'not-fixed')) return this.t.handled('feedback:no');
    if (this.askedAgainAbout(m)) return true;
    if (this.platformOfTheStore(m, cues)) return true;
    if (this.t.namesSomethingNew(m) || this.anotherProblemAfterBut(cues, m)) return false;
    // "ไม่เป็นไรค่ะ ไม่ต้องส่งเรื่องนะคะ", "never mind": nothing to send, and no more to ask now.
    // So is "ไม่เป็นไร ใช้ชื่ออื่นก็ได้ค่ะ" (never mind, I'll use another name): no "it did not work".
    if (mentions(cues, 'dont-send') || onlySays(this.t.reply(typed), 'cancel') || this.neverMind(typed, cues)) return this.t.handled('handover:cancel');
    // "โอเคค่ะ เดี๋ยวพรุ่งนี้ลองใหม่", "ok I will ask my boss tomorrow": the seller comes back later.
    if (this.saysLater(cues)) {
      this.t.offer(this.t.tr('feedback.later'), this.t.state.offered, 'small-talk');
      return true;
    }
    if (this.offTopicQuestionToo(typed, m, cues)) return true;
    const said = this.saidOfTheArticle(typed);
    if (said) return this.t.handled(said);
    if (this.aboutTheArticle(typed, m, cues)) return true;
    // Matched to an earlier article the seller said did not help ("เป็นบัญชีเจ้าของร้านค่ะ", the
    // renewal article's owner account, after it and the general one): more about why this one does
    // not help either, not a reason to show that one again.
    if (m.decision === 'answer' && m.topic && this.t.state.notFixed.includes(m.topic)) return this.t.handled('feedback:no');
    return false;
  }

  /**
   * "โอเคค่ะ เดี๋ยวพรุ่งนี้ลองใหม่"; "ไม่เป็นไรค่ะ เดี๋ยวลองใหม่พรุ่งนี้", "ไม่ต้องค่ะ เดี๋ยวจัดการเอง", whose
   * "not" declines; "I'm not at my computer now, will try tonight", whose "not" is about something
   * else. Not fixed ("ไม่ได้ เดี๋ยวลองใหม่") is the cue of its own that keeps it from being later.
   */
  private saysLater(cues: CueReading): boolean {
    return mentions(cues, 'later-on') && !mentions(cues, 'not-fixed', 'still', 'question', 'fixed');
  }

  /**
   * "done, working. btw how do I print shipping labels?": fixed, and then another question, one
   * the bot does not handle. Both are answered.
   */
  private offTopicQuestionToo(typed: string, m: Explained, cues: CueReading): boolean {
    const fixed = mentions(cues, 'fixed') || startsWith(this.t.reply(typed), 'fixed');
    if (!fixed || mentions(cues, 'not-fixed', 'still', 'negation')) return false;
    if (!this.t.asks(typed) || m.decision !== 'none' || m.farFromOutOfScope) return false;
    this.t.handled('feedback:yes');
    // The question is what is left without the fix and the steps done ("กดเชื่อมต่อใหม่แล้ว
    // ใช้ได้แล้วค่ะ อ้อ แล้วพิมพ์ใบปะหน้า…"): their connection word is not the question's.
    const rest = this.t.ctx.matcher.explain(without(cues, 'fixed', 'tried'));
    this.t.nothingToAnswer(rest.decision === 'none' ? rest : m);
    return true;
  }

  /** A message about the article just shown: a question in its words, or its problem told again. */
  private aboutTheArticle(typed: string, m: Explained, cues: CueReading): boolean {
    // "ต้องเข้า setting ก่อนใช่มั้ยคะ", "ต่อใหม่ยังไงคะ": a question in the words of the article just
    // shown is about its steps, which answer it: the article again (it was "off-topic"). So is
    // "ปุ่มมันอยู่ไหนนะ หาไม่เจอ": lost in the steps, which say where to look.
    // "ต้องทำยังไงต่อคะ" (what do I do next?) and nothing else: the steps are what comes next.
    if (this.asksAboutTheArticle(typed, m) || this.lostInTheSteps(m, cues) || this.onlyWhatNext(cues) || this.onlyHowTo(cues) || this.changedSince(m, cues)) {
      this.showArticle(this.t.ctx.kb.byId.get(this.t.state.topic!)!);
      return true;
    }
    if (m.decision === 'answer' && (m.topic === this.t.state.topic || this.anotherPlatformsArticle(m))) {
      // Matched to the article just shown, with a "not" ("ชื่อร้านไม่ได้ซ้ำนะคะ" after the
      // duplicate-nickname one): the seller is saying it does not fit; with a "still" ("did step
      // 1, still INTERNAL_DATA_ERROR", "กด reconnect แล้วก็ยัง expired อยู่ดี"), that it did not fix it.
      if (!this.t.asks(typed) && mentions(cues, 'negation', 'still', 'not-fixed')) return this.t.handled('feedback:no');
      // Without one ("my shopee store stopped syncing" after the reconnect article): the problem
      // told again, the steps not tried yet. They are the answer; the question stands.
      this.t.offer(this.t.tr('feedback.same'), this.t.state.offered, 'ask-feedback');
      return true;
    }
    return false;
  }

  /**
   * "ok send it (to support)": not "ok, fixed" (it was recorded as resolved). Agreed already:
   * what is sent and how support answers comes with the first question, not as an offer. "โอเค
   * ส่งเรื่องต่อเลยค่ะ อีเมล pim@gmail.com": the reply address given with it.
   */
  private sendsToSupport(typed: string, cues: CueReading): boolean {
    if (!mentions(cues, 'send-to-support')) return false;
    const address = parseEmailAddress(typed);
    if (address) this.t.state.contactEmail = address;
    this.t.dialogs.handover.consented('asked');
    return true;
  }

  private neverMind(typed: string, cues: CueReading): boolean {
    return startsWith(afterOkay(this.t.reply(typed)), 'cancel') && !mentions(cues, 'not-fixed', 'still', 'another-way', 'what-next', 'later-on') && !this.t.asks(typed);
  }

  /** "เบอร์ที่ผูกไว้เปลี่ยนไปแล้ว" after the OTP article: a fact its steps check, read in its words. */
  private changedSince(m: Explained, cues: CueReading): boolean {
    const current = this.t.state.topic;
    return mentions(cues, 'changed-since') && !mentions(cues, 'not-fixed', 'still') && (m.topic ?? m.candidates[0]?.topic) === current;
  }

  private onlyWhatNext(cues: CueReading): boolean {
    return this.only(cues, 'what-next');
  }

  /** "ต้องแก้ยังไงคะ", "how do I reconnect them" and nothing else: how to do what the article says. */
  private onlyHowTo(cues: CueReading): boolean {
    return this.only(cues, 'how-to');
  }

  /** The cue and nothing else but filler or an okay ("oops ok. so what should I do?"). */
  private only(cues: CueReading, cue: 'what-next' | 'how-to'): boolean {
    if (!mentions(cues, cue)) return false;
    const rest = without(cues, cue);
    return this.t.saysNothing(rest) || onlySays(this.t.reply(rest), 'yes');
  }

  /**
   * "Can't find the button", "ยังไม่เข้าใจค่ะ" (I still don't understand) with no other article and
   * nothing new named: about the steps just shown.
   */
  private lostInTheSteps(m: Explained, cues: CueReading): boolean {
    if (!mentions(cues, 'cant-find', 'not-understood') || mentions(cues, 'not-fixed', 'still') || this.t.namesSomethingNew(m)) return false;
    const other = m.decision === 'answer' && m.topic !== this.t.state.topic ? this.t.ctx.kb.byId.get(m.topic!) : undefined;
    return !other || !this.t.fitsPlatforms(other, this.t.state.platforms);
  }

  /**
   * "เป็นแอดมินเพจนะคะ ไม่ใช่เจ้าของ" after the Facebook article matched an article for other
   * platforms (and asked the platform, with no Facebook button): naming no platform, in a
   * conversation about one store, it is about the article just shown.
   */
  private anotherPlatformsArticle(m: Explained): boolean {
    const found = m.topic ? this.t.ctx.kb.byId.get(m.topic) : undefined;
    return !!found && m.analysis.platforms.length === 0 && this.t.state.platforms.length > 0 && !this.t.fitsPlatforms(found, this.t.state.platforms);
  }

  private asksAboutTheArticle(typed: string, m: Explained): boolean {
    const topic = this.t.state.topic ? this.t.ctx.kb.byId.get(this.t.state.topic) : undefined;
    if (!topic || !this.t.asks(typed)) return false;
    // "แล้ว amazon ล่ะ" after the supported platforms: matched to the article itself, a "not" in it
    // or not ("what does password not match mean", "แล้วถ้าเบอร์ที่ผูกไว้ไม่ใช้แล้วล่ะคะ"): the steps
    // answer it, and they come again rather than "yes, the steps above fix this".
    if (m.decision === 'answer' && m.topic === topic.id) return true;
    if (mentions(this.t.cues(typed), 'negation', 'not-fixed', 'still')) return false;
    // "อีกเรื่องค่ะ ตั้งค่าสต็อกรวมยังไง": announced as another matter, whatever words it shares.
    if (startsWith(this.t.reply(typed), 'another-question')) return false;
    // Another article answers it, unless that one is another platform's (WooCommerce's settings
    // in a conversation about a Shopee store).
    const other = m.decision === 'answer' && m.topic !== topic.id ? this.t.ctx.kb.byId.get(m.topic!) : undefined;
    if (other && this.t.fitsPlatforms(other, this.t.state.platforms)) return false;
    // "how do I fix that one": a question too vague to choose among articles, the one just shown
    // among them, is about that one.
    if (m.decision !== 'answer' && m.candidates.some((c) => c.topic === topic.id) && !this.t.namesSomethingNew(m)) return true;
    const words = this.articleWords(topic);
    return m.analysis.content.some((w) => words.has(w) && !(m.analysis.platforms as string[]).includes(w));
  }

  /** The words of an article as the matcher reads them (its title, menu path, steps and notes). */
  private articleWords(topic: Topic): Set<string> {
    const key = `${topic.id}:${this.t.lang}`;
    let words = ARTICLE_WORDS.get(this.t.ctx.kb)?.get(key);
    if (!words) {
      const l = topic[this.t.lang];
      words = new Set(this.t.ctx.matcher.analyse([l.title, l.menuPath ?? '', ...l.steps, ...l.notes].join(' ')).content);
      const byTopic = ARTICLE_WORDS.get(this.t.ctx.kb) ?? new Map<string, Set<string>>();
      byTopic.set(key, words);
      ARTICLE_WORDS.set(this.t.ctx.kb, byTopic);
    }
    return words;
  }

  /**
   * "shopify ค่ะ" after an article for every platform: which store it is about. The article for
   * that platform's case when there is one (Shopee's yearly renewal for "expired"), else the
   * seller's first words read again with the platform, else the same steps, which fit it. An
   * article for another platform than the one named is left to matching.
   */
  /**
   * After an answer to a question (which platforms can be connected), the same question about
   * something else: "แล้วเว็บ shopify ล่ะคะ", "and facebook page orders from posts?", "แล้วแก้สต็อก
   * ได้ด้วยไหม". The article again: it lists them all. A problem named is a new message.
   */
  private askedAgainAbout(m: Explained): boolean {
    const current = this.t.state.topic;
    const a = m.analysis;
    if (!current || !NOT_ABOUT_A_STORE.has(current) || a.reportsProblem || a.handover) return false;
    if (a.platforms.length === 0 && !a.asksAbility) return false;
    // Matched to the other such article ("can Line Shopping connect?" after the contact article): that one.
    if (m.decision === 'answer' && m.topic !== current && (!a.asksAbility || NOT_ABOUT_A_STORE.has(m.topic!))) return false;
    this.showArticle(this.t.ctx.kb.byId.get(current)!);
    return true;
  }

  /**
   * "ตอนนี้ลาซาด้าเชื่อมได้แล้ว แต่ชอปปี้ขึ้นให้ยืนยันตัวตน": one store fixed, and after "but" a
   * problem with an article of its own. The new problem is answered; "ได้แล้ว" was not the point.
   * "ต่อแล้วค่ะ แต่ยังขึ้นหมดอายุ" (still) or an article of the same family is this one not fixed.
   */
  private anotherProblemAfterBut(cues: CueReading, m: Explained): boolean {
    // "กด reconnect แล้วขึ้นให้ยืนยันตัวตน": the steps done, then another problem shown, likewise.
    if (!mentions(cues, 'contrast', 'tried') || mentions(cues, 'still', 'not-fixed') || !m.analysis.reportsProblem || m.decision !== 'answer') return false;
    // "ต่อใหม่แล้ว ออเดอร์เข้าแล้วค่ะ" (reconnected, the orders are in): the steps done and fixed, no "but".
    if (mentions(cues, 'fixed') && !mentions(cues, 'contrast', 'negation')) return false;
    const { topic } = this.t.state;
    return !topic || familyOf(this.t.ctx.kb.byId, m.topic!) !== familyOf(this.t.ctx.kb.byId, topic);
  }

  /**
   * The store's platform named alone ("ช้อปปี้ค่ะ"), or another store with the same problem
   * ("แล้วร้านลาซาด้าก็ขึ้นเหมือนกัน ต้องทำเหมือนกันไหมคะ"): this article for that platform.
   */
  private platformOfTheStore(m: Explained, cues: CueReading): boolean {
    const a = m.analysis;
    const sameElsewhere = mentions(cues, 'same') && !a.reportsProblem && a.platforms.length === 1 ? a.platforms[0] : undefined;
    const named = this.t.platformAlone(m) ?? sameElsewhere;
    const current = this.t.state.topic ? this.t.ctx.kb.byId.get(this.t.state.topic) : undefined;
    if (!named || !current || !this.t.fitsPlatforms(current, [named])) return false;
    this.t.memory.addPlatform(named);
    this.showArticle(this.forPlatform(current, named) ?? current);
    return true;
  }

  /** The seller's first words read again with the platform: its own case of this article, or what they then answer. */
  private forPlatform(current: Topic, platform: Platform): Topic | undefined {
    const fresh = (t: Topic | undefined): t is Topic => !!t && t.id !== current.id && !this.t.state.tried.includes(t.id) && t.platforms.includes(platform);
    const words = this.t.memory.firstWords().join(' ') || current[this.t.lang].title;
    const again = this.t.explainOn(words, platform);
    const ranked = again.candidates.map((c) => this.t.ctx.kb.byId.get(c.topic));
    const special = ranked.find((t) => fresh(t) && t.specialises === current.id);
    if (special) return special;
    const found = again.decision === 'answer' ? this.t.ctx.kb.byId.get(again.topic!) : undefined;
    return fresh(found) ? found : undefined;
  }

  /**
   * "Did this fix it?" answered in the seller's words: first in the message ("ได้แล้วค่ะ", "no")
   * or inside a short sentence ("ขอบคุณค่ะ แก้ได้แล้ว", "ทำตามแล้วยังไม่ได้เลย"); the button's
   * action it amounts to, if any.
   */
  private saidOfTheArticle(typed: string): 'feedback:yes' | 'feedback:no' | undefined {
    const cues = this.t.cues(typed);
    const reply = this.t.reply(typed);
    // A question ("ยังไม่ได้จ่ายเลยค่ะ ต้องจ่ายก่อนใช่ไหม": not paid yet, must I pay first?) is no
    // answer to "did this fix it?", though it starts like "not yet".
    const short = typed.length < FEEDBACK_SENTENCE;
    const sentence = short && !this.t.asks(typed);
    const opensWithNo = opensWith(cues, 'negation', 'not-fixed') || startsWith(reply, 'no', 'not-fixed');
    if ((opensWithNo && typed.length < SHORT_ANSWER) || (sentence && mentions(cues, 'not-fixed'))) return 'feedback:no';
    if (startsWith(reply, 'fixed') || this.thankedYes(reply, cues, sentence) || onlySays(reply, 'yes', 'fixed', 'thanks') || (sentence && mentions(cues, 'fixed'))) return 'feedback:yes';
    // "มีวิธีอื่นไหมคะ" (is there another way?), "เค้าลาออกไปแล้ว ไม่รู้รหัสของเค้าเลย ทำไงดี" (what
    // now?) are questions, and a no: the steps shown are not the way for this seller.
    const asksAnotherWay = typed.length < 2 * FEEDBACK_SENTENCE && mentions(cues, 'another-way', 'what-next') && !this.onlyWhatNext(cues);
    if ((sentence && mentions(cues, 'tried') && !mentions(cues, 'changed-since')) || asksAnotherWay) return 'feedback:no';
    return undefined;
  }

  /**
   * "โอเคค่ะ ขอบคุณมากเลยค่ะ เดี๋ยวไปทำก่อนนะคะ": a yes with thanks, whatever follows; so is
   * "กด reconnect ทั้งสามร้านแล้วค่ะ ขอบคุณมาก", the steps done with thanks and no "not" or "still".
   */
  private thankedYes(reply: Reply, cues: CueReading, sentence: boolean): boolean {
    if (startsWith(reply, 'yes') && reply.acts.includes('thanks')) return true;
    return sentence && mentions(cues, 'tried') && mentions(cues, 'thanks') && !mentions(cues, 'negation', 'not-fixed', 'still');
  }

  fixed(): void {
    const topic = this.t.state.topic ?? 'unknown';
    this.t.state.resolved = { topic, at: this.t.at };
    this.t.state.question = undefined;
    this.t.state.offered = [];
    this.t.state.tried = [];
    this.t.events.push({ type: 'resolved', topic });
    this.t.say(this.t.tr(this.feedbackKey('thanks')), 'resolved');
  }

  notFixed(): void {
    const current = this.t.state.topic ? this.t.ctx.kb.byId.get(this.t.state.topic) : undefined;
    if (current) {
      this.t.events.push({ type: 'not-resolved', topic: current.id });
      if (!this.t.state.notFixed.includes(current.id)) this.t.state.notFixed.push(current.id);
    }
    if (current?.support.mayNeed) return this.t.dialogs.handover.handover('needs-support');
    // An article answering a question (the supported platforms) that did not answer it: no
    // store problem's article is "the cause instead"; support can answer.
    if (current && NOT_ABOUT_A_STORE.has(current.id)) return this.t.dialogs.handover.handover('not-answered');
    // One more article at most (the next best match, else a related one), then a person.
    const next = this.t.state.tried.length < 2 ? this.nextArticle(current) : undefined;
    if (next) {
      // A lead-in: the act of the article it introduces.
      this.t.say(this.t.tr('feedback.next'), `answer:${next.id}`);
      return this.showArticle(next);
    }
    this.t.dialogs.handover.handover('not-fixed');
  }

  nextArticle(current: Topic | undefined): Topic | undefined {
    const ids = [...this.t.state.alternatives, ...(current?.related ?? [])];
    // The article's own code counts as known: it was chosen by its name (a menu button reading
    // PASSWORD_NOT_MATCH), not only typed.
    const knownCodes = [...this.t.state.errorCodes, ...(current?.errorCodes ?? [])].map((c) => c.toUpperCase());
    // With no platform said, the article's platform is the one the conversation is about: after
    // Shopee's OTP article, WooCommerce's permalinks are no "cause instead".
    const ownPlatforms = (current?.platforms ?? []).filter((p): p is Platform => p !== 'all');
    const platforms = this.t.state.platforms.length > 0 ? this.t.state.platforms : ownPlatforms;
    for (const id of ids) {
      const t = this.t.ctx.kb.byId.get(id);
      // "This may be the cause instead" is never the list of platforms or how to reach support.
      if (!t || this.t.state.tried.includes(id) || NOT_ABOUT_A_STORE.has(id)) continue;
      // Nor another error code's article once the code is known (typed, or the store's last
      // error in a status check): PASSWORD_NOT_MATCH on screen is not INTERNAL_DATA_ERROR.
      if (knownCodes.length > 0 && t.errorCodes.length > 0 && !t.errorCodes.some((c) => knownCodes.includes(c.toUpperCase()))) continue;
      if (this.t.fitsPlatforms(t, platforms)) return t;
    }
    return undefined;
  }
}
