import Database from 'better-sqlite3';
import type { OutMessage, Turn } from '../../src/conversation/messages';
import { BotService } from '../../src/conversation/service';
import { SqliteConversationStore } from '../../src/storage/conversation-store';
import { core, plain } from './recording-channel';

/** What the bot does with the text read in a seller's picture (OCR faked here: test/screenshots reads for real). */

const READ: Record<string, string> = {
  'u/pnm.png': 'Lazada Seller Center\nเชื่อมต่อร้านค้าไม่สำเร็จ\nError: PASSWORD_NOT_MATCH\nรหัสผ่านไม่ถูกต้อง กรุณาลองใหม่อีกครั้ง',
  'u/orders.png': 'BigSeller\nภาพรวม\nยอดขายวันนี้ ฿12,450\nคำสั่งซื้อที่รอจัดส่ง 8',
  'u/add-store.png': 'Add Store\nMarketplace\nAuthorization failed: PASSWORD_NOT_MATCH\nWebsite\nShopify WooCommerce SHOPLINE\nSocial / Other\nFacebook Lineshopping',
  'u/auth-log.png': 'Settings / Authorization Log\nTime Platform Store Result\n2024-06-11 10:02:41 Lazada Mango Dee Official Failed — INTERNAL DATA_ERRC\n2024-06-10 17:25:03 Shopee mangodee th Success',
  'u/expired.png': 'BigSeller\nMy stores\nTikTok Shop · gadget.home\nStatus: Authorization expired\nPlease re-authorize the store',
  // Pages saying a connection worked, with the date it will expire (held-out sets d and e).
  'u/connected-th.png': 'เชื่อมต่อร้านค้า\nเชื่อมต่อร้านค้าสําเร็จ\nร้านค้า Shopee ของคุณได้รับการอนุญาตแล้ว\nหมดอายุการอนุญาต 07/03/2569',
  'u/connected-en.png': 'Connect Store\nLazada store authorized successfully\nStore Nickname BKG Lazada\nAuthorization expires 2026-03-14',
  // A store list: one row authorised, two expired.
  'u/store-list.png': 'ชื่อร้านค้า สถานะ วันหมดอายุ\nชาไทยแท้ หมดอายุ 2025-06-30\nป้าจิตของฝาก อนุญาตแล้ว 2026-03-11\nเมื่อสถานะเป็น "หมดอายุ" คำสั่งซื้อใหม่จะไม่ถูกซิงค์จนกว่าจะเชื่อมต่อใหม่',
  'u/connect-failed.png': 'เชื่อมต่อร้านค้าไม่สำเร็จ\nการอนุญาตหมดอายุแล้ว กรุณาเชื่อมต่อใหม่',
};

function chat(readPicture: (ref: string) => Promise<string | undefined> = async (ref) => READ[ref]) {
  const store = new SqliteConversationStore(new Database(':memory:'));
  const bot = new BotService({ core, store, idleTtlSeconds: 3600, readPicture, escalate: async () => ({ ticket: 'BS-TEST01', existing: false, limited: false }) });
  let clock = Date.parse('2026-12-01T03:00:00Z');
  const turn = (part: Partial<Turn>): Turn => ({ channel: 'test', conversationId: 'c1', userId: 'u1', kind: 'message', at: new Date((clock += 1000)).toISOString(), ...part });
  return {
    picture: (ref?: string) => bot.handle(turn({ kind: 'image', ...(ref ? { screenshot: { ref, contentType: 'image/png' } } : {}) })),
    send: (text: string) => bot.handle(turn({ kind: 'message', text })),
    transcript: () => store.transcript(BotService.key('test', 'c1')),
  };
}

const acts = (m: OutMessage[]) => m.map((x) => x.act);

describe('a picture the seller sends', () => {
  it('showing an error code gets that article, introduced by what was seen, and the read text goes to the transcript', async () => {
    const c = chat();
    const reply = await c.picture('u/pnm.png');
    expect(acts(reply)).toEqual(['answer:lazada-password-not-match', 'answer:lazada-password-not-match', 'ask-feedback']);
    expect(plain(reply.slice(0, 1))).toBe('ในรูปเห็นข้อความ PASSWORD_NOT_MATCH ค่ะ');
    const line = (await c.transcript()).find((l) => l.from === 'user');
    expect(line?.text).toContain('(image) [text read in the picture, redacted]:');
    expect(line?.text).toContain('Error: PASSWORD_NOT_MATCH');
  });

  it.each([
    ['among other platforms named on the page', 'u/add-store.png', 'lazada-password-not-match'],
    ['cut off at the edge of a table', 'u/auth-log.png', 'lazada-internal-data-error'],
  ])('showing a known code %s gets its article', async (_how, ref, topic) => {
    const reply = await chat().picture(ref);
    expect(acts(reply)).toEqual([`answer:${topic}`, `answer:${topic}`, 'ask-feedback']);
  });

  it('showing a problem in words, no code, gets its article with a line saying so', async () => {
    const reply = await chat().picture('u/expired.png');
    expect(acts(reply)[0]).toMatch(/^answer:/);
    expect(plain(reply.slice(0, 1))).toBe('จากรูป น่าจะเป็นปัญหานี้ค่ะ');
  });

  it('saying a connection worked is no problem, whatever date its authorisation expires on', async () => {
    expect(acts(await chat().picture('u/connected-th.png'))).toEqual(['image-received']);
    expect(acts(await chat().picture('u/connected-en.png'))).toEqual(['image-received']);
    // Expired rows beside an authorised one, and a failure, are problems still.
    expect(acts(await chat().picture('u/store-list.png'))[0]).toBe('answer:connection-expired');
    expect(acts(await chat().picture('u/connect-failed.png'))[0]).toBe('answer:connection-expired');
  });

  it('showing no problem, or not read, or not kept, gets the line asking what it shows', async () => {
    expect(acts(await chat().picture('u/orders.png'))).toEqual(['image-received']);
    expect(acts(await chat(async () => undefined).picture('u/pnm.png'))).toEqual(['image-received']);
    expect(acts(await chat(async () => Promise.reject(new Error('OCR down'))).picture('u/pnm.png'))).toEqual(['image-received']);
    expect(acts(await chat().picture())).toEqual(['image-received']);
  });

  it('during a hand-over is kept for support with its text, not answered with an article', async () => {
    const c = chat();
    await c.send('ขอคุยกับเจ้าหน้าที่ค่ะ');
    const reply = await c.picture('u/pnm.png');
    expect(acts(reply)).toEqual(['image-received']);
    expect((await c.transcript()).some((l) => l.text.includes('PASSWORD_NOT_MATCH'))).toBe(true);
  });

  it('is answered before a message typed after it, even when reading takes a while', async () => {
    let release: () => void = () => undefined;
    const reading = new Promise<void>((resolve) => (release = resolve));
    const c = chat(async (ref) => {
      await reading;
      return READ[ref];
    });
    const answers: string[] = [];
    const picture = c.picture('u/pnm.png').then((r) => answers.push(`picture: ${acts(r)[0]}`));
    const typed = c.send('ขึ้นแบบนี้ค่ะ').then(() => answers.push('typed'));
    release();
    await Promise.all([picture, typed]);
    expect(answers).toEqual(['picture: answer:lazada-password-not-match', 'typed']);
  });
});
