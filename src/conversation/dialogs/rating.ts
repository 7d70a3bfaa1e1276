import type { Turn } from '../messages';
import type { TurnContext } from '../turn-context';

/** A seller is asked to rate the help at most once in this long. */
const ASK_AT_MOST_EVERY_MS = 24 * 3600 * 1000;
const SCORES = [3, 2, 1] as const;

/**
 * "How did I do?" once a conversation ends well or with a ticket: three buttons, optional. Any
 * other message passes the question by (it is not asked again), and a seller is asked at most
 * once a day. The rating belongs to the conversation it rates, which a ticket has just closed.
 */
export class RatingDialog {
  constructor(private readonly t: TurnContext) {}

  /** The conversation that ended in this turn, by its start: rated at the turn's end. */
  private ended?: string;

  /** `of`: the start of the conversation that ended well or with a ticket. Asked at the end of the turn. */
  ask(of: string): void {
    this.ended = of;
  }

  /**
   * The turn's end: asked only when nothing else is open ("done. now shopee" goes on to the next
   * problem's article and its question), and not within a day of the last time.
   */
  endOfTurn(): void {
    const of = this.ended;
    const last = this.t.state.rating?.askedAt;
    if (!of || this.t.state.question || this.t.effect || (last && Date.parse(this.t.at) - Date.parse(last) < ASK_AT_MOST_EVERY_MS)) return;
    this.t.state.rating = { askedAt: this.t.at, of };
    this.t.state.question = { kind: 'rating' };
    const choices = SCORES.map((score) => ({ label: this.t.tr(`rating.score${score}`), action: `rating:${score}` }));
    this.t.offer(this.t.tr('rating.ask'), choices, 'rating');
  }

  /** Anything but a rating passes the question by, before it is read: it never stands in a message's way. */
  passBy(turn: Turn): void {
    if (this.t.state.question?.kind === 'rating' && !turn.action?.startsWith('rating:')) this.t.state.question = undefined;
  }

  /** Optional: asked once, never again. */
  askAgain(): void {
    this.t.state.question = undefined;
  }

  /** Never open when words are read (passBy); a typed "1"-"3" is a button (commands). */
  takeReply(): boolean {
    this.t.state.question = undefined;
    return false;
  }

  takeButton(arg: string): void {
    const score = SCORES.find((s) => String(s) === arg);
    const asked = this.t.state.rating;
    // A button of a question passed by, or pressed twice (the widget keeps old buttons): thanked, not counted again.
    if (score && asked && !asked.rated) {
      asked.rated = true;
      this.t.events.push({ type: 'rated', score, of: asked.of });
    }
    if (this.t.state.question?.kind === 'rating') this.t.state.question = undefined;
    this.t.state.offered = [];
    this.t.say(this.t.tr('rating.thanks'), 'small-talk');
  }
}
