import type { Topic } from '../../knowledge/schema';
import { CONTACT_TOPIC } from '../../matching/decision';
import type { Explained } from '../../matching/matcher';
import { mentions, without, type CueReading } from '../cues';
import { onlySays, startsWith } from '../replies';
import type { TurnContext } from '../turn-context';

/** Each knowledge base's articles as words, read once: a turn would split a whole article again. */
const ARTICLE_WORDS = new WeakMap<object, Map<string, Set<string>>>();

/**
 * At "did this fix it?", words about the article just shown rather than an answer: a question in
 * its words or about its steps (the article again), its problem told again, who to contact.
 */
export class ArticleQuestions {
  constructor(private readonly t: TurnContext) {}

  /** A message about the article just shown: a question in its words, or its problem told again. */
  read(typed: string, m: Explained, cues: CueReading): boolean {
    if (this.whoToContact(typed, m)) return true;
    // "ต้องเข้า setting ก่อนใช่มั้ยคะ", "ต่อใหม่ยังไงคะ": a question in the words of the article just
    // shown is about its steps, which answer it: the article again (it was "off-topic"). So is
    // "ปุ่มมันอยู่ไหนนะ หาไม่เจอ": lost in the steps, which say where to look.
    // "ต้องทำยังไงต่อคะ" (what do I do next?) and nothing else: the steps are what comes next.
    if (this.asksAboutTheArticle(typed, m) || this.lostInTheSteps(m, cues) || this.onlyWhatNext(cues) || this.onlyHowTo(cues) || this.changedSince(m, cues)) {
      this.t.dialogs.feedback.showArticle(this.t.ctx.kb.byId.get(this.t.state.topic!)!);
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

  /** "เบอร์ที่ผูกไว้เปลี่ยนไปแล้ว" after the OTP article: a fact its steps check, read in its words. */
  private changedSince(m: Explained, cues: CueReading): boolean {
    const current = this.t.state.topic;
    return mentions(cues, 'changed-since') && !mentions(cues, 'not-fixed', 'still') && (m.topic ?? m.candidates[0]?.topic) === current;
  }

  /**
   * "แบบนี้ต้องติดต่อ lazada ใช่ไหมคะ", "so I have to contact Lazada? nothing you can do?" after an
   * article whose next step is support: BigSeller's support is who helps, so the hand-over is
   * offered (it was the article on how to reach support, as if no article had been shown).
   */
  private whoToContact(typed: string, m: Explained): boolean {
    const current = this.t.state.topic ? this.t.ctx.kb.byId.get(this.t.state.topic) : undefined;
    if (!current?.support.mayNeed || m.decision !== 'answer' || m.topic !== CONTACT_TOPIC || m.analysis.platforms.length === 0 || !this.t.asks(typed)) return false;
    this.t.dialogs.handover.handover('needs-support');
    return true;
  }

  onlyWhatNext(cues: CueReading): boolean {
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
}
