/**
 * What each dialog does for the others and for the engine. Declared apart from the dialogs so
 * they can call each other through the turn (turn.dialogs) without importing one another.
 */
import type { Platform, Topic } from '../../knowledge/schema';
import type { Finding } from '../../status/diagnose';
import type { Explained } from '../../matching/matcher';
import type { Choice, HandoverReason, Turn } from '../messages';
import type { ConversationState, HandoverDraft } from '../state';

export interface Dialogs {
  feedback: {
    showArticle(topic: Topic): void;
    askFeedback(): void;
    feedbackKey(k: 'ask' | 'yes' | 'no' | 'thanks'): string;
    feedbackTyped(typed: string, m: Explained): boolean;
    fixed(): void;
    notFixed(): void;
    nextArticle(current: Topic | undefined): Topic | undefined;
  };
  platform: {
    answer(m: Explained): void;
    takePendingTopic(): { topic?: Topic; text?: string };
    platformChosen(platform: Platform | 'other'): void;
    platformUnknown(): void;
    matched(typed: string, m: Explained, topic: string): boolean;
  };
  clarify: {
    clarify(m: Explained): void;
  };
  handover: {
    handover(reason: HandoverReason): void;
    handoverChoices(): Choice[];
    handoverStep(step: string): void;
    askEmail(): void;
    handoverEmail(typed: string): void;
    askDescription(): void;
    addToProblem(text: string): boolean;
    handoverDescription(typed: string, analysis: Explained['analysis']): void;
    confirmHandover(): void;
    problemInWords(): string;
    requestTicket(): void;
    fileTicket(): void;
    ticketCreated(turn: Turn): void;
    typed(typed: string, h: HandoverDraft): boolean;
    matched(typed: string, text: string, m: Explained, handover: HandoverDraft): boolean;
  };
  status: {
    askToSignIn(): void;
    checkedProblem(platform: Platform): Topic | undefined;
    freshSnapshot(): boolean;
    requestStatus(purpose: 'asked' | 'handover'): void;
    statusChecked(turn: Turn): void;
    describeFinding(f: Finding): string;
    continueAfterCheck(check: NonNullable<ConversationState['statusCheck']>): void;
  };
}
