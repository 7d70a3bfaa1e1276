import path from 'node:path';
import { loadKnowledge } from '../../src/knowledge/load';
import { onlySays, ReplyReader, startsWith } from '../../src/conversation/replies';
import { mentions, opensWith, without } from '../../src/conversation/cues';
import { CUES, type Cue } from '../../src/knowledge/schema';

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
    // The polite ending alone, typed in Latin letters, says yes as ครับ and ค่ะ do.
    ['krub', ['yes']],
    ['kha', ['yes']],
    // Send, in other words.
    ['ship it', ['send']],
    // "Hold on" before the answer says nothing of its own.
    ['เดี๋ยวนะคะ ไม่ต้องแล้วค่ะ', ['cancel']],
    ['โอเคค่ะ', ['yes']],
    ['ok send it', ['yes', 'send']],
    ['Yes please', ['yes']],
    ['yes please forward it', ['yes', 'send']],
    ['escalate it', ['send']],
    // At the summary.
    ['ส่ง', ['send']],
    ['ส่งค่ะ', ['send']],
    ['ถูกต้องค่ะ', ['yes']],
    ['ถูกต้องแล้วส่งได้เลยค่ะ', ['yes', 'send']],
    ['ถูกต้องครบถ้วนค่ะ ส่งเลย', ['yes', 'send']],
    ['ครบแล้วค่ะ', ['yes']],
    ['เปลี่ยนอีเมลค่ะ', ['change-email']],
    // At the description question.
    ['ข้ามค่ะ', ['skip']],
    ['ข้ามจ้า', ['skip']],
    ['ข้ามนะคะ', ['skip']],
    ['ไม่มีจ้า', ['skip']],
    ['ไม่มีอะไรเพิ่มแล้วค่ะ', ['skip']],
    ['skip', ['skip']],
    // No, not now, done.
    ['ไม่ค่ะ', ['no']],
    ['no thanks', ['cancel']],
    // An interjection before the answer says nothing ("เอ้ย", "อ่อ", "actually").
    ['เอ้ย ไม่เอาดีกว่าค่ะ ไว้ก่อน', ['cancel', 'later']],
    ['อ่อ ไม่ต้องแล้วค่ะ ยกเลิก', ['cancel']],
    ['actually cancel it', ['cancel']],
    ['ขอยกเลิกค่ะ เปลี่ยนใจแล้ว', ['cancel']],
    ['not now', ['later']],
    ['ขอบคุณค่า 🙏', ['thanks']],
    ['ได้แล้วค่าา ขอบคุณน้า', ['fixed', 'thanks']],
    ['ยังไม่ได้ค่ะ', ['not-fixed']],
    // Thai in Latin letters, as some phones type it.
    ['dai laew ka khob khun ka', ['fixed', 'thanks']],
    ['yang mai dai krub', ['not-fixed']],
    ['chai', ['yes']],
    ['song loei', ['send']],
    ['mai pen rai ka, yok lerk', ['cancel']],
    ['mai ao laew ka', ['cancel']],
    ['kham', ['skip']],
    ['kob kun ka', ['thanks']],
    // At the summary: it looks right, send it; a typo in thanks.
    ['looks right, send it', ['yes', 'send']],
    ['ชัวร์ค่ะ ส่งเลยๆ', ['yes', 'send']],
    ['ขอบคุนมากๆค่ะ', ['thanks']],
    // Commands and the platform question.
    ['เมนูหลักค่ะ', ['menu']],
    ['กลับไปหน้าแรกค่ะ', ['menu']],
    ['start over please', ['menu']],
    ['ขอถามอีกเรื่องนึงได้ไหมคะ', ['another-question']],
    ['I have one more question', ['another-question']],
    ['ไม่แน่ใจค่ะ', ['unsure']],
    ["I don't know", ['unsure']],
  ])('%s is %j and nothing else', (text, acts) => {
    const r = reader.read(text);
    expect({ text, acts: r.acts, whole: r.whole }).toEqual({ text, acts, whole: true });
  });

  it('reads what a reply starts with, and the rest apart', () => {
    const later = reader.read('ไว้ก่อนค่ะ เดี๋ยวลองเปลี่ยนรหัสดูก่อน');
    expect(startsWith(later, 'later')).toBe(true);
    expect(later.whole).toBe(false);
    expect(startsWith(reader.read('อ้าว ไม่ได้จะส่งเรื่องค่ะ แค่บ่นเฉยๆ'), 'cancel')).toBe(true);
    expect(startsWith(reader.read('ยังไม่ส่งนะคะ ยกเลิกก่อน เดี๋ยวลองใหม่'), 'cancel')).toBe(true);
  });

  it.each([
    ['โอเคส่งเลย', ['yes', 'send']],
    ['ได้ค่ะส่งเลยค่ะ', ['yes', 'send']],
    ['ได้แล้วขอบคุณค่ะ', ['fixed', 'thanks']],
  ])('reads "%s", Thai typed without spaces, as %j', (text, acts) => {
    expect(reader.read(text)).toEqual({ acts, whole: true });
  });

  it('does not read a sentence about the problem as an answer', () => {
    for (const text of ['ได้รับ OTP แล้ว', 'ได้รับotpแล้ว', 'ไม่ได้รับotp', 'ส่งโค้ดมาไม่ได้', 'ไม่ได้รับ OTP', 'ค่าส่งkerryแพงจัง555', 'ร้าน shopee หมดอายุค่ะ', 'send me the steps again', 'ยกเลิกคำสั่งซื้อไม่ได้']) {
      const r = reader.read(text);
      expect({ text, only: onlySays(r, 'yes', 'send', 'no', 'skip', 'cancel', 'later', 'thanks', 'fixed', 'not-fixed') }).toEqual({ text, only: false });
    }
  });
});

