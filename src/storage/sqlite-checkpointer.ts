import { Worker } from 'node:worker_threads';

/**
 * Moves SQLite's WAL checkpoints off the event loop. By default the connection that commits
 * runs a checkpoint every 1000 WAL pages: it copies them into the database file and fsyncs it,
 * on the main thread, while every request waits. Under load that took about a tenth of the
 * main thread and made the slowest answers slower. Here the committing connection never
 * checkpoints (wal_autocheckpoint = 0) and a worker thread with its own connection does:
 *  - PASSIVE every `intervalMs`: copies what it can without blocking anyone;
 *  - RESTART when the WAL has grown past `restartPages` anyway (under steady writes a PASSIVE
 *    checkpoint never catches up with the end, so the WAL would never start over). It needs the
 *    write lock, so it is agreed with the writers first (`writers`): the thread asks, the event
 *    loop commits what it has and holds further writes back (they wait, the loop does not), the
 *    RESTART runs, the writes go on. Left to the lock alone, the two sides met in SQLite's busy
 *    handler, which sleeps 1, 2, 5, 10 ms between tries: the event loop stood still 8-18 ms at
 *    every RESTART under load (twice a second at 1,150 events/s), and under writes without a
 *    pause the RESTART could miss the lock for seconds (the WAL kept growing).
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

/** The writers' side of a RESTART: hold writes back and call `ready`, then let them go again. */
export interface RestartWriters {
  pause(ready: () => void): void;
  resume(): void;
}

/** Writes are held back at most this long for a RESTART (then it waits for the lock as before). */
const RESTART_PAUSE_LIMIT_MS = 1000;

export interface Checkpointer {
  /** The latest checkpoint, once there has been one (for tests and diagnostics). */
  readonly last: WalCheckpoint | undefined;
  readonly count: number;
  /** RESTART checkpoints so far (the WAL had outgrown restartPages). */
  readonly restarts: number;
  /** RESTARTs that found the lock taken and gave up (the next one tries again). */
  readonly busyRestarts: number;
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
const failed = (err) => parentPort.postMessage({ error: String(err && err.message || err) });
let asked = false;
const timer = setInterval(() => {
  if (asked) return;
  try {
    const r = run('PASSIVE');
    if (r.log >= workerData.restartPages) {
      asked = true;
      parentPort.postMessage({ restartWanted: true });
    }
  } catch (err) {
    failed(err);
  }
}, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m === 'restart') {
    try {
      run('RESTART');
    } catch (err) {
      failed(err);
    }
    asked = false;
    parentPort.postMessage({ restartDone: true });
    return;
  }
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
  writers?: RestartWriters,
): Checkpointer {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { file, driver: require.resolve('better-sqlite3'), intervalMs: opts.intervalMs, restartPages: opts.restartPages },
  });
  // A checkpointer must never keep a finished process alive.
  worker.unref();
  const state = { last: undefined as WalCheckpoint | undefined, count: 0, restarts: 0, busyRestarts: 0 };
  let paused: NodeJS.Timeout | undefined;
  const letWritersGo = () => {
    if (!paused) return;
    clearTimeout(paused);
    paused = undefined;
    writers?.resume();
  };
  worker.on('message', (m: WalCheckpoint | { error: string } | { restartWanted: true } | { restartDone: true }) => {
    if ('restartWanted' in m) {
      const go = () => worker.postMessage('restart');
      if (!writers) return go();
      // A thread that never answers must not hold the writes for good.
      paused = setTimeout(letWritersGo, RESTART_PAUSE_LIMIT_MS).unref();
      writers.pause(go);
    } else if ('restartDone' in m) letWritersGo();
    else if ('error' in m) onError(m.error);
    else {
      state.last = m;
      state.count++;
      if (m.mode === 'RESTART') {
        if (m.busy) state.busyRestarts++;
        else state.restarts++;
      }
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
      letWritersGo();
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
    get busyRestarts() {
      return state.busyRestarts;
    },
    async stop() {
      stopping = true;
      worker.postMessage('stop');
      await exited;
    },
  };
}
