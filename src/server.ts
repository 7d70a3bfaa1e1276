/** Entry point of `npm start`: the bot on embedded defaults unless configured otherwise. */
import { createApp } from './app';
import { ConfigError, loadConfig } from './config';
import { KnowledgeError } from './knowledge/load';
import { createLogger } from './logger';

function main(): void {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const bot = createApp(config, log);
  const server = bot.app.listen(config.port, () => {
    const address = server.address();
    if (address && typeof address === 'object') bot.listening(address.port);
    log.info({ port: config.port, dataDir: config.dataDir, topics: bot.kb.topics.length }, 'bot started');
    console.log(`\nConnection Help Bot is running.\n  Demo page with the chat widget: ${config.publicBaseUrl}/\n  Embed on any page: <script src="${config.publicBaseUrl}/widget.js"></script>\n`);
    if (bot.sandbox) console.log(`  Sandbox connector (sample stores, not real data): ${config.publicBaseUrl}/sandbox/connector/v1/accounts/demo-expired/stores\n`);
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping: no new requests, finishing the ones in flight');
    server.close(() => {
      void bot.close().finally(() => process.exit(0));
    });
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

try {
  main();
} catch (e) {
  if (e instanceof ConfigError || e instanceof KnowledgeError) {
    console.error(e.message);
    process.exit(1);
  }
  throw e;
}
