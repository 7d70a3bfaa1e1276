import { parseEmailAddress } from '../../src/escalation/email-address';

/** The reply address as sellers type it: alone, in a sentence, spaced around its @ on a phone. */
describe('reading an e-mail address', () => {
  it.each([
    ['somchai@gmail.com', 'somchai@gmail.com'],
    ['my email is ploy.shop@hotmail.com', 'ploy.shop@hotmail.com'],
    ['เมลคือ kaew_99 @ hotmail.com', 'kaew_99@hotmail.com'],
    ['kaew_99@ hotmail.com ค่ะ', 'kaew_99@hotmail.com'],
    ['my mail is  pat.store@gmail .com', 'pat.store@gmail.com'],
    ['email: mint @ mintshop . co . th', 'mint@mintshop.co.th'],
    ['ploy@hotmail. co.th ค่ะ', 'ploy@hotmail.co.th'],
    ['x@gmail.com. thanks', 'x@gmail.com'],
    // Punctuation of the sentence around it.
    ["ploy.shop@gmail.com, that's all", 'ploy.shop@gmail.com'],
    ['ส่งมาที่ (ploy.shop@gmail.com) นะคะ', 'ploy.shop@gmail.com'],
    ['<ploy.shop@gmail.com>', 'ploy.shop@gmail.com'],
    ['it is ploy.shop@gmail.com!', 'ploy.shop@gmail.com'],
  ])('"%s" is %s', (typed, address) => {
    expect(parseEmailAddress(typed)).toBe(address);
  });

  it.each(['ploy.shop@gmail', 'no address here', 'a @ b', 'a@b . thanks'])('"%s" is no address', (typed) => {
    expect(parseEmailAddress(typed)).toBeUndefined();
  });
});
