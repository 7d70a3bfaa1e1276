import net from 'node:net';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

/**
 * A real SMTP server (smtp-server) in the test process on 127.0.0.1 that can refuse recipients
 * or data on chosen attempts; what it accepts is parsed with mailparser, as a mail client would.
 */
export type Reject = (attempt: number) => { code: number; message: string } | undefined;

export interface TestSmtp {
  port: number;
  received: { mail: ParsedMail; rcpt: string[] }[];
  attempts: { rcpt: number; data: number };
  close(): Promise<void>;
}

export async function startSmtp(opts: { port?: number; rejectRcpt?: Reject; rejectData?: Reject; dataDelayMs?: number } = {}): Promise<TestSmtp> {
  const received: TestSmtp['received'] = [];
  const attempts = { rcpt: 0, data: 0 };
  const fail = (r: { code: number; message: string }) => Object.assign(new Error(r.message), { responseCode: r.code });
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(_address, _session, cb) {
      attempts.rcpt++;
      const r = opts.rejectRcpt?.(attempts.rcpt);
      cb(r ? fail(r) : undefined);
    },
    onData(stream, session: SMTPServerSession, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        attempts.data++;
        const r = opts.rejectData?.(attempts.data);
        if (r) return cb(fail(r));
        setTimeout(() => {
          simpleParser(Buffer.concat(chunks)).then(
            (mail) => {
              received.push({ mail, rcpt: session.envelope.rcptTo.map((a) => a.address) });
              cb();
            },
            (err: Error) => cb(err),
          );
        }, opts.dataDelayMs ?? 0);
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as net.AddressInfo).port;
  return { port, received, attempts, close: () => new Promise<void>((r) => server.close(() => r())) };
}

export { freePort } from './server-process';

export async function waitFor(what: string, cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface LogEntry {
  level: 'info' | 'warn' | 'error';
  obj: Record<string, unknown>;
  msg?: string;
}
export function fakeLog() {
  const entries: LogEntry[] = [];
  const at = (level: LogEntry['level']) => (obj: object, msg?: string) => void entries.push({ level, obj: obj as Record<string, unknown>, msg });
  return { entries, log: { info: at('info'), warn: at('warn'), error: at('error') } };
}

