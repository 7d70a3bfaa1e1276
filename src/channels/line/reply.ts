import type { OutMessage } from '../../conversation/messages';
import type { Translate } from '../../i18n';
import type { Language } from '../../knowledge/schema';
import type { Logger } from '../../logger';
import { DeliveryError, LineApiError, type LineClient } from './client';
import { eventIdOf, type LineEvent, type Receipt } from './event';
import { renderPlain, renderReply } from './render';

/** LINE does not publish the reply token's lifetime; past ~50 s a push is the reliable way. */
const REPLY_WINDOW_MS = 50_000;

const THAI = /[\u0E00-\u0E7F]/;

export function languageOf(texts: (string | undefined)[]): Language {
  const joined = texts.filter(Boolean).join(' ');
  return THAI.test(joined) || !/[a-z]/i.test(joined) ? 'th' : 'en';
}

function textsOf(messages: OutMessage[]): string[] {
  return messages.flatMap((m) => {
    switch (m.type) {
      case 'text':
        return [m.text];
      case 'steps':
        return [m.title, ...m.steps];
      case 'choices':
        return [m.text];
      case 'card':
        return [m.title, m.text ?? ''];
      case 'image':
        return [m.caption];
      case 'link':
        return [m.label];
    }
  });
}

/** Sends the bot's messages for an event to a chat: a failure is logged, never thrown. */
export type SendReply = (event: LineEvent, to: string, messages: OutMessage[], rx: Receipt) => Promise<void>;

export function createReplySender(deps: { client: LineClient; t: Translate; log: Logger; now: () => number }): SendReply {
  const { client, t, log, now } = deps;
  return async function send(event, to, messages, rx) {
    if (messages.length === 0) return;
    const lang = languageOf(textsOf(messages));
    const opts = { choiceHint: t(lang, 'choiceHint') };
    const target = {
      to,
      replyToken: event.replyToken,
      replyUsable: now() - rx.at < REPLY_WINDOW_MS,
      // Adopted from a stopped instance: a used token means that instance's reply went out.
      replyMayBeUsed: rx.adopted,
      retryKeySeed: eventIdOf(event),
    };
    try {
      await client.deliver(target, renderReply(messages, opts));
    } catch (err) {
      const failure = err instanceof DeliveryError ? err.failure : err;
      // A 400 before anything went out means LINE refused our rendering (a limit we did not
      // know of): plain text still gets the answer, and numbered choices, to the seller.
      if (err instanceof DeliveryError && err.sent === 0 && failure instanceof LineApiError && failure.status === 400) {
        log.error({ err: failure }, 'LINE refused the rendered reply, sending it as plain text');
        try {
          await client.deliver({ ...target, retryKeySeed: target.retryKeySeed && `${target.retryKeySeed}:plain` }, renderPlain(messages, opts));
        } catch (again) {
          log.error({ err: again }, 'LINE reply not delivered');
        }
        return;
      }
      log.error({ err }, 'LINE reply not delivered');
    }
  };
}
