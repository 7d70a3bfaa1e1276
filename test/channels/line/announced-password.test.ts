import fs from 'node:fs';
import { deliverLine, startApp, type RunningApp } from '../../helpers/app-harness';
import { FakeLineApi, SECRET, textEvent, TOKEN } from './fake-line-api';

/** Through LINE's signed webhook: the password typed after "นี่รหัสผ่านนะคะ" is kept nowhere, the inbox included. */
describe('an announced password on LINE', () => {
  let fake: FakeLineApi;
  let app: RunningApp;
  beforeAll(async () => {
    fake = new FakeLineApi();
    await fake.start();
    app = await startApp({ LINE_CHANNEL_SECRET: SECRET, LINE_CHANNEL_ACCESS_TOKEN: TOKEN, LINE_API_BASE_URL: fake.url });
  });
  afterAll(async () => {
    await app.close();
    await fake.stop();
  });

  it('is warned about before and after, and no file of the data folder holds it', async () => {
    expect(await deliverLine(app, fake, textEvent('นี่รหัสผ่านนะคะ'))).toMatch(/ไม่ต้องส่งรหัสผ่าน/);
    const sent = await deliverLine(app, fake, textEvent('tamarindsunrise'));
    expect(sent).toMatch(/อย่าส่งรหัสผ่าน/);
    expect(sent).not.toContain('tamarindsunrise');
    const dir = app.bot.db.name.replace(/\/[^/]+$/, '');
    const files = fs.readdirSync(dir).filter((f) => f.startsWith('bot.sqlite'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect({ f, holds: fs.readFileSync(`${dir}/${f}`).includes('tamarindsunrise') }).toEqual({ f, holds: false });
  });
});
