import path from 'node:path';
import { loadKnowledge } from '../../src/knowledge/load';
import { Matcher } from '../../src/matching/matcher';

/**
 * How sellers end a conversation: thanks or a goodbye with a few words of their own ("I'll try",
 * "found it", "that's all"), an acknowledgement ("understood"), a greeting to the bot. None is a
 * problem nor off-topic; a thanks that goes on with a problem, a question or a request is not a
 * closing.
 */
const matcher = new Matcher(loadKnowledge(path.resolve(__dirname, '../../knowledge')));
const smallTalkOf = (text: string) => matcher.explain(text).analysis.smallTalk;

// Thai sellers call support by name: "สวัสดีค่ะแอดมิน" greets, "แอดมินคะ …" opens a question.
describe('support called by name', () => {
  it.each(['หวัดดีค่าาา แอดมิน', 'สวัสดีค่ะ เจ้าหน้าที่', 'hi admin'])('"%s" is a greeting, not a request for a person', (text) => {
    const m = matcher.explain(text);
    expect({ text, decision: m.decision, smallTalk: m.analysis.smallTalk }).toEqual({ text, decision: 'none', smallTalk: 'greeting' });
  });

  it.each(['hi admin pls', 'hello? human please', 'สวัสดีค่ะ ขอคุยกับแอดมิน', 'แอดมินคะ'])('"%s" still asks for a person', (text) => {
    expect({ text, decision: matcher.explain(text).decision }).toEqual({ text, decision: 'escalate' });
  });

  it.each([
    ['สวัสดีครับแอดมิน ร้าน shopee หลุด', 'connection-expired'],
    ['admin, my lazada store expired', 'connection-expired'],
  ])('"%s" is read without the name', (text, topic) => {
    const m = matcher.explain(text);
    expect({ text, decision: m.decision, topic: m.topic }).toEqual({ text, decision: 'answer', topic });
  });

  it('keeps the seller\'s own staff (พนักงาน) as a word of the problem', () => {
    expect(matcher.explain('พนักงานเชื่อมร้าน lazada ไม่ได้').analysis.content).toContain('admin');
  });
});

describe('closings and greetings', () => {
  it.each([
    ['ขอบคุณค่ะ เดี๋ยวลองดู', 'thanks'],
    ['เจอแล้ว ขอบคุณค่ะ', 'thanks'],
    ['โอเค งั้นแค่นี้ค่ะ ขอบคุณ', 'thanks'],
    ['เข้าใจแล้วค่ะ', 'thanks'],
    ['รับทราบครับ', 'thanks'],
    ['เคค่ะ', 'thanks'],
    ['okie', 'thanks'],
    ['โอเคค่ะ เข้าใจแล้ว', 'thanks'],
    ['ok i will ask him, bye', 'goodbye'],
    ['thanks, will check later', 'thanks'],
    ['ดีค่ะน้องบอท', 'greeting'],
    ['ฮัลโหล', 'greeting'],
    ['ฮัลโหลค่ะ', 'greeting'],
    ['ทดสอบ', 'greeting'],
    // A greeting split around a filler word: หวัด|ดี, and ดี alone is a stopword.
    ['หวัดดีจ้า', 'greeting'],
    ['หวัดดีครับ', 'greeting'],
    // A stray message excused.
    ['ขอโทษค่ะ กดผิด 😅', 'apology'],
    ['sorry wrong button', 'apology'],
    ['โทษทีครับ พิมพ์ผิด', 'apology'],
    ['oops my bad', 'apology'],
    // Praise, a rating typed after "fixed".
    ['5 stars', 'thanks'],
    ['ให้ 5 ดาวเลยค่ะ', 'thanks'],
    ['very helpful', 'thanks'],
    // Other praise: "cool", "น่ารัก" (cute), "เยี่ยม".
    ['ok cool', 'thanks'],
    ['555 น่ารัก', 'thanks'],
    ['เยี่ยมเลยค่ะ', 'thanks'],
    // The store works again, with thanks, however long the sentence naming it.
    ['ร้าน lazada เชื่อมได้ปกติแล้ว ขอบคุณมากค่ะ 🙏', 'thanks'],
    ['ok reconnect ได้แล้ว ขอบคุณครับ', 'thanks'],
    ['and now connected to my new account. thank you!', 'thanks'],
    ["changed the password on lazada and now it's connected, thanks!", 'thanks'],
  ])('"%s" is small talk (%s)', (text, kind) => {
    expect({ text, kind: smallTalkOf(text) }).toEqual({ text, kind });
  });

  it.each(['ขอบคุณค่ะ แล้วต้องทำยังไงต่อ', 'ขอบคุณค่ะ ร้าน shopee ด้วย', 'thanks but still not working', 'ok ส่งให้ support เลยครับ', 'thanks, what about lazada?', 'ขอบคุณค่ะ แต่ยัง error อยู่', 'reconnect ได้แล้ว แต่ออเดอร์ไม่เข้า ขอบคุณ', 'ขอโทษค่ะ ร้าน shopee หลุด', 'sorry, my lazada store expired'])(
    '"%s" is not a closing',
    (text) => {
      expect({ text, kind: smallTalkOf(text) }).toEqual({ text, kind: null });
    },
  );
});
