import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../../src/config';
import { startApp, type RunningApp } from '../../helpers/app-harness';
import { PNG } from './pictures';
import { actsAnswering } from '../../helpers/directline-chat';

/**
 * A picture sent from the widget goes where a LINE picture goes: the conversation notes it (and
 * reads "ตามรูปเลยค่ะ" as about it), and it joins the hand-over mail to support.
 */

type Activity = Record<string, any>;

describe('a picture uploaded through Direct Line, through the whole bot', () => {
  let app: RunningApp;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'upload-e2e-'));
  beforeAll(async () => {
    app = await startApp({ DATA_DIR: dataDir, SUPPORT_EMAIL: 'support@example.com' });
  });
  afterAll(async () => {
    await app.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function chat() {
    const opened = await (await fetch(`${app.base}/directline/tokens/generate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"locale":"th-TH"}' })).json();
    const auth = { authorization: `Bearer ${opened.token}` };
    const conversation = `${app.base}/directline/conversations/${opened.conversationId}`;
    const all = async (): Promise<Activity[]> => (await (await fetch(`${conversation}/activities`, { headers: auth })).json()).activities;
    /** The acts of the bot's answers to the activity `id`, once they are all there. */
    const answersTo = (id: string) => actsAnswering(all, id);
    const postActivity = async (activity: object) => {
      const r = await fetch(`${conversation}/activities`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ type: 'message', ...activity }) });
      expect(r.status).toBe(200);
      return answersTo(((await r.json()) as { id: string }).id);
    };
    return {
      say: (text: string) => postActivity({ text }),
      press: (action: string) => postActivity({ value: { action } }),
      upload: async (bytes: Buffer, name: string) => {
        const form = new FormData();
        form.append('file', new Blob([new Uint8Array(bytes)], { type: 'image/png' }), name);
        const r = await fetch(`${conversation}/upload?userId=u`, { method: 'POST', headers: auth, body: form });
        expect(r.status).toBe(200);
        return answersTo(((await r.json()) as { id: string }).id);
      },
    };
  }

  it('notes the picture, reads "ตามรูปเลยค่ะ" as about it, and attaches it to the hand-over mail', async () => {
    // Without a picture, "as in the picture" is about nothing the bot has.
    const without = await chat();
    const before = await without.say('ตามรูปเลยค่ะ');

    const c = await chat();
    expect(await c.upload(PNG, 'error.png')).toEqual(['image-received']);
    const after = await c.say('ตามรูปเลยค่ะ');
    expect(after).not.toEqual(before);
    expect(after).toContain('ask-more');

    expect(await c.say('ขอคุยกับเจ้าหน้าที่ค่ะ')).toContain('handover-offer');
    expect(await c.press('handover:start')).toContain('ask-email');
    expect(await c.say('seller@example.com')).toContain('ask-description');
    expect(await c.press('handover:skip')).toContain('handover-summary');
    expect(await c.press('handover:confirm')).toContain('ticket');

    // No SMTP_URL: the mail is written as an .eml file, with the picture attached.
    const mailDir = path.join(dataDir, 'mail');
    const eml = await (async () => {
      const end = Date.now() + 10_000;
      for (;;) {
        const files = fs.existsSync(mailDir) ? fs.readdirSync(mailDir).filter((f) => f.endsWith('.eml')) : [];
        if (files.length > 0) return fs.readFileSync(path.join(mailDir, files[0]), 'utf8');
        if (Date.now() > end) throw new Error('no mail written');
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const [kept] = fs.readdirSync(path.join(dataDir, 'screenshots'), { recursive: true }).map(String).filter((f) => f.endsWith('.png'));
    // nodemailer quotes a name that starts with "-" (1 stored name in 64): either form is the picture.
    expect(eml).toMatch(new RegExp(`Content-Disposition: attachment;\\s+filename="?${path.basename(kept).replace(/[-]/g, '\\-')}"?`));
    expect(eml.replace(/\r?\n/g, '')).toContain(PNG.toString('base64'));
  });
});

describe('DIRECTLINE_UPLOAD_MAX_BYTES', () => {
  it('is 5 MiB by default, and a whole number of bytes from 1 KiB to 10 MiB', () => {
    expect(loadConfig({}).directLineUploadMaxBytes).toBe(5 * 1024 * 1024);
    expect(loadConfig({ DIRECTLINE_UPLOAD_MAX_BYTES: '1048576' }).directLineUploadMaxBytes).toBe(1048576);
    for (const bad of ['100', '20000000', '1.5', 'lots']) {
      expect(() => loadConfig({ DIRECTLINE_UPLOAD_MAX_BYTES: bad })).toThrow(ConfigError);
    }
    expect(() => loadConfig({ DIRECTLINE_UPLOAD_MAX_BYTES: 'lots' })).toThrow(/DIRECTLINE_UPLOAD_MAX_BYTES/);
  });

  it('limits what the running bot takes', async () => {
    const small = await startApp({ DIRECTLINE_UPLOAD_MAX_BYTES: '2048' });
    try {
      const opened = await (await fetch(`${small.base}/directline/tokens/generate`, { method: 'POST' })).json();
      const send = async (size: number) => {
        const form = new FormData();
        form.append('file', new Blob([new Uint8Array(Buffer.concat([PNG, Buffer.alloc(size - PNG.length)]))], { type: 'image/png' }), 'a.png');
        const url = `${small.base}/directline/conversations/${opened.conversationId}/upload`;
        return (await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${opened.token}` }, body: form })).status;
      };
      expect(await send(2049)).toBe(413);
      expect(await send(2048)).toBe(200);
    } finally {
      await small.close();
    }
  });
});
