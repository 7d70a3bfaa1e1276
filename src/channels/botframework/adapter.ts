import type { Request, Response } from 'express';
import {
  ActivityTypes,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type Activity,
  type TurnContext,
} from 'botbuilder';
import type { Config } from '../../config';
import type { Bot } from '../../conversation/bot';
import type { OutMessage, Turn } from '../../conversation/messages';
import type { Logger } from '../../logger';

/** Renders the core's messages as Bot Framework activities (shared with the Direct Line channel). */
export type ActivityRenderer = (messages: OutMessage[], ctx: { conversationId: string; botId: string; locale?: string }) => Partial<Activity>[];

/**
 * POST /api/messages for Azure Bot Service channels and the Emulator. The Bot Framework SDK was
 * archived by Microsoft (December 2025), so it stays here at the edge: it turns activities into
 * core turns and nothing else in the bot depends on it. Authentication is on whenever an app id
 * is configured (the SDK rejects unsigned requests then); without one it is open, for local use.
 */
export function createBotFrameworkHandler(deps: {
  bot: Bot;
  config: Config['botFramework'];
  render: ActivityRenderer;
  log: Logger;
}): (req: Request, res: Response) => Promise<void> {
  const { bot, config, render, log } = deps;
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: config.appId ?? '',
    MicrosoftAppPassword: config.appPassword ?? '',
    MicrosoftAppType: config.appType ?? (config.appId ? 'MultiTenant' : ''),
    MicrosoftAppTenantId: config.tenantId ?? '',
  });
  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = async (context, error) => {
    log.error({ err: error, channel: 'botframework' }, 'turn failed');
    await context.sendActivity('ขออภัยค่ะ ระบบขัดข้องชั่วคราว / Sorry, something went wrong. Please try again.');
  };

  const onTurn = async (context: TurnContext) => {
    const a = context.activity;
    const at = new Date().toISOString();
    const base = { channel: 'botframework' as const, conversationId: a.conversation.id, userId: a.from?.id ?? 'unknown', locale: a.locale, at, requestId: a.id };
    let turn: Turn | undefined;
    if (a.type === ActivityTypes.Message) {
      const action = typeof a.value?.action === 'string' ? (a.value.action as string) : undefined;
      const hasImage = (a.attachments ?? []).some((x) => x.contentType?.startsWith('image/'));
      turn = action
        ? { ...base, kind: 'action', action, text: a.text }
        : a.text
          ? { ...base, kind: 'message', text: a.text }
          : { ...base, kind: hasImage ? 'image' : 'file' };
    } else if (a.type === ActivityTypes.ConversationUpdate && (a.membersAdded ?? []).some((m) => m.id !== a.recipient?.id)) {
      turn = { ...base, kind: 'start' };
    }
    if (!turn) return;
    const messages = await bot.handle(turn);
    await context.sendActivities(render(messages, { conversationId: a.conversation.id, botId: a.recipient?.id ?? 'bot', locale: a.locale }));
  };

  return async (req, res) => {
    await adapter.process(req, res, onTurn);
  };
}
