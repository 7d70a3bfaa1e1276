import { ConfigError } from './config';
import { KnowledgeError } from './knowledge/load';
import type { Logger } from './logger';

/** Runs an entry point; a bad configuration or knowledge base ends it with the message, not a stack. */
export function runMain(main: () => void): void {
  try {
    main();
  } catch (e) {
    if (e instanceof ConfigError || e instanceof KnowledgeError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
}

/**
 * SIGTERM/SIGINT run `stop` once, then exit. `hardExitMs` bounds it: a hung dependency must not
 * keep a process the platform wants gone.
 */
export function stopOnSignals(log: Logger, what: string, stop: () => Promise<void>, hardExitMs: number): void {
  let stopping = false;
  const onSignal = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, what);
    void stop()
      .catch((err: unknown) => log.error({ err }, 'error while stopping'))
      .finally(() => process.exit(0));
    setTimeout(() => process.exit(0), hardExitMs).unref();
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
}
