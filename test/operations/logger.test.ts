import crypto from 'node:crypto';
import { Writable } from 'node:stream';
import { userHash } from '../../src/channels/line/screenshots';
import { createLogger, idHash } from '../../src/logger';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      cb();
    },
  });
  return { lines, log: createLogger('info', stream) };
}

const flushed = () => new Promise((r) => setImmediate(r));
const LINE_USER = 'U4af4980629f8a1b2c3d4e5f6a7b8c9d0';
const DIRECT_LINE_CONVERSATION = 'Zk3p9Q2sX7vB1nM4cR8tLw';

describe('structured logs', () => {
  it('redact secrets in messages, fields and errors but keep the ids that tie a turn together', async () => {
    const { lines, log } = capture();
    log.info(
      { requestId: 'req-Abc123!x', conversation: 'dl_9f8e7d6c5b4a', text: 'รหัสผ่าน: Sup3r$ecret99', err: new Error('login failed for password=Hunter2!') },
      'seller wrote OTP 482913',
    );
    await flushed();
    const line = lines[0]!;
    expect(line.requestId).toBe('req-Abc123!x');
    expect(line.conversation).toBe(idHash('dl_9f8e7d6c5b4a'));
    const all = JSON.stringify(line);
    for (const secret of ['Sup3r$ecret99', 'Hunter2!', '482913']) expect(all).not.toContain(secret);
  });

  it('log a LINE user id or a Direct Line conversation id only as a stable hash that still ties the lines together', async () => {
    const { lines, log } = capture();
    log.info({ requestId: 'evt-1', channel: 'line', conversation: LINE_USER, events: [] }, 'turn events');
    log.warn({ channel: 'line', conversation: LINE_USER }, 'turn effect failed');
    // webhook.ts logs the seller's screenshot-folder name as `user`: the same hash comes out.
    log.error({ user: userHash(LINE_USER) }, 'LINE turn failed');
    log.info({ user: LINE_USER }, 'LINE account link');
    log.warn({ conversation: DIRECT_LINE_CONVERSATION }, 'Direct Line stream error');
    log.child({ conversation: LINE_USER }).info('from a child logger');
    await flushed();

    const all = JSON.stringify(lines);
    expect(all).not.toContain(LINE_USER);
    expect(all).not.toContain(LINE_USER.slice(1));
    expect(all).not.toContain(DIRECT_LINE_CONVERSATION);

    const expected = `h:${crypto.createHash('sha256').update(`line:${LINE_USER}`).digest('hex').slice(0, 12)}`;
    expect(idHash(LINE_USER)).toBe(expected);
    expect(userHash(LINE_USER).startsWith(expected.slice(2))).toBe(true);
    expect(lines.map((l) => l.conversation ?? l.user)).toEqual([expected, expected, expected, expected, idHash(DIRECT_LINE_CONVERSATION), expected]);
    expect(idHash(DIRECT_LINE_CONVERSATION)).toMatch(/^h:[0-9a-f]{12}$/);
    expect(idHash(DIRECT_LINE_CONVERSATION)).not.toBe(expected);
    // Hashing twice changes nothing: a call site that hashed already is not hashed again.
    expect(idHash(expected)).toBe(expected);
    expect(lines[0]).toMatchObject({ requestId: 'evt-1', channel: 'line', events: [] });
  });
});
