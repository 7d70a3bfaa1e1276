import { once } from 'node:events';

/**
 * Runs a command's main with the argument list, for output that goes into pipes:
 * - exitCode, not exit(): exit() ends the process before a pipe has taken what stdout still
 *   holds (`match --jsonl FILE | wc -l` printed 214 of 10,000 lines);
 * - a reader that stopped reading (`| head -1`) is no error: nothing more is wanted;
 * - a failure prints its message, not a stack.
 */
export function runCommand(main: (argv: string[]) => Promise<number>): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(0);
  });
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: Error) => {
      console.error(err.message);
      process.exitCode = 1;
    },
  );
}

/** Writes one line, waiting while the pipe is full (100,000 lines must not sit in memory at once). */
export async function writeLine(line: string): Promise<void> {
  if (!process.stdout.write(`${line}\n`)) await once(process.stdout, 'drain');
}
