/**
 * The words and patterns the conversation reads typed messages with, and its fixed sizes.
 * (Replies to the bot's questions are data: knowledge/replies.yaml, read by replies.ts; what is
 * left here is to move there too.)
 */
import { asciiDigits } from '../matching/normalise';

/** Without a description, the hand-over's problem is the seller's first few messages. */
export const FIRST_WORDS = 3;

/** Longest description the hand-over accepts (a mail stays readable; longer text is refused, not cut). */
export const MAX_DESCRIPTION = 3000;

/** The short menu of the most common problems. */
export const MENU_TOPICS = [
  'connection-expired',
  'shopee-otp-not-received',
  'lazada-password-not-match',
  'lazada-internal-data-error',
  'store-bound-other-account',
] as const;

// \b does not work after Thai letters (they are not \w), hence the split alternatives.
export const YES = /^(?:(?:yes|yep|yeah|ok(?:ay)?|it works?|worked|fixed|solved|done)\b|ใช่|ได้แล้ว|หายแล้ว|เรียบร้อย|โอเค|แก้ได้แล้ว|(?:ค่ะ|ครับ|คะ|จ้า)\s*$)/i;
export const NO = /^(?:(?:no|nope|not yet|didn'?t work|still not)\b|ไม่ได้|ยังไม่ได้|ยังไม่หาย|ไม่หาย|ยังเหมือนเดิม|ไม่)/i;
/** The answer to "did this fix it?" anywhere in a short sentence; checked for "not fixed" first. */
export const NOT_FIXED = /ยังไม่ได้|ไม่ได้เลย|ไม่ได้แล้ว|ยังไม่หาย|ยังเหมือนเดิม|ยังไม่ผ่าน|ยังขึ้น|\bstill (?:(?:not|doesn'?t|does not)(?: (?:working|work|fixed|solved|resolved|helping|help))?|the same|fail|shows?|get)|\b(?:didn'?t|doesn'?t|does not|did not) (?:work|help)|\bnot (?:working|fixed|solved)/i;
export const FIXED = /(?<!ไม่)(?:แก้ได้แล้ว|ได้แล้ว|หายแล้ว)|เรียบร้อย|\b(?:it )?works? now\b|\bit works\b|\bworked\b|\bfixed\b|\bsolved\b|\ball good\b/i;
/**
 * "ลองแล้วครับ" (tried it), "I'm using the main account already", with neither of the above:
 * said of steps that did not help (a fix is said "ได้แล้ว").
 */
export const TRIED = /ลองแล้ว|ทำตามแล้ว|ทำแล้ว|อยู่แล้ว|(?:ใช้|เปลี่ยน|ตั้งค่า|กด|เช็[คก]|ตรวจสอบ|ติดตั้ง|ล็อก(?:อิน|เอาท์)|ออกจากระบบ)\S{0,25}?แล้ว|\b(?:tried|did) (?:it|that|this|all|everything|the steps)\b|\balready (?:did|done|tried|do|doing|using|use|have|checked|set)\b|\b(?:did|done|tried|using|use|checked) (?:[\w'-]+ ){0,4}already\b/i;
/** Asking for another way ("what else can I do", "ทำไงต่อ") says the steps shown did not do it. */
export const ANOTHER_WAY = /วิธีอื่น|ทางอื่น|ทำ(?:ยัง)?ไง(?:ต่อ|อีก)|ทำอะไร(?:ต่อ|อีก)|แล้วไงต่อ|\bwhat else (?:can|could|should|do) (?:i|we)\b|\b(?:any|an)(?: )?other (?:way|solution|fix|option)s?\b|\banything else (?:i|we) (?:can|could|should) (?:do|try)\b|\bwhat (?:now|next|(?:do|should|can) (?:i|we) do (?:now|next))\b|\bnow what\b/i;
export const FEEDBACK_SENTENCE = 60;
/** The problem is still there: said of the article just shown, it did not fix it. */
export const STILL = /\bstill\b|\bagain\b|ยัง|อยู่ดี|เหมือนเดิม|อีกแล้ว/i;
/** A question, not an answer: a question mark or a Thai question word at the end. */
export const QUESTION = /\?\s*$|(?:ไหม|มั้ย|หรอ|เหรอ|หรือเปล่า|ใช่ไหม|ยังไง|อย่างไร)\s*(?:คะ|ครับ|ค่ะ|ครับผม|จ๊ะ|จ้า)?\s*[?]*\s*$/i;
/** "send it to support", "ส่งเรื่องให้ทีม": the hand-over, whatever else the message says. */
export const SEND_TO_SUPPORT = /\bsend (?:it|this|my case)\b|\bsend (?:it )?to support\b|ส่งเรื่อง|ส่งให้(?:ทีม|เจ้าหน้าที่|ซัพพอร์ต)/i;
/** A "not" in the message (error codes such as PASSWORD_NOT_MATCH are one word, not a "not"). */
export const NEGATED = /ไม่|มิได้|\b(?:not|no|never|isn'?t|wasn'?t|aren'?t|doesn'?t|don'?t|didn'?t|can'?t|cannot|won'?t)\b/i;
export const MENU = /^(?:(?:the |main )?menu|start over|start again|restart|back to (?:the )?menu|home|เมนู(?:หลัก)?|ดูเมนู|ขอเมนู|เริ่มใหม่|กลับ(?:ไป)?(?:ที่)?(?:หน้า)?(?:เมนู(?:หลัก)?|หน้าแรก))\s*(?:please|pls|ค่ะ|ครับ|คะ|หน่อย(?:ค่ะ|ครับ)?)?\s*[.!]*$/i;
export const ASK_MORE = /^(?:(?:(?:i have )?(?:one more|another|a|more|other) questions?)|i have a question|(?:can|may) i ask (?:something|another|one more)(?: thing| question)?|(?:ขอ)?ถาม(?:อีก)?(?:\s*(?:เรื่อง|ข้อ))?(?:\s*(?:หนึ่ง|นึง))?(?:ได้ไหม|ได้มั้ย)?|มี(?:อีก)?(?:\s*)คำถาม(?:อีก)?)\s*(?:please|pls|ค่ะ|ครับ|คะ|นะคะ|นะครับ|หน่อย(?:ค่ะ|ครับ)?)?\s*[.!?]*$/i;
export const MENTIONS_EMAIL = /e-?mail|อีเมล|เมล/i;
export const UNSURE = /^(?:(?:not sure|unsure|no idea|idk|i? ?don'?t know|dunno)\b|ไม่แน่ใจ|ไม่รู้|ไม่ทราบ)/i;
export const CHECK_STORES = /\b(check|show)\b.*\b(stores?|shops?|status|connections?)\b|\bstore status\b|(เช็ค|เช็ก|ตรวจสอบ|ดู)\s*(สถานะ)?\s*(ร้าน|การเชื่อมต่อ)|สถานะร้าน/i;
/** Topics about one store's connection: for these a linked seller's stores are checked first. */
export const NOT_ABOUT_A_STORE = new Set(['platforms-supported', 'contact-support']);
/** How long a ticket counts as open for "a person, please" when the context does not say (the outbox's default). */
export const DEFAULT_TICKET_OPEN_SECONDS = 24 * 3600;
export const SNAPSHOT_FRESH_MS = 5 * 60 * 1000;
/** Below this length a typed yes/no answers the question asked; a longer message is matched as usual. */
export const SHORT_ANSWER = 30;
/** The seller has no address to give ("ไม่มีอีเมล", "I don't have an email", "call me instead"). */
export const NO_EMAIL = /ไม่มี\s*(?:อีเมล|เมล|email)|ไม่ได้ใช้\s*(?:อีเมล|เมล)|โทร(?:หา|กลับ)|\b(?:no|(?:do not|don'?t) have(?: an?)?)\s+e-?mail|\bcall me\b|\bphone me\b/i;
/** "Change e-mail" typed at the summary (the button's words, and how sellers say it). */
export const CHANGE_EMAIL = /(?:แก้|เปลี่ยน)(?:ไข)?\s*(?:อีเมล|เมล)|(?:อีเมล|เมล)\S{0,2}ผิด|\b(?:change|edit|update|correct|fix)\s+(?:the\s+|my\s+)?e-?mail|\bwrong\s+e-?mail/i;
/**
 * A choice picked by its number: "2", "๒", "2.", and the ways sellers say it ("ข้อ 2", "ข้อที่ 2 ค่ะ",
 * "option 2", "no. 2", "#2").
 */
const CHOICE_NUMBER = /^(?:(?:ข้อ|อัน|ตัวเลือก|เลือก|หมายเลข|เบอร์)\s*(?:ที่)?\s*|(?:option|choice|number|no\.?|#)\s*)?([0-9]{1,2})\s*[.)]?\s*(?:ค่ะ|ครับ|คะ|จ้า|นะคะ|นะครับ)?\s*$/i;

export function choiceNumber(typed: string): number | undefined {
  const m = CHOICE_NUMBER.exec(asciiDigits(typed.trim().normalize('NFKC')));
  return m ? Number(m[1]) : undefined;
}

/** "error 500100", "error code: E-1002", "ข้อผิดพลาด 500100": a code after the word error (its first group). */
export const UNKNOWN_CODE = /(?:\berror|\berr|ข้อผิดพลาด)\s*(?:code|no\.?)?\s*[:：#]?\s*([A-Za-z]{0,4}[-_]?\d[\w-]{1,15})/iu;
/** The English words of a secret's label ("my password is"). */
export const SECRET_LABEL_WORDS = 'my|the|is|pass(?:word|wd|code)?|pwd|pw|otp|code|pin|user(?:name)?|login|id';
/** A secret's labels and the little words around them ("my password is", "รหัสผ่านคือ ... ค่ะ"). */
export const SECRET_LABELS = new RegExp(String.raw`\b(?:${SECRET_LABEL_WORDS})\b|รหัส\s*ผ่าน|รหัส|พาสเวิร์ด|พาส|โค้ด|คือ|เป็น|ของ(?:ฉัน|หนู|เรา|ผม)|ค่ะ|คะ|ครับ|นะ|จ้า|[:=：]`, 'giu');
