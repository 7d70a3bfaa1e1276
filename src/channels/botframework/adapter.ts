import net from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
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
 * What a turn needs of an activity before the SDK sees it: the SDK throws on a missing type and
 * the turn reads conversation.id, and the reply goes to serviceUrl.
 */
const ActivityShape = z.object({
  type: z.string().min(1).max(64),
  conversation: z.object({ id: z.string().min(1).max(512) }),
  from: z.object({ id: z.string().min(1).max(512) }),
  serviceUrl: z
    .string()
    .max(2048)
    .url()
    // zod runs a refinement after a failed url() too: parse only what parses.
    .refine((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol), 'must be an http(s) URL'),
  text: z.string().max(10_000).optional(),
  locale: z.string().max(64).optional(),
});

/** 127.0.0.0/8 and ::1, as a socket or a URL's host names them. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.replace(/^\[|\]$/g, '').replace(/^::ffff:/i, '');
  if (a === 'localhost' || a === '::1') return true;
  return net.isIPv4(a) && a.startsWith('127.');
}

/** Is the edge on: with an app id (authenticated), or the development switch (loopback only). */
export const botFrameworkEnabled = (config: Config['botFramework']) => Boolean(config.appId) || config.devLoopback;

/**
 * POST /api/messages for Azure Bot Service channels and the Emulator. The Bot Framework SDK was
 * archived by Microsoft (December 2025), so it stays here at the edge: it turns activities into
 * core turns and nothing else in the bot depends on it. The app mounts it only when an app id
 * is configured (the SDK then rejects unsigned requests) or with BOTFRAMEWORK_DEV_LOOPBACK for
 * the Emulator: then only loopback callers naming a loopback serviceUrl are served, so nobody
 * can make the bot post its replies to an address of their choosing.
 */
export function createBotFrameworkHandler(deps: {
  bot: Bot;
  config: Config['botFramework'];
  render: ActivityRenderer;
  log: Logger;
}): express.RequestHandler[] {
  const { bot, config, render, log } = deps;
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: config.appId ?? '',
    MicrosoftAppPassword: config.appPassword ?? '',
    MicrosoftAppType: config.appType ?? (config.appId ? 'MultiTenant' : ''),
    MicrosoftAppTenantId: config.tenantId ?? '',
  });
  const adapter = new CloudAdapter(auth);
  // Never throws: the SDK would answer the caller 500 with the error's own text (a reply the
  // service URL refused: "connect ECONNREFUSED 127.0.0.1:9"). Replies go out of band; the
  // activity itself was taken.
  adapter.onTurnError = async (context, error) => {
    log.error({ err: error, channel: 'botframework' }, 'turn failed');
    try {
      await context.sendActivity('ขออภัยค่ะ ระบบขัดข้องชั่วคราว / Sorry, something went wrong. Please try again.');
    } catch (err) {
      log.warn({ err, channel: 'botframework' }, 'the apology could not be delivered either');
    }
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

  const guard = (req: Request, res: Response, next: NextFunction) => {
    const body: unknown = req.body;
    const shape = ActivityShape.safeParse(body);
    if (!shape.success) {
      const where = shape.error.issues.map((i) => i.path.join('.') || 'body').join(', ');
      res.status(400).json({ error: { code: 'bad_request', message: `Not a Bot Framework activity (${where})` } });
      return;
    }
    if (!config.appId && !(isLoopback(req.socket.remoteAddress) && isLoopback(new URL(shape.data.serviceUrl).hostname))) {
      res.status(403).json({ error: { code: 'forbidden', message: 'Without MicrosoftAppId only loopback callers and service URLs are served' } });
      return;
    }
    next();
  };
  const handle = (req: Request, res: Response, next: NextFunction) => {
    adapter.process(req, res, onTurn).catch(next);
  };
  return [express.json({ limit: '256kb' }), guard, handle];
}
