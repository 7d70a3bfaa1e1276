import jwt from 'jsonwebtoken';
import request from 'supertest';
import { signIdentity } from '../../../src/status/identity';
import { activities, answered, backends, describeOn, IDENTITY_SECRET, list, makeDirectLine, open, post, RecordingBot, TOKEN_SECRET } from './directline-harness';

/**
 * The resume key that gives a seller their conversation back once its 30-minute token is gone,
 * for as long as Direct Line keeps the conversation.
 */

const MINUTE = 60 * 1000;
const DAY = 24 * 60 * MINUTE;

for (const backend of backends()) {
  describeOn(backend)(`Direct Line resume keys (${backend.name})`, () => {
    it('gives the conversation back with its history and no second welcome, after the token died, for days', async () => {
      let clock = new Date();
      const bot = new RecordingBot();
      const { app } = makeDirectLine(backend.stores(1)[0], { now: () => clock, bot });
      const first = await open(app, { user: { id: 'seller-7' }, locale: 'th-TH' });
      expect(first.body).toMatchObject({ conversationId: first.conv, expires_in: 1800, resumed: false, signedIn: false });
      expect(typeof first.body.resumeKey).toBe('string');
      await post(app, first.conv, first.token).send({ type: 'message', text: 'ร้านหลุด' });
      const history = await answered(app, first.conv, first.token);

      // Two days later the token is long dead; the key still works.
      clock = new Date(clock.getTime() + 2 * DAY);
      expect((await list(app, first.conv, first.token)).status).toBe(403);
      const again = await request(app).post('/directline/tokens/generate').send({ resume: first.body.resumeKey, user: { id: 'seller-7' } });
      expect(again.status).toBe(200);
      expect(again.body).toEqual({
        conversationId: first.conv,
        token: expect.any(String),
        expires_in: 1800,
        resumeKey: expect.any(String),
        resumed: true,
        signedIn: false,
      });
      expect(await activities(app, first.conv, again.body.token)).toEqual(history);
      // No new welcome, no turn at all.
      expect(bot.of(first.conv).map((t) => t.kind)).toEqual(['start', 'message']);
      // The conversation goes on with the new token.
      expect((await post(app, first.conv, again.body.token).send({ type: 'message', text: 'ยังอยู่ไหม' })).status).toBe(200);
      expect((await answered(app, first.conv, again.body.token)).length).toBe(history.length + 3);

      // A refreshed token comes with a fresh key, which works the same.
      const refreshed = await request(app).post('/directline/tokens/refresh').set('authorization', `Bearer ${again.body.token}`);
      expect(refreshed.body).toMatchObject({ conversationId: first.conv, expires_in: 1800, resumeKey: expect.any(String) });
      clock = new Date(clock.getTime() + 6 * DAY);
      const later = await request(app).post('/directline/tokens/generate').send({ resume: refreshed.body.resumeKey });
      expect(later.body).toMatchObject({ conversationId: first.conv, resumed: true });
    });

    it('opens a new conversation, welcome included, for a key that is forged, expired, for a conversation gone, or for another seller', async () => {
      let clock = new Date();
      const bot = new RecordingBot();
      const store = backend.stores(1)[0];
      const { app } = makeDirectLine(store, { now: () => clock, bot });
      const first = await open(app);
      const key = first.body.resumeKey as string;
      const fresh = async (body: object) => {
        const r = await request(app).post('/directline/tokens/generate').send(body);
        expect(r.status).toBe(200);
        expect(r.body.resumed).toBe(false);
        expect(r.body.conversationId).not.toBe(first.conv);
        expect(bot.of(r.body.conversationId).map((t) => t.kind)).toEqual(['start']);
        return r.body;
      };
      const claims = jwt.decode(key) as { conv: string; user: string };
      await fresh({ resume: 'garbage' });
      await fresh({ resume: 42 });
      await fresh({ resume: jwt.sign({ conv: claims.conv, user: claims.user }, 'not-the-secret', { expiresIn: 3600 }) });
      // A conversation token is no resume key, and a resume key is no token.
      await fresh({ resume: first.token });
      expect((await list(app, first.conv, key)).status).toBe(401);
      // A key signed for the conversation but naming another user.
      await fresh({ resume: jwt.sign({ conv: claims.conv, user: 'someone-else' }, TOKEN_SECRET, { expiresIn: 3600 }) });
      // Past the retention, the key has expired (whatever the store still holds).
      clock = new Date(clock.getTime() + 7 * DAY + MINUTE);
      await fresh({ resume: key });
      // A conversation Direct Line no longer keeps.
      clock = new Date();
      const second = await open(app);
      await backend.forget(store, second.conv);
      await fresh({ resume: second.body.resumeKey });
    });

    it("gives a signed-in conversation back only to the same account when the page vouches for one", async () => {
      const bot = new RecordingBot();
      const { app } = makeDirectLine(backend.stores(1)[0], { bot });
      const signedIn = await open(app, { identity: signIdentity('A-1', IDENTITY_SECRET) });
      expect(signedIn.body.signedIn).toBe(true);
      const key = signedIn.body.resumeKey;
      const same = await request(app).post('/directline/tokens/generate').send({ resume: key, identity: signIdentity('A-1', IDENTITY_SECRET) });
      expect(same.body).toMatchObject({ conversationId: signedIn.conv, resumed: true, signedIn: true });
      const other = await request(app).post('/directline/tokens/generate').send({ resume: key, identity: signIdentity('A-2', IDENTITY_SECRET) });
      expect(other.body).toMatchObject({ resumed: false, signedIn: true });
      expect(other.body.conversationId).not.toBe(signedIn.conv);
      expect(bot.of(other.body.conversationId)[0]).toMatchObject({ kind: 'start', accountId: 'A-2' });
      // A forged identity is no account: not the conversation's.
      const forged = await request(app).post('/directline/tokens/generate').send({ resume: key, identity: signIdentity('A-1', 'wrong') });
      expect(forged.body).toMatchObject({ resumed: false, signedIn: false });
      // An anonymous conversation is not taken over by a signed-in page.
      const anonymous = await open(app);
      const takeover = await request(app).post('/directline/tokens/generate').send({ resume: anonymous.body.resumeKey, identity: signIdentity('A-1', IDENTITY_SECRET) });
      expect(takeover.body).toMatchObject({ resumed: false, signedIn: true });
    });

    it('resumes on another instance sharing the storage', async () => {
      const [one, two] = backend.stores(2);
      const a = makeDirectLine(one);
      const b = makeDirectLine(two);
      const first = await open(a.app);
      const again = await request(b.app).post('/directline/tokens/generate').send({ resume: first.body.resumeKey });
      expect(again.body).toMatchObject({ conversationId: first.conv, resumed: true });
      expect((await activities(b.app, first.conv, again.body.token)).map((x) => x.text)).toEqual(['welcome']);
    });
  });
}
