import { redactMessage } from '../escalation/redact';
import { hear } from './hearing';
import type { TranscriptEntry, Turn } from './messages';
import { migrate, newState, type ConversationState, type StoredState } from './state';

/** How a turn without words is written in the transcript (as the core writes it when it answers). */
const NOTED_AS: Partial<Record<Turn['kind'], string>> = {
  sticker: '(sticker)',
  image: '(image)',
  file: '(file)',
  other: '(message the bot cannot read)',
};

/**
 * A turn the bot does not answer (on LINE, a person of support has the seller's chat): what the
 * seller did is kept as the core keeps it, so that a later hand-over carries it: the line in
 * the transcript (`transcript` holds this turn's line, as after runTurn), a picture for the
 * mail. Nothing else changes: no question is asked or answered, no article or effect. Pure;
 * `previous` is the caller's to hand over (a state just read from storage).
 *
 * The text is kept masked: the channel gives what its inbox kept (BotService.hear), and a
 * password still expected from before is masked here as the core would.
 */
export function keepUnanswered(turn: Turn, previous: StoredState | undefined): ConversationState {
  const state = previous ? migrate(previous) : newState(turn.at);
  state.lastActiveAt = turn.at;
  const line = lineOf(turn, state);
  state.transcript = line ? [line] : [];
  if (turn.kind === 'message' && state.question?.kind === 'secret-expected') state.question = state.question.then;
  if (turn.kind === 'image') {
    if (turn.screenshot) state.screenshots = [...(state.screenshots ?? []), { ...turn.screenshot, at: turn.at }].slice(-10);
    state.pictureAt = turn.at;
  }
  return state;
}

function lineOf(turn: Turn, state: ConversationState): TranscriptEntry | undefined {
  const at = turn.at;
  if (turn.kind === 'message') return turn.text ? { from: 'user', text: hear(turn.text, state.question).text, at } : undefined;
  if (turn.kind === 'action') {
    // A button of an earlier answer, by its label; one the conversation no longer knows says nothing to support.
    const label = state.offered.find((c) => c.action === turn.action)?.label;
    return label ? { from: 'user', text: redactMessage(label).text, at, pressed: true } : undefined;
  }
  const noted = NOTED_AS[turn.kind];
  return noted ? { from: 'user', text: noted, at } : undefined;
}
