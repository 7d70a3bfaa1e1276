import { plain, RecordingChannel } from './recording-channel';

/** "นี่รหัสผ่านนะคะ" then the password: the message after the announcement is a secret whatever it looks like. */
describe('a password announced before it is typed', () => {
  it.each([
    ['นี่รหัสผ่านนะคะ', 'sunflowerbaby'],
    ['รหัสผ่านคือ', 'Mango Sticky 99'],
    ['my password is', 'correcthorse'],
  ])('"%s" then "%s": warned twice, never stored, and the conversation goes on', async (announce, secret) => {
    const ch = new RecordingChannel(`announce-${secret}`);
    await ch.send('lazada ขึ้น PASSWORD_NOT_MATCH ค่ะ');
    const warned = await ch.send(announce);
    expect(warned.map((m) => m.act)).toEqual(['secret-warning']);
    expect((await ch.state())!.question).toMatchObject({ kind: 'secret-expected', then: { kind: 'feedback' } });
    const masked = await ch.send(secret);
    expect(masked.map((m) => m.act)).toContain('secret-warning');
    expect(plain(masked)).not.toContain(secret);
    expect(ch.events).toContainEqual({ type: 'secret-redacted', kinds: ['password'] });
    // "Did this fix it?" is open again and answered.
    expect((await ch.state())!.question).toMatchObject({ kind: 'feedback' });
    expect((await ch.send('ได้แล้วค่ะ')).map((m) => m.act)).toContain('resolved');
    const kept = JSON.stringify([await ch.state(), await ch.transcript()]);
    expect(kept).not.toContain(secret);
  });

  it('reads a longer message after the announcement as usual, and a button press ends the wait', async () => {
    const ch = new RecordingChannel('announce-long');
    await ch.send('นี่รหัสผ่านนะคะ');
    const out = await ch.send('อ๋อ ไม่ต้องแล้วค่ะ ร้าน shopee หมดอายุ ต้องทำยังไงคะ');
    expect(out.map((m) => m.act)).toContain('answer:connection-expired');
    const pressed = new RecordingChannel('announce-press');
    await pressed.send('lazada ขึ้น PASSWORD_NOT_MATCH ค่ะ');
    await pressed.send('นี่รหัสผ่านนะคะ');
    expect((await pressed.press('feedback:yes')).map((m) => m.act)).toContain('resolved');
  });

  it('is what a channel stores: the bot hears the message as the conversation keeps it', async () => {
    const ch = new RecordingChannel('announce-hear');
    const turn = { channel: 'test' as const, conversationId: 'announce-hear', userId: 'u1', kind: 'message' as const, at: new Date(ch.clock).toISOString() };
    expect(await ch.bot.hear({ ...turn, text: 'sunflowerbaby' })).toBe('sunflowerbaby');
    await ch.send('นี่รหัสผ่านนะคะ');
    expect(await ch.bot.hear({ ...turn, text: 'sunflowerbaby' })).toBe('[password removed]');
  });
});
