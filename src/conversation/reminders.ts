import type { Turn } from './messages';
import type { TurnContext } from './turn-context';

/**
 * Proactive reminders (LINE's expiry warning): the seller turns them off ("ไม่ต้องเตือน", "stop
 * reminders", the warning's own button `reminders:off`) or on again ("เตือนด้วย",
 * `reminders:on`). The choice is saved by the caller (effect set-reminders); the answer comes
 * once it is, in the conversation's language, and says how to change it back.
 */
export function setReminders(t: TurnContext, on: boolean): void {
  t.effect = { type: 'set-reminders', on };
}

/** The reminders button: `reminders:off` or `reminders:on`; anything else is no choice (the menu). */
export function remindersButton(t: TurnContext, arg: string): void {
  if (arg === 'off' || arg === 'on') setReminders(t, arg === 'on');
  else t.welcome(true);
}

/** The caller saved the choice (or could not). */
export function remindersSet(t: TurnContext, turn: Turn): void {
  const r = turn.reminders;
  if (!r || 'error' in r) return t.say(t.tr('expiry.notSaved'), 'error');
  // Only a linked seller is ever warned: one who is not is told so, not promised warnings.
  const key = !r.on ? 'expiry.stopped' : turn.accountId ? 'expiry.resumed' : 'expiry.resumedNotLinked';
  t.say(t.tr(key), 'expiry-warning');
}
