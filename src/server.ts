/** Entry point of `npm start`: the bot on embedded defaults unless configured otherwise. */
import { createApp } from './app';
import { ensureDataDir, loadConfig } from './config';
import { runMain, stopOnSignals } from './lifecycle';
import { createLogger } from './logger';

function main(): void {
  const config = loadConfig();
  ensureDataDir(config);
  const log = createLogger(config.logLevel);
  for (const warning of config.warnings) log.warn({ setting: warning.split(':')[0] }, `${warning}; required with NODE_ENV=production`);
  const bot = createApp(config, log);
  const server = bot.app.listen(config.port, config.host, () => {
    bot.listening(server);
    log.info({ host: config.host, port: config.port, dataDir: config.dataDir, topics: bot.kb.topics.length, redis: Boolean(config.redisUrl) }, 'bot started');
    console.log(`\nConnection Help Bot is running.\n  Demo page with the chat widget: ${config.publicBaseUrl}/\n  Embed on any page: <script src="${config.publicBaseUrl}/widget.js"></script>\n`);
    if (bot.sandbox) console.log(`  Sandbox connector (sample stores, not real data): ${config.publicBaseUrl}/sandbox/connector/v1/accounts/demo-expired/stores\n`);
    if (config.redisUrl) console.log('  REDIS_URL is set: hand-over mail is sent by the worker process (npm run worker).\n');
  });
  server.on('error', (err: NodeJS.ErrnoException) => {
    // Before it listens (after, errors are the sockets'): a clear line instead of a stack.
    if (server.listening) throw err;
    const hint = err.code === 'EADDRINUSE' ? ': another process uses it (another bot?); stop it or set PORT' : err.code === 'EACCES' ? ': not allowed for this user; set PORT' : '';
    const hostHint = err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND' ? ': no such address on this machine; set HOST' : hint;
    console.error(`The bot could not listen on port ${config.port} of ${config.host} (${err.code ?? err.message})${hostHint}.`);
    process.exit(1);
  });
  // Stop listening first (new requests go to the other instances), then answer the turns
  // already accepted, then let the mail sender finish its current mail; queued mail stays.
  stopOnSignals(
    log,
    'stopping: no new requests, finishing the ones in flight',
    async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // The server's close waits for every connection, WebSocket streams included.
      bot.closeStreams();
      await closed;
      await bot.close();
    },
    10_000,
  );
}

runMain(main);
