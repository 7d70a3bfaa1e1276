/**
 * What each dialog does for the others and for the engine. Declared apart from the dialogs so
 * they can call each other through the turn (turn.dialogs) without importing one another.
 */
import type { Platform, Topic } from '../../knowledge/schema';
import type { AccountStores } from '../../status/connector';
import type { Finding } from '../../status/diagnose';
import type { Explained } from '../../matching/matcher';
import type { Act, Choice, HandoverReason, Turn } from '../messages';
import type { Reading } from '../reading';
import type { ConversationState } from '../state';

/**
 * Every dialog's part in a turn: its open question asked again, the seller's words while it is
 * open, and its buttons. How it asks first is its own (an article, a list of candidates).
 */
export interface Dialog {
  /** Its open question again, in the language of the moment. */
  askAgain(): void;
  /** The seller's typed words while its question is open: true when they answered the turn. */
  takeReply(r: Reading): boolean;
  /** One of its buttons pressed: the action's argument ("start" of "handover:start"). */
  takeButton(arg: string): void;
}

export interface Dialogs {
  feedback: Dialog & {
    showArticle(topic: Topic): void;
    askFeedback(): void;
    feedbackKey(k: 'ask' | 'yes' | 'no' | 'thanks'): string;
    nextArticle(current: Topic | undefined): Topic | undefined;
  };
  platform: Dialog & {
    answer(m: Explained): void;
    platformChosen(platform: Platform | 'other'): void;
  };
  clarify: Dialog & {
    clarify(m: Explained): void;
  };
  handover: Dialog & {
    /** `lead`: the line before the offer when it is not the reason's own (a locale key, and its act). */
    handover(reason: HandoverReason, lead?: { key: string; act: Act }): void;
    /** "send it to support" typed before any offer: agreed, so straight to the first question. */
    consented(reason: HandoverReason): void;
    handoverChoices(): Choice[];
    askDescription(): void;
    addToProblem(text: string): boolean;
    confirmHandover(): void;
    fileTicket(): void;
    ticketCreated(turn: Turn): void;
  };
  more: Dialog & {
    /** Too little to pick a topic: ask for more, keeping the words to read the answer with. */
    askForMore(text?: string): void;
  };
  status: Dialog & {
    stores: {
      platformAsked(r: Reading): Platform | undefined;
      ask(platform: Platform): void;
    };
    askToSignIn(): void;
    checkedProblem(platform: Platform): Topic | undefined;
    freshAccount(): AccountStores | undefined;
    freshSnapshot(): boolean;
    requestStatus(purpose: 'asked' | 'handover'): void;
    statusChecked(turn: Turn): void;
    describeFinding(f: Finding): string;
    continueAfterCheck(check: NonNullable<ConversationState['statusCheck']>): void;
  };
  rating: Dialog & {
    /** After "fixed" or a new ticket: "how did I do?" at the turn's end, unless asked within a day. `of`: the rated conversation's start. */
    ask(of: string): void;
    endOfTurn(): void;
    passBy(turn: Turn): void;
  };
  tickets: Dialog & {
    /** "My tickets": asks the outbox for the seller's tickets (an effect). */
    requestTickets(): void;
    ticketsListed(turn: Turn): void;
  };
}
