/**
 * Baseline of bench/load.ts: a bare express app whose LINE webhook route answers 200 and does
 * nothing else (no signature check, no parsing, no reply). The ceiling of HTTP on this machine.
 * PORT from the environment; GET /readyz answers when it listens.
 */
import express from 'express';

const app = express();
app.disable('x-powered-by');
app.get('/readyz', (_req, res) => {
  res.json({ status: 'ready' });
});
app.post('/webhooks/line', (_req, res) => {
  res.status(200).json({});
});
app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
