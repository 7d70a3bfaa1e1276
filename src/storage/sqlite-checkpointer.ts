import { Worker } from 'node:worker_threads';

/**
 * Moves SQLite's WAL checkpoints off the event loop. By default the connection that commits
 * runs a checkpoint every 1000 WAL pages: it copies them into the database file and fsyncs it,
 * on the main thread, while every request waits. Under load that took about a tenth of the
 * main thread and made the slowest answers slower. Here the committing connection never
 * checkpoints (wal_autocheckpoint = 0) and a worker thread with its own connection does:
 *  - PASSIVE every `intervalMs`: copies what it can without blocking anyone;
 *  - RESTART when the WAL has grown past `restartPages` anyway (under steady writes a PASSIVE
 *    checkpoint never catches up with the end, so the WAL would never start over): this one
 *    makes writers wait for it, briefly, as the default checkpoint did each time.
 */
export interface CheckpointerOptions {
  intervalMs: number;
  restartPages: number;
}

export const DEFAULT_CHECKPOINTER: CheckpointerOptions = { intervalMs: 250, restartPages: 4000 };

export interface WalCheckpoint {
  /** WAL pages at the checkpoint, and how many of them are in the database file now. */
  log: number;
  checkpointed: number;
  /** A RESTART that gave up waiting for the writers (busy_timeout); the next one tries again. */
  busy: boolean;
  mode: 'PASSIVE' | 'RESTART';
}

export interface Checkpointer {
  /** The latest checkpoint, once there has been one (for tests and diagnostics). */
  readonly last: WalCheckpoint | undefined;
  readonly count: number;
  /** RESTART checkpoints so far (the WAL had outgrown restartPages). */
  readonly restarts: number;
  stop(): Promise<void>;
}

// Plain JavaScript run with eval: it works the same from the compiled server and from ts-jest.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
const run = (mode) => {
  const [r] = db.pragma('wal_checkpoint(' + mode + ')');
  parentPort.postMessage({ log: r.log, checkpointed: r.checkpointed, busy: r.busy === 1, mode });
  return r;
};
const timer = setInterval(() => {
  try {
    const r = run('PASSIVE');
    if (r.log >= workerData.restartPages) run('RESTART');
  } catch (err) {
    parentPort.postMessage({ error: String(err && err.message || err) });
  }
}, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/**
 * `onError`: a checkpoint failed (the next one tries again). `onDead`: the thread stopped on its
 * own (it could not open the file, or crashed): nobody checkpoints any more, so the caller must
 * take the job back.
 */
export function startCheckpointer(
  file: string,
  onError: (message: string) => void,
  opts: CheckpointerOptions = DEFAULT_CHECKPOINTER,
  onDead: (message: string) => void = () => undefined,
): Checkpointer {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { file, driver: require.resolve('better-sqlite3'), intervalMs: opts.intervalMs, restartPages: opts.restartPages },
  });
  // A checkpointer must never keep a finished process alive.
  worker.unref();
  const state = { last: undefined as WalCheckpoint | undefined, count: 0, restarts: 0 };
  worker.on('message', (m: WalCheckpoint | { error: string }) => {
    if ('error' in m) onError(m.error);
    else {
      state.last = m;
      state.count++;
      if (m.mode === 'RESTART' && !m.busy) state.restarts++;
    }
  });
  let stopping = false;
  let failure = '';
  // Reported once, by onDead: an uncaught error ends the thread.
  worker.on('error', (err) => {
    failure = err.message;
  });
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', (code) => {
      if (!stopping) onDead(`the checkpoint thread stopped (exit code ${code}${failure ? `: ${failure}` : ''})`);
      resolve();
    }),
  );
  return {
    get last() {
      return state.last;
    },
    get count() {
      return state.count;
    },
    get restarts() {
      return state.restarts;
    },
    async stop() {
      stopping = true;
      worker.postMessage('stop');
      await exited;
    },
  };
}
