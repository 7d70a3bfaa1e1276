import path from 'node:path';
import { loadKnowledge } from '../../src/knowledge/load';
import { onlySays, ReplyReader, startsWith } from '../../src/conversation/replies';

/**
 * Replies to the bot's questions, read from knowledge/replies.yaml: every phrasing quoted in the
 * issues on the dialogs and on understanding the seller, and the ones the tests type.
 */
const reader = new ReplyReader(loadKnowledge(path.resolve(__dirname, '../../knowledge')).replies);

describe('reading a typed reply', () => {
  it.each([
    // At the hand-over offer: yes, send it.
    ['ได้คับ ส่งเลย', ['yes', 'send']],
    ['ได้ครับ ส่งเลย', ['yes', 'send']],
    ['ส่งไปเลยครับ', ['send']],
    ['ค่ะ ส่งให้หน่อย', ['send']],
    ['ได้เลยค่ะ', ['yes']],
    ['ได้คับ', ['yes']],
    ['จ้า', ['yes']],
    ['โอเคค่ะ', ['yes']],
    ['ok send it', ['yes', 'send']],
    ['Yes please', ['yes']],
    // At the summary.
    ['ส่ง', ['send']],
    ['ส่งค่ะ', ['send']],
    ['ถูกต้องค่ะ', ['yes']],
    ['ถูกต้องแล้วส่งได้เลยค่ะ', ['yes', 'send']],
    ['เปลี่ยนอีเมลค่ะ', ['change-email']],
    // At the description question.
    ['ข้ามค่ะ', ['skip']],
    ['ข้ามจ้า', ['skip']],
    ['ข้ามนะคะ', ['skip']],
    ['ไม่มีจ้า', ['skip']],
    ['skip', ['skip']],
    // No, not now, done.
    ['ไม่ค่ะ', ['no']],
    ['no thanks', ['cancel']],
    ['not now', ['later']],
    ['ขอบคุณค่า 🙏', ['thanks']],
    ['ได้แล้วค่าา ขอบคุณน้า', ['fixed', 'thanks']],
    ['ยังไม่ได้ค่ะ', ['not-fixed']],
  ])('%s is %j and nothing else', (text, acts) => {
    const r = reader.read(text);
    expect({ text, acts: r.acts, whole: r.whole }).toEqual({ text, acts, whole: true });
  });

  it('reads what a reply starts with, and the rest apart', () => {
    const later = reader.read('ไว้ก่อนค่ะ เดี๋ยวลองเปลี่ยนรหัสดูก่อน');
    expect(startsWith(later, 'later')).toBe(true);
    expect(later.whole).toBe(false);
    expect(startsWith(reader.read('อ้าว ไม่ได้จะส่งเรื่องค่ะ แค่บ่นเฉยๆ'), 'cancel')).toBe(true);
  });

  it('does not read a sentence about the problem as an answer', () => {
    for (const text of ['ได้รับ OTP แล้ว', 'ไม่ได้รับ OTP', 'ค่าส่งkerryแพงจัง555', 'ร้าน shopee หมดอายุค่ะ', 'send me the steps again', 'ยกเลิกคำสั่งซื้อไม่ได้']) {
      const r = reader.read(text);
      expect({ text, only: onlySays(r, 'yes', 'send', 'no', 'skip', 'cancel', 'later', 'thanks', 'fixed', 'not-fixed') }).toEqual({ text, only: false });
    }
  });
});
