import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import WebSocket from 'ws';
import { pictureTypeOf } from '../../../src/channels/web/directline-pictures';
import { activities, answered, backends, describeOn, makeDirectLine, open, post, RecordingBot, tempDir, TOKEN_SECRET, until, type Activity, type Backend } from './directline-harness';
import { AVIF, GIF, HEIC, HEIF_MIF1, JPEG, PNG, SVG, WEBP } from './pictures';

/**
 * POST /directline/conversations/{id}/upload (Direct Line 3.0's upload, as Web Chat and the widget
 * send it): pictures checked by their bytes, kept where LINE's are, given to the core as an
 * `image` turn, shown back at signed addresses that expire; repeats of a clientActivityID played once.
 */

const MAX_BYTES = 4096;
const HOUR = 3600 * 1000;
const ACTIVITY_TYPE = 'application/vnd.microsoft.activity';

/** Every file under the pictures directory, relative to it. */
function filesIn(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

function setUp(backend: Backend, opts: { now?: () => Date; bot?: RecordingBot; store?: ReturnType<Backend['stores']>[number] } = {}) {
  const dir = tempDir();
  const bot = opts.bot ?? new RecordingBot();
  const made = makeDirectLine(opts.store ?? backend.stores(1)[0], { bot, now: opts.now, pictures: { dir, maxBytes: MAX_BYTES, share: backend.share() } });
  return { ...made, bot, dir };
}

const upload = (app: Parameters<typeof request>[0], conv: string, token?: string) => {
  const r = request(app).post(`/directline/conversations/${encodeURIComponent(conv)}/upload?userId=someone`);
  return token ? r.set('authorization', `Bearer ${token}`) : r;
};
const activityPart = (activity: object) => [Buffer.from(JSON.stringify(activity)), { filename: 'blob', contentType: ACTIVITY_TYPE }] as const;

/** The address's path and query, to ask the app for it (supertest's host is not the one in the URL). */
const local = (url: string) => {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
};

for (const backend of backends()) {
  describeOn(backend)(`Direct Line upload (${backend.name})`, () => {
    it('keeps a picture sent with a message, gives the core an image turn, and shows it back at a signed address', async () => {
      const { app, bot, dir } = setUp(backend);
      const { conv, token } = await open(app, { user: { id: 'seller-1' } });
      const r = await upload(app, conv, token)
        .attach('activity', ...activityPart({ type: 'message', from: { id: 'seller-1' }, text: 'my password is Hunter2! ตามรูปค่ะ', locale: 'th-TH', channelData: { clientActivityID: 'up-1' } }))
        .attach('file', PNG, { filename: 'C:\\Users\\me\\error.png', contentType: 'image/png' });
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ id: expect.stringMatching(new RegExp(`^${conv}\\|\\d{7}$`)) });

      const acts = await answered(app, conv, token);
      const mine = acts.find((a) => a.id === r.body.id)!;
      expect(mine).toMatchObject({
        type: 'message',
        from: { id: 'seller-1', role: 'user' },
        text: 'my password is [password removed] ตามรูปค่ะ',
        locale: 'th-TH',
        channelData: { clientActivityID: 'up-1' },
        attachments: [{ contentType: 'image/png', name: 'error.png', contentUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/directline\/attachments\/[0-9a-f]{32}\/[\w-]+\.png\?exp=\d+&sig=[\w-]+$/) }],
      });
      expect(JSON.stringify(mine)).not.toContain('Hunter2');
      expect(acts.slice(acts.indexOf(mine) + 1).map((a) => [a.type, a.text, a.replyToId])).toEqual([
        ['typing', undefined, undefined],
        ['message', 'echo: my password is Hunter2! ตามรูปค่ะ', r.body.id],
      ]);

      // The core: the picture as a LINE picture comes (an image turn with the kept screenshot), then the words.
      const [ref] = filesIn(dir);
      expect(bot.of(conv).map((t) => [t.kind, t.screenshot, t.text, t.userId])).toEqual([
        ['start', undefined, undefined, 'seller-1'],
        ['image', { ref, contentType: 'image/png' }, undefined, 'seller-1'],
        ['message', undefined, 'my password is Hunter2! ตามรูปค่ะ', 'seller-1'],
      ]);
      expect(fs.readFileSync(path.join(dir, ref))).toEqual(PNG);
      expect(mine.attachments[0].contentUrl).toContain(`/attachments/${ref}?`);

      const picture = await request(app).get(local(mine.attachments[0].contentUrl));
      expect(picture.status).toBe(200);
      expect(picture.body).toEqual(PNG);
      expect(picture.headers).toMatchObject({ 'content-type': 'image/png', 'x-content-type-options': 'nosniff', 'access-control-allow-origin': '*' });
      expect(picture.headers['cache-control']).toMatch(/^private\b/);
    });

    it('answers a picture alone with the core\'s answer to the picture; several pictures are one activity and one answer', async () => {
      const { app, bot, dir } = setUp(backend);
      const { conv, token } = await open(app);
      const one = await upload(app, conv, token).attach('file', JPEG, { filename: 'IMG_0001.JPG', contentType: 'image/jpeg' });
      expect(one.status).toBe(200);
      const acts = await answered(app, conv, token);
      expect(acts[acts.length - 1]).toMatchObject({ text: 'Got your picture', replyToId: one.body.id, channelData: { act: 'image-received' } });
      expect(acts.find((a) => a.id === one.body.id)).not.toHaveProperty('text');

      // Field names as Web Chat sends them, and an activity part sent as a plain field.
      const many = await upload(app, conv, token)
        .field('activity', JSON.stringify({ type: 'message', channelData: { clientActivityID: 'album' } }))
        .attach('file', WEBP, { filename: 'a.webp', contentType: 'image/webp' })
        .attach('file', HEIC, { filename: 'b.heic', contentType: 'application/octet-stream' })
        .attach('file', HEIF_MIF1, { filename: 'blob', contentType: 'image/heif' });
      expect(many.status).toBe(200);
      const after = await answered(app, conv, token);
      const album = after.find((a) => a.id === many.body.id)!;
      expect(album.attachments.map((a: Activity) => [a.contentType, a.name])).toEqual([
        ['image/webp', 'a.webp'],
        ['image/heic', 'b.heic'],
        ['image/heic', 'picture.heic'],
      ]);
      expect(after.filter((a) => a.replyToId === many.body.id).map((a) => a.text)).toEqual(['Got your picture']);
      expect(bot.of(conv).filter((t) => t.kind === 'image').map((t) => t.screenshot?.contentType)).toEqual(['image/jpeg', 'image/webp', 'image/heic', 'image/heic']);
      expect(filesIn(dir).map((f) => path.extname(f)).sort()).toEqual(['.heic', '.heic', '.jpg', '.webp']);
    });

    it('takes the upload as botframework-directlinejs and browsers send it (fetch, FormData, Blob)', async () => {
      const { app, bot } = setUp(backend);
      const server = http.createServer(app).listen(0, '127.0.0.1');
      await new Promise((r) => server.once('listening', r));
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      try {
        const { conv, token } = await open(app);
        const form = new FormData();
        form.append('activity', new Blob([JSON.stringify({ type: 'message', from: { id: 'u' }, text: 'ดูรูปนี้', channelData: { clientActivityID: 'wc-1' } })], { type: ACTIVITY_TYPE }));
        form.append('file', new Blob([PNG], { type: 'image/png' }), 'screen.png');
        const r = await fetch(`${base}/directline/conversations/${conv}/upload?userId=u`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
        expect(r.status).toBe(200);
        const { id } = (await r.json()) as { id: string };
        const acts = await answered(app, conv, token);
        const mine = acts.find((a) => a.id === id)!;
        expect(mine.attachments[0].contentUrl.startsWith(`${base}/directline/attachments/`)).toBe(true);
        const picture = await fetch(mine.attachments[0].contentUrl);
        expect(picture.status).toBe(200);
        expect(Buffer.from(await picture.arrayBuffer())).toEqual(PNG);
        expect(bot.of(conv).map((t) => t.kind)).toEqual(['start', 'image', 'message']);
      } finally {
        await new Promise((r) => server.close(r));
      }
    });

    it('refuses what is no accepted picture by its bytes with 415, and keeps nothing', async () => {
      const { app, bot, dir } = setUp(backend);
      const { conv, token } = await open(app);
      const cases: [Buffer, string][] = [
        [GIF, 'image/gif'],
        [SVG, 'image/png'],
        [AVIF, 'image/heic'],
        [Buffer.from('%PDF-1.7 not a picture'), 'image/jpeg'],
        [Buffer.alloc(0), 'image/png'],
      ];
      for (const [bytes, declared] of cases) {
        const r = await upload(app, conv, token).attach('file', bytes, { filename: 'x.png', contentType: declared });
        expect({ declared, status: r.status, code: r.body.error?.code }).toEqual({ declared, status: 415, code: 'unsupported_media_type' });
      }
      // One bad picture among good ones refuses the upload.
      const mixed = await upload(app, conv, token).attach('file', PNG, { filename: 'a.png' }).attach('file', GIF, { filename: 'b.png', contentType: 'image/png' });
      expect(mixed.status).toBe(415);
      expect(filesIn(dir)).toEqual([]);
      expect((await activities(app, conv, token)).map((a) => a.text)).toEqual(['welcome']);
      expect(bot.of(conv).map((t) => t.kind)).toEqual(['start']);
      expect([GIF, SVG, AVIF].map(pictureTypeOf)).toEqual([undefined, undefined, undefined]);
    });

    it('refuses a picture over the size limit with 413, and more than 5 pictures, and keeps nothing', async () => {
      const { app, bot, dir } = setUp(backend);
      const { conv, token } = await open(app);
      const atLimit = Buffer.concat([PNG, Buffer.alloc(MAX_BYTES - PNG.length)]);
      const over = Buffer.concat([atLimit, Buffer.alloc(1)]);
      const tooLarge = await upload(app, conv, token).attach('file', PNG, { filename: 'small.png' }).attach('file', over, { filename: 'big.png' });
      expect(tooLarge.status).toBe(413);
      expect(tooLarge.body.error.code).toBe('too_large');
      let six = upload(app, conv, token);
      for (let i = 0; i < 6; i++) six = six.attach('file', PNG, { filename: `${i}.png` });
      expect((await six).status).toBe(413);
      expect(filesIn(dir)).toEqual([]);
      expect((await activities(app, conv, token)).map((a) => a.text)).toEqual(['welcome']);
      expect(bot.of(conv).map((t) => t.kind)).toEqual(['start']);
      // At the limit exactly: kept.
      expect((await upload(app, conv, token).attach('file', atLimit, { filename: 'limit.png' })).status).toBe(200);
      expect(filesIn(dir)).toHaveLength(1);
    });

    it('answers 400 for a body that is not multipart, without a picture, or with a broken activity', async () => {
      const { app, dir } = setUp(backend);
      const { conv, token } = await open(app);
      const bad = [
        await upload(app, conv, token).send({ type: 'message', text: 'json, not multipart' }),
        await upload(app, conv, token).attach('activity', ...activityPart({ type: 'message', text: 'no picture' })),
        await upload(app, conv, token).field('activity', '{"type": "message", ').attach('file', PNG, { filename: 'a.png' }),
        await upload(app, conv, token).field('activity', JSON.stringify({ type: 'typing' })).attach('file', PNG, { filename: 'a.png' }),
        await upload(app, conv, token).set('content-type', 'multipart/form-data; boundary=xyz').send('--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\nabc'),
      ];
      expect(bad.map((r) => [r.status, r.body.error?.code])).toEqual(bad.map(() => [400, 'bad_request']));
      const long = await upload(app, conv, token).field('activity', JSON.stringify({ type: 'message', text: 'ก'.repeat(2001) })).attach('file', PNG, { filename: 'a.png' });
      expect(long.status).toBe(413);
      expect(filesIn(dir)).toEqual([]);
    });

    it('answers 401 without a valid token, 403 for an expired one or another conversation, 404 for a conversation gone', async () => {
      let clock = new Date();
      const { app, dir } = setUp(backend, { now: () => clock });
      const a = await open(app);
      const b = await open(app);
      const send = (conv: string, token?: string) => upload(app, conv, token).attach('file', PNG, { filename: 'a.png' });
      expect((await send(a.conv)).status).toBe(401);
      expect((await send(a.conv, jwt.sign({ conv: a.conv, user: 'x' }, 'forged', { expiresIn: 600 }))).status).toBe(401);
      expect((await send(a.conv, b.token)).status).toBe(403);
      expect((await send('gone', jwt.sign({ conv: 'gone', user: 'x' }, TOKEN_SECRET, { expiresIn: 600 }))).status).toBe(404);
      clock = new Date(clock.getTime() + HOUR);
      const expired = await send(a.conv, a.token);
      expect([expired.status, expired.body.error.code]).toEqual([403, 'token_expired']);
      expect(filesIn(dir)).toEqual([]);
    });

    it('plays an upload repeated with its clientActivityID once (one copy, one turn), also when the two arrive together', async () => {
      const bot = new RecordingBot(50);
      const { app, dir } = setUp(backend, { bot });
      const { conv, token } = await open(app);
      const send = (id: string) => upload(app, conv, token).attach('activity', ...activityPart({ type: 'message', channelData: { clientActivityID: id } })).attach('file', PNG, { filename: 'a.png' });
      const first = await send('pic-1');
      await answered(app, conv, token);
      const again = await send('pic-1');
      expect(again.body).toEqual({ id: first.body.id });
      const together = await Promise.all([send('pic-2'), send('pic-2'), send('pic-2')]);
      expect(new Set(together.map((r) => r.body.id)).size).toBe(1);
      // A text message posted with an id the upload had: the same answer as well.
      const text = await post(app, conv, token).send({ type: 'message', text: 'hi', channelData: { clientActivityID: 'pic-1' } });
      expect(text.body).toEqual({ id: first.body.id });
      await until(async () => ((await activities(app, conv, token)).filter((a) => a.text === 'Got your picture').length === 2 ? true : undefined));
      await new Promise((r) => setTimeout(r, 200));
      const acts = await activities(app, conv, token);
      expect(acts.filter((a) => a.from.role === 'user')).toHaveLength(2);
      expect(acts.filter((a) => a.text === 'Got your picture')).toHaveLength(2);
      expect(bot.of(conv).map((t) => t.kind)).toEqual(['start', 'image', 'image']);
      expect(filesIn(dir)).toHaveLength(2);
    });

    it('refuses a forged, altered or expired picture address with 403, and shows fresh addresses in the history and the stream', async () => {
      let clock = new Date();
      const { app, router } = setUp(backend, { now: () => clock });
      const { conv, token } = await open(app);
      const r = await upload(app, conv, token).attach('file', PNG, { filename: 'a.png' });
      const url = (await answered(app, conv, token)).find((a) => a.id === r.body.id)!.attachments[0].contentUrl as string;
      const u = new URL(url);
      const ok = await request(app).get(local(url));
      expect(ok.status).toBe(200);
      const sig = u.searchParams.get('sig')!;
      const variants = [
        `${u.pathname}?exp=${u.searchParams.get('exp')}&sig=${sig.slice(0, -2)}AA`,
        `${u.pathname}?exp=${Number(u.searchParams.get('exp')) + 3600}&sig=${sig}`,
        `${u.pathname}`,
        `${u.pathname.replace(/[\w-]+\.png$/, 'AAAAAAAAAAAAAAAAAAAAAA.png')}${u.search}`,
        `${u.pathname.replace(/\.png$/, '.jpg')}${u.search}`,
        `/directline/attachments/..%2F..%2Fetc/passwd${u.search}`,
      ];
      for (const v of variants) expect({ v, status: (await request(app).get(v)).status }).toEqual({ v, status: 403 });

      // A day and more later: that address is dead; the history gives a new one.
      clock = new Date(clock.getTime() + 26 * HOUR);
      const dead = await request(app).get(local(url));
      expect([dead.status, dead.body.error.message]).toEqual([403, 'This picture address has expired']);
      // A token valid then (the seller resumed the conversation).
      const later = jwt.sign({ conv, user: 'x', exp: Math.floor(clock.getTime() / 1000) + 600 }, TOKEN_SECRET);
      const fresh = (await activities(app, conv, later)).find((a) => a.id === r.body.id)!.attachments[0].contentUrl as string;
      expect(fresh).not.toBe(url);
      expect(new URL(fresh).pathname).toBe(u.pathname);
      expect((await request(app).get(local(fresh))).status).toBe(200);

      // The stream shows the history with fresh addresses too.
      const server = http.createServer(app);
      server.on('upgrade', (req, socket, head) => router.upgrade(req, socket, head) || socket.destroy());
      await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
      try {
        const ws = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/directline/conversations/${conv}/stream?t=${later}`);
        const first = await new Promise<{ activities: Activity[] }>((resolve, reject) => {
          ws.once('message', (data) => resolve(JSON.parse(String(data))));
          ws.once('error', reject);
        });
        ws.close();
        const streamed = first.activities.find((a) => a.id === r.body.id)!.attachments[0].contentUrl as string;
        expect((await request(app).get(local(streamed))).status).toBe(200);
      } finally {
        router.closeStreams();
        await new Promise((res) => server.close(res));
      }
    });

    it('lets the widget on another site call the upload route (CORS preflight)', async () => {
      const { app } = setUp(backend);
      const pre = await request(app)
        .options('/directline/conversations/x/upload?userId=u')
        .set('origin', 'https://shop.example')
        .set('access-control-request-method', 'POST')
        .set('access-control-request-headers', 'authorization,x-ms-bot-agent');
      expect(pre.status).toBe(204);
      expect(pre.headers['access-control-allow-origin']).toBe('*');
      expect(pre.headers['access-control-allow-headers']).toMatch(/Authorization/);
      const { conv, token } = await open(app);
      const r = await upload(app, conv, token).set('origin', 'https://shop.example').attach('file', PNG, { filename: 'a.png' });
      expect(r.headers['access-control-allow-origin']).toBe('*');
    });

    if (backend.name === 'redis') {
      it('serves a picture kept by another instance (through Redis) at its address', async () => {
        const [one, two] = backend.stores(2);
        const a = setUp(backend, { store: one });
        const b = setUp(backend, { store: two });
        const { conv, token } = await open(a.app);
        const r = await upload(a.app, conv, token).attach('file', PNG, { filename: 'a.png' });
        const url = (await answered(b.app, conv, token)).find((x) => x.id === r.body.id)!.attachments[0].contentUrl as string;
        expect(filesIn(b.dir)).toEqual([]);
        const picture = await request(b.app).get(local(url));
        expect(picture.status).toBe(200);
        expect(picture.body).toEqual(PNG);
        expect(filesIn(b.dir)).toEqual(filesIn(a.dir));
      });
    }
  });
}
