import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger';

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

describe('structured logs', () => {
  it('redact secrets in messages, fields and errors but keep the ids that tie a turn together', async () => {
    const { lines, log } = capture();
    log.info(
      { requestId: 'req-Abc123!x', conversation: 'dl_9f8e7d6c5b4a', text: 'รหัสผ่าน: Sup3r$ecret99', err: new Error('login failed for password=Hunter2!') },
      'seller wrote OTP 482913',
    );
    await new Promise((r) => setImmediate(r));
    const line = lines[0]!;
    expect(line.requestId).toBe('req-Abc123!x');
    expect(line.conversation).toBe('dl_9f8e7d6c5b4a');
    const all = JSON.stringify(line);
    for (const secret of ['Sup3r$ecret99', 'Hunter2!', '482913']) expect(all).not.toContain(secret);
  });
});
