/**
 * Comparison of bench/load.ts: the plain @line/bot-sdk echo bot, as in the SDK's own example
 * (express, the SDK's `middleware` checking the signature and parsing the body, then
 * `replyMessage` with the text, the HTTP answer sent once the replies are done), replying to the
 * same fake LINE API as the full bot.
 * Env: PORT, LINE_CHANNEL_SECRET, LINE_CHANNEL_ACCESS_TOKEN, LINE_API_BASE_URL.
 */
import express from 'express';
import { messagingApi, middleware, type webhook } from '@line/bot-sdk';

const channelSecret = process.env.LINE_CHANNEL_SECRET ?? '';
const channelAccessToken = process.env.LINE_CHANNEL_ACCESS_TOKEN ?? '';
const client = new messagingApi.MessagingApiClient({ channelAccessToken, baseURL: process.env.LINE_API_BASE_URL });

async function handleEvent(event: webhook.Event): Promise<messagingApi.ReplyMessageResponse | null> {
  if (event.type !== 'message' || event.message.type !== 'text' || !event.replyToken) return null;
  return client.replyMessage({ replyToken: event.replyToken, messages: [{ type: 'text', text: event.message.text }] });
}

const app = express();
app.disable('x-powered-by');
app.get('/readyz', (_req, res) => {
  res.json({ status: 'ready' });
});
app.post('/webhooks/line', middleware({ channelSecret }) as express.RequestHandler, (req, res) => {
  const events = (req.body as webhook.CallbackRequest).events;
  Promise.all(events.map(handleEvent))
    .then((result) => res.json(result))
    .catch((err: unknown) => {
      console.error(err);
      res.status(500).end();
    });
});
app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
