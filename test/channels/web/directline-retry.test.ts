import { activities, answered, backends, describeOn, makeDirectLine, open, post, RecordingBot, until, type Activity } from './directline-harness';

/**
 * A client that posts a message again (its answer was lost, or it retried on a timeout) sends
 * the same channelData.clientActivityID: the bot answers it once, and the client gets the first
 * post's id back, also when both posts arrive together, on one instance or two.
 */

const message = (text: string, clientActivityID?: string) => ({ type: 'message', text, ...(clientActivityID ? { channelData: { clientActivityID } } : {}) });

/** The conversation's activities once every turn the bot took is answered and nothing more comes. */
async function settled(app: Parameters<typeof activities>[0], conv: string, token: string, bot: RecordingBot): Promise<Activity[]> {
  const acts = await until(async () => {
    const all = await activities(app, conv, token);
    const answers = all.filter((a) => a.type === 'message' && a.from.role === 'bot').length;
    return answers === bot.of(conv).length ? all : undefined;
  });
  await new Promise((r) => setTimeout(r, 150));
  expect(await activities(app, conv, token)).toEqual(acts);
  return acts;
}

for (const backend of backends()) {
  describeOn(backend)(`Direct Line retries by clientActivityID (${backend.name})`, () => {
    it('answers a repeated post with the first id and no second turn, typing or answer', async () => {
      const bot = new RecordingBot();
      const { app } = makeDirectLine(backend.stores(1)[0], { bot });
      const { conv, token } = await open(app);
      const first = await post(app, conv, token).send(message('ร้านหลุดค่ะ', 'web-1'));
      expect(first.status).toBe(200);
      await answered(app, conv, token);
      const again = await post(app, conv, token).send(message('ร้านหลุดค่ะ', 'web-1'));
      expect(again.status).toBe(200);
      expect(again.body).toEqual({ id: first.body.id });
      const acts = await settled(app, conv, token, bot);
      expect(acts.map((a) => [a.type, a.from.role, a.text])).toEqual([
        ['message', 'bot', 'welcome'],
        ['message', 'user', 'ร้านหลุดค่ะ'],
        ['typing', 'bot', undefined],
        ['message', 'bot', 'echo: ร้านหลุดค่ะ'],
      ]);
      expect(bot.of(conv).map((t) => t.kind)).toEqual(['start', 'message']);

      // Another id is another message; no id, every post is one; the same id elsewhere is not this one.
      const other = await post(app, conv, token).send(message('ร้านหลุดค่ะ', 'web-2'));
      expect(other.body.id).not.toBe(first.body.id);
      const plain = [await post(app, conv, token).send(message('hello')), await post(app, conv, token).send(message('hello'))];
      expect(plain[0].body.id).not.toBe(plain[1].body.id);
      const elsewhere = await open(app);
      const there = await post(app, elsewhere.conv, elsewhere.token).send(message('ร้านหลุดค่ะ', 'web-1'));
      expect(there.body.id.startsWith(`${elsewhere.conv}|`)).toBe(true);
      await settled(app, conv, token, bot);
      expect(bot.of(conv).map((t) => t.text ?? t.kind)).toEqual(['start', 'ร้านหลุดค่ะ', 'ร้านหลุดค่ะ', 'hello', 'hello']);
      expect(bot.of(elsewhere.conv).map((t) => t.kind)).toEqual(['start', 'message']);
    });

    it('plays identical posts that arrive together once', async () => {
      // A slow bot: the posts all arrive while the first turn is being answered.
      const bot = new RecordingBot(100);
      const { app } = makeDirectLine(backend.stores(1)[0], { bot });
      const { conv, token } = await open(app);
      const posts = await Promise.all(Array.from({ length: 6 }, () => post(app, conv, token).send(message('พร้อมกัน', 'same-id'))));
      expect(posts.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
      expect(new Set(posts.map((r) => r.body.id)).size).toBe(1);
      const acts = await settled(app, conv, token, bot);
      expect(acts.filter((a) => a.from.role === 'user')).toHaveLength(1);
      expect(acts.filter((a) => a.type === 'typing')).toHaveLength(1);
      expect(bot.of(conv).map((t) => t.kind)).toEqual(['start', 'message']);
    });

    it('plays a post sent to two instances sharing the storage once', async () => {
      const [one, two] = backend.stores(2);
      const botA = new RecordingBot(50);
      const botB = new RecordingBot(50);
      const a = makeDirectLine(one, { bot: botA });
      const b = makeDirectLine(two, { bot: botB });
      const { conv, token } = await open(a.app);
      const posts = await Promise.all([
        post(a.app, conv, token).send(message('สองเครื่อง', 'twice')),
        post(b.app, conv, token).send(message('สองเครื่อง', 'twice')),
        post(a.app, conv, token).send(message('สองเครื่อง', 'twice')),
        post(b.app, conv, token).send(message('สองเครื่อง', 'twice')),
      ]);
      expect(new Set(posts.map((r) => r.body.id)).size).toBe(1);
      await until(async () => ((await activities(b.app, conv, token)).some((x) => x.text === 'echo: สองเครื่อง') ? true : undefined));
      await new Promise((r) => setTimeout(r, 200));
      expect([...botA.of(conv), ...botB.of(conv)].filter((t) => t.kind === 'message')).toHaveLength(1);
      const acts = await activities(a.app, conv, token);
      expect(acts.map((x) => x.text ?? x.type)).toEqual(['welcome', 'สองเครื่อง', 'typing', 'echo: สองเครื่อง']);
    });
  });
}