/** What each sentence says wherever its words stand (replies.yaml's cues), and what it does not. */
describe('reading cues in a sentence', () => {
  const cuesOf = (text: string) => CUES.filter((c) => mentions(reader.cues.read(text), c));
  it.each<[string, Cue[]]>([
    ['ขอบคุณค่ะ แก้ได้แล้ว', ['fixed', 'thanks']],
    ['ทำตามแล้วยังไม่ได้เลย', ['not-fixed', 'tried']],
    ['ไม่หายแล้วค่ะ', ['not-fixed']],
    ['ใช้ไม่ได้แล้ว', ['not-fixed', 'tried']],
    ['ใช้บัญชีหลักอยู่แล้วค่ะ', ['tried']],
    ['still not working', ['not-fixed']],
    ['it still fails', ['not-fixed']],
    ['it works now, thanks', ['fixed', 'thanks']],
    ['not fixed', ['not-fixed']],
    ['I tried everything already', ['tried']],
    ['did step 1 already', ['tried']],
    ['มีวิธีอื่นไหมคะ', ['another-way', 'question']],
    ['what should i do now', ['what-next']],
    ['ยังไม่ได้จ่ายเลยค่ะ ต้องจ่ายก่อนใช่ไหม', ['not-fixed', 'question']],
    // The longest phrasing is what was said: "ยังไง" (how) is a question, not the "ยัง" (still) in it.
    ['ต่อใหม่ยังไงคะ', ['question']],
    ['ok send it to support', ['send-to-support']],
    ['ส่งเรื่องให้ทีมได้เลย', ['send-to-support']],
    // A longer phrasing hides the shorter ones at and inside it: "no e-mail" is no-email, not also "no" or e-mail.
    ['I have no e-mail, can you call me?', ['question-start', 'no-email']],
    // One written with "…" hides nothing: "don't have … email" leaves the e-mail read.
    ["I don't have an email", ['negation', 'mentions-email', 'no-email']],
    ['เปลี่ยนอีเมลค่ะ', ['change-email']],
    ['change my email please', ['mentions-email', 'change-email']],
    ['my email is wrong', ['mentions-email']],
    ['check my store status', ['check-stores', 'store-status']],
    ['เช็ค สถานะ ร้าน หน่อย', ['check-stores']],
    ['ชื่อร้านไม่ได้ซ้ำนะคะ', ['negation']],
    // A success in other words; "still … cannot" with words between; the seller's stores asked about; the bot asked to send.
    ['switched the permalinks and it connected, thanks', ['fixed', 'thanks']],
    ['กดใหม่แล้วเชื่อมต่อสำเร็จค่ะ', ['fixed', 'tried']],
    ['ยังเชื่อมไม่ได้ค่ะ', ['not-fixed', 'still', 'negation']],
    ['ร้านไหนหลุดบ้างคะ', ['check-stores']],
    ['which of my shops expired?', ['check-stores']],
    ['ช่วยเช็คให้หน่อยว่าร้านยังเชื่อมอยู่ไหมคะ', ['check-stores', 'store-ok']],
    ['ส่งผ่านบอทได้เลยไหมคะ', ['send-to-support', 'question']],
    ['ได้แล้วค่ะ ไม่ต้องติดต่อเจ้าหน้าที่แล้ว', ['fixed', 'dont-send']],
    // Still not coming; waiting to see, or someone else to do it, later.
    ['รหัสยังไม่เข้าเลยค่ะ', ['not-fixed']],
    ['โอเคค่ะ เดี๋ยวรอดูก่อน', ['later-on']],
    ['โอเค เดี๋ยวให้พี่สาวทำให้', ['later-on']],
    ["ok i'll wait and see", ['later-on']],
    // Error codes are one word, not a "not"; "notification" is no "not"; "ได้รับ OTP แล้ว" is no fix.
    ['PASSWORD_NOT_MATCH', []],
    ['no notification arrives', ['negation']],
    ['ได้รับ OTP แล้ว', []],
    // Later, "no button there", "done" in other words.
    ['โอเคครับ เดี๋ยวค่อยทำ', ['later-on']],
    ['เข้าไปแล้วก็ไม่มีปุ่มนะคะ', ['cant-find']],
    ['ah got it, all done', ['fixed']],
    // Thai typed in Latin letters: ส่งให้ซัพพอร์ต.
    ['song hai support ka', ['send-to-support']],
    // "isn't helping": a complaint about the bot, however the "not" is spelled.
    ["human pls, this bot isn't helping", ['bot-complaint']],
    // The case passed on, to "them" after support was named.
    ['ok can you just pass my case to them', ['question-start', 'send-to-support']],
    // "what do you mean", however typed, after the steps: they were not understood.
    ['wat do u mean copy from login page', ['not-understood']],
    ['หมายความว่าไงคะ', ['not-understood']],
  ])('%s says %j', (text, cues) => {
    expect({ text, cues: cuesOf(text) }).toEqual({ text, cues: [...cues].sort((a, b) => CUES.indexOf(a) - CUES.indexOf(b)) });
  });

  it('tells a question by its last words, and what a sentence opens with', () => {
    expect(reader.asks('ต้องจ่ายก่อนใช่ไหมคะ')).toBe(true);
    expect(reader.asks('is it fixed?')).toBe(true);
    // English asks with its first words, with no question mark typed.
    expect(reader.asks('how do I fix that one')).toBe(true);
    expect(reader.asks('can you check my store')).toBe(true);
    expect(reader.asks('it works now')).toBe(false);
    expect(reader.asks('ไม่รู้จะทำยังไงแล้ว ช่วยด้วย')).toBe(false);
    // A Thai question closing its first clause, the choices it offers after it.
    expect(reader.asks('ต้องใช้รหัสอะไรคะ รหัส seller center หรือรหัสแอป')).toBe(true);
    expect(reader.asks('ต้องกดตรงไหนคะ ในหน้าตั้งค่าหรือหน้าร้าน')).toBe(true);
    expect(reader.asks('ลองแล้วค่ะ ยังไม่ได้เลย')).toBe(false);
    // How long, how many, when: a question wherever it stands.
    expect(reader.asks('ยืนยันตัวตนเสร็จแล้ว ต้องรอกี่วันถึงจะเชื่อมได้คะ')).toBe(true);
    expect(reader.asks('ต่อแล้วนานแค่ไหนจะหมดอีกคะ')).toBe(true);
    expect(reader.asks('how many times must I reconnect each year')).toBe(true);
    // The particles sellers type for a question: ใช่ปะ, ป่าว, ไง, รึยัง.
    expect(reader.asks('ต้องเปลี่ยนเป็นบัญชีหลักใช่ปะ')).toBe(true);
    expect(reader.asks('ต้องกดอนุญาตใหม่ป่าวคะ')).toBe(true);
    expect(reader.asks('แล้วต้องทำไงคะ')).toBe(true);
    expect(reader.asks('ไม่รู้ว่าบัญชีไหนเลย')).toBe(false);
    // Which of two, with หรือ between them and no question word.
    expect(reader.asks('ยืนยันตัวตนทำในแอพ shopee หรือในเว็บ seller center คะ')).toBe(true);
    expect(reader.asks('เมนูอยู่ซ้ายหรือขวาคะ')).toBe(true);
    expect(reader.asks('ไม่ได้รับ otp หรือ sms เลยค่ะ')).toBe(false);
    expect(reader.asks('หรือ')).toBe(false);
    expect(opensWith(reader.cues.read('ไม่ได้รับ OTP'), 'negation')).toBe(true);
    expect(opensWith(reader.cues.read('OTP ไม่มา'), 'negation')).toBe(false);
  });

  it('leaves what else a sentence says', () => {
    const r = reader.cues.read('ลองแล้วก็ยังไม่ได้ค่ะ ขึ้นแจ้งเตือนสีแดง');
    expect(reader.saysNothing(without(r, 'tried', 'not-fixed'))).toBe(false);
    // ก็ only carries the mood: nothing is left.
    expect(reader.saysNothing(without(reader.cues.read('ลองแล้วก็ยังไม่ได้ค่ะ'), 'tried', 'not-fixed'))).toBe(true);
    expect(reader.saysNothing(without(reader.cues.read('still not working'), 'not-fixed'))).toBe(true);
  });
});
