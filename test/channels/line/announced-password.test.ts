import fs from 'node:fs';
import { startLineApp, type LineApp } from '../../helpers/line-app';
import { textEvent } from './fake-line-api';

/** Through LINE's signed webhook: the password typed after "นี่รหัสผ่านนะคะ" is kept nowhere, the inbox included. */
describe('an announced password on LINE', () => {
  let line: LineApp;
  beforeAll(async () => {
    line = await startLineApp();
  });
  afterAll(() => line.close());

  it('is warned about before and after, and no file of the data folder holds it', async () => {
    const { app } = line;
    expect(await line.deliver(textEvent('นี่รหัสผ่านนะคะ'))).toMatch(/ไม่ต้องส่งรหัสผ่าน/);
    const sent = await line.deliver(textEvent('tamarindsunrise'));
    expect(sent).toMatch(/อย่าส่งรหัสผ่าน/);
    expect(sent).not.toContain('tamarindsunrise');
    const dir = app.bot.db.name.replace(/\/[^/]+$/, '');
    const files = fs.readdirSync(dir).filter((f) => f.startsWith('bot.sqlite'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect({ f, holds: fs.readFileSync(`${dir}/${f}`).includes('tamarindsunrise') }).toEqual({ f, holds: false });
  });
});

/** The same while messages wait for the rest of a burst: the password is read as one before its announcement is answered. */
describe('an announced password inside a burst on LINE', () => {
  let line: LineApp;
  beforeAll(async () => {
    line = await startLineApp({ MESSAGE_BURST_WAIT_MS: '700' });
  });
  afterAll(() => line.close());

  it('masks the password typed right after the announcement, though the piece before it still waits', async () => {
    const { app } = line;
    const sent = await line.deliver(textEvent('ลาซาด้าเชื่อมไม่ได้ค่ะ'), textEvent('นี่รหัสผ่านนะคะ'), textEvent('sunflowerbaby'));
    expect(sent).toMatch(/ไม่ต้องส่งรหัสผ่าน/);
    expect(sent).not.toContain('sunflowerbaby');
    const dir = app.bot.db.name.replace(/\/[^/]+$/, '');
    for (const f of fs.readdirSync(dir).filter((n) => n.startsWith('bot.sqlite'))) {
      expect({ f, holds: fs.readFileSync(`${dir}/${f}`).includes('sunflowerbaby') }).toEqual({ f, holds: false });
    }
  });
});
