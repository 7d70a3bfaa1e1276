import http from 'node:http';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { backends, describeOn, makeDirectLine, open, upgradeStatus } from './directline-harness';

/** Tokens as Direct Line 3.0 answers them: 401 missing or forged, 403 expired or another conversation's. */

const MINUTE = 60 * 1000;

for (const backend of backends()) {
  describeOn(backend)(`Direct Line tokens (${backend.name})`, () => {
    it('answers 401 for a missing or forged token and 403 for an expired one, on every route and on the stream', async () => {
      let clock = new Date();
      const { app, router } = makeDirectLine(backend.stores(1)[0], { now: () => clock });
      const a = await open(app);
      const b = await open(app);
      const forged = jwt.sign({ conv: a.conv, user: 'x' }, 'not-the-secret', { expiresIn: 600 });
      clock = new Date(clock.getTime() + 31 * MINUTE);
      const conversation = `/directline/conversations/${a.conv}`;
      const calls = [
        (auth?: string) => request(app).get(`${conversation}/activities`).set(auth ? { authorization: auth } : {}),
        (auth?: string) => request(app).post(`${conversation}/activities`).set(auth ? { authorization: auth } : {}).send({ type: 'message', text: 'hi' }),
        (auth?: string) => request(app).get(conversation).set(auth ? { authorization: auth } : {}),
        (auth?: string) => request(app).post('/directline/conversations').set(auth ? { authorization: auth } : {}),
        (auth?: string) => request(app).post('/directline/tokens/refresh').set(auth ? { authorization: auth } : {}),
      ];
      for (const [i, call] of calls.entries()) {
        expect({ i, status: (await call()).status }).toEqual({ i, status: 401 });
        expect({ i, status: (await call(`Bearer ${forged}`)).status }).toEqual({ i, status: 401 });
        const expired = await call(`Bearer ${a.token}`);
        expect({ i, status: expired.status, code: expired.body.error?.code }).toEqual({ i, status: 403, code: 'token_expired' });
      }
      // Another conversation's token, still valid: 403 too.
      clock = new Date();
      const other = await request(app).get(`${conversation}/activities`).set('authorization', `Bearer ${b.token}`);
      expect({ status: other.status, code: other.body.error.code }).toEqual({ status: 403, code: 'forbidden' });

      // The stream's upgrade answers the same, before any WebSocket exists.
      const server = http.createServer(app);
      server.on('upgrade', (req, socket, head) => router.upgrade(req, socket, head) || socket.destroy());
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const ws = `ws://127.0.0.1:${(server.address() as AddressInfo).port}${conversation}/stream`;
      const status = upgradeStatus;
      try {
        expect(await status(`${ws}?t=${a.token}`)).toBe(101);
        expect(await status(`${ws}?t=${forged}`)).toBe(401);
        clock = new Date(clock.getTime() + 31 * MINUTE);
        expect(await status(`${ws}?t=${a.token}`)).toBe(403);
      } finally {
        router.closeStreams();
        await new Promise((r) => server.close(r));
      }
    });
  });
}
