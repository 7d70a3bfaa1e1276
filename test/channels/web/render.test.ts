import type { OutMessage } from '../../../src/conversation/messages';
import { fromActivity, imageContentType, toActivities } from '../../../src/channels/web/render';

const ctx = { conversationId: 'c1', botId: 'bot', locale: 'th-TH' };
const one = (m: OutMessage, c: Parameters<typeof toActivities>[1] = ctx) => {
  const out = toActivities([m], c);
  expect(out).toHaveLength(1);
  return out[0] as Record<string, any>;
};

describe('toActivities', () => {
  it('renders every message as a bot message activity of the conversation, in order', () => {
    const out = toActivities(
      [
        { type: 'text', act: 'small-talk', text: 'หนึ่ง' },
        { type: 'text', act: 'small-talk', text: 'two' },
      ],
      ctx,
    );
    expect(out.map((a) => a.text)).toEqual(['หนึ่ง', 'two']);
    for (const a of out) {
      expect(a).toMatchObject({ type: 'message', from: { id: 'bot', name: 'BigSeller Help', role: 'bot' }, conversation: { id: 'c1' }, locale: 'th-TH' });
    }
    expect(toActivities([], ctx)).toEqual([]);
  });

  it('keeps text as plain text, untouched', () => {
    const a = one({ type: 'text', act: 'small-talk', text: 'ใส่ <b>รหัส</b> *ไม่* ต้อง_ครับ' });
    expect(a).toMatchObject({ text: 'ใส่ <b>รหัส</b> *ไม่* ต้อง_ครับ', textFormat: 'plain' });
  });

  it('renders steps as markdown for Web Chat and as structured channelData for the widget', () => {
    const steps: OutMessage = {
      type: 'steps',
      act: 'answer:test',
      title: 'ร้าน Shopee หมดอายุ',
      menuPath: 'ตั้งค่า > การอนุญาตร้านค้า',
      steps: ['กด "อนุญาตใหม่"', 'เข้าสู่ระบบ Shopee (Seller Centre)'],
      notes: ['อายุ 365 วัน'],
      images: [{ caption: 'ปุ่มอนุญาตใหม่' }, { caption: 'หน้าจอ', url: 'https://cdn.example.com/a b(1).png' }],
    };
    const a = one(steps);
    expect(a.textFormat).toBe('markdown');
    const text = a.text as string;
    expect(text).toContain('**ร้าน Shopee หมดอายุ**');
    expect(text).toContain('_ตั้งค่า \\> การอนุญาตร้านค้า_');
    expect(text).toContain('1. กด "อนุญาตใหม่"\n2. เข้าสู่ระบบ Shopee \\(Seller Centre\\)');
    expect(text).toContain('> อายุ 365 วัน');
    expect(text).toContain('🖼 ปุ่มอนุญาตใหม่');
    // The URL cannot end the markdown link early.
    expect(text).toContain('🖼 [หน้าจอ](https://cdn.example.com/a%20b%281%29.png)');
    // Title, path, steps, notes, images: in that order.
    const order = ['ร้าน Shopee', 'ตั้งค่า', '1. ', '> อายุ', 'ปุ่มอนุญาตใหม่', '[หน้าจอ]'].map((s) => text.indexOf(s));
    expect([...order].sort((x, y) => x - y)).toEqual(order);
    expect(a.channelData.steps).toEqual({
      title: 'ร้าน Shopee หมดอายุ',
      menuPath: 'ตั้งค่า > การอนุญาตร้านค้า',
      steps: ['กด "อนุญาตใหม่"', 'เข้าสู่ระบบ Shopee (Seller Centre)'],
      notes: ['อายุ 365 วัน'],
      images: [{ caption: 'ปุ่มอนุญาตใหม่' }, { caption: 'หน้าจอ', url: 'https://cdn.example.com/a b(1).png' }],
    });
  });

  it('escapes markdown in knowledge-base text so it shows as written', () => {
    const a = one({ type: 'steps', act: 'answer:test', title: '*bold* [x](javascript:alert(1))', steps: ['<img src=x onerror=alert(1)>'], notes: [], images: [] });
    expect(a.text).toContain('\\*bold\\* \\[x\\]\\(javascript:alert\\(1\\)\\)');
    expect(a.text).toContain('\\<img src=x onerror=alert\\(1\\)\\>');
    expect(a.channelData.steps.menuPath).toBeUndefined();
  });

  it('makes root-relative URLs absolute with the public base URL (the widget runs on other sites)', () => {
    const withBase = { ...ctx, baseUrl: 'https://bot.example.com/' };
    const steps = one({ type: 'steps', act: 'answer:test', title: 't', steps: ['s'], notes: [], images: [{ caption: 'c', url: '/img/a.png' }] }, withBase);
    expect(steps.channelData.steps.images[0].url).toBe('https://bot.example.com/img/a.png');
    expect(one({ type: 'image', act: 'small-talk', caption: 'c', url: '/img/a.png' }, withBase).attachments[0].contentUrl).toBe('https://bot.example.com/img/a.png');
    // Absolute and protocol-relative URLs are left alone.
    expect(one({ type: 'image', act: 'small-talk', caption: 'c', url: 'https://x.test/a.png' }, withBase).attachments[0].contentUrl).toBe('https://x.test/a.png');
    expect(one({ type: 'image', act: 'small-talk', caption: 'c', url: '//x.test/a.png' }, withBase).attachments[0].contentUrl).toBe('//x.test/a.png');
  });

  it('renders an image as an attachment typed by its extension', () => {
    expect(one({ type: 'image', act: 'small-talk', caption: 'หน้าจอ', url: 'https://x.test/s.JPG?v=2' }).attachments).toEqual([
      { contentType: 'image/jpeg', contentUrl: 'https://x.test/s.JPG?v=2', name: 'หน้าจอ' },
    ]);
    expect(imageContentType('https://x.test/a.png')).toBe('image/png');
    expect(imageContentType('https://x.test/a.webp#x')).toBe('image/webp');
    expect(imageContentType('https://x.test/picture')).toBe('image/*');
  });

  it('renders a link as a hero card with one openUrl button', () => {
    const a = one({ type: 'link', act: 'small-talk', label: 'เปิดศูนย์ช่วยเหลือ', url: 'https://help.example.com/x' });
    expect(a.attachments).toEqual([
      {
        contentType: 'application/vnd.microsoft.card.hero',
        content: { buttons: [{ type: 'openUrl', title: 'เปิดศูนย์ช่วยเหลือ', value: 'https://help.example.com/x' }] },
      },
    ]);
  });

  it('renders a card as a hero card whose buttons send the action back', () => {
    const a = one({ type: 'card', act: 'small-talk', title: 'ส่งเรื่อง', text: 'ให้ทีมซัพพอร์ต', choices: [{ label: 'ส่ง', action: 'handover:yes' }] });
    expect(a.attachments[0]).toEqual({
      contentType: 'application/vnd.microsoft.card.hero',
      content: { title: 'ส่งเรื่อง', text: 'ให้ทีมซัพพอร์ต', buttons: [{ type: 'messageBack', title: 'ส่ง', text: 'ส่ง', displayText: 'ส่ง', value: { action: 'handover:yes' } }] },
    });
    expect(one({ type: 'card', act: 'small-talk', title: 'no text', choices: [] }).attachments[0].content).toEqual({ title: 'no text', buttons: [] });
  });

  it('renders choices as text with messageBack suggested actions', () => {
    const a = one({
      type: 'choices',
      act: 'ask-feedback',
      text: 'แก้ได้หรือยังคะ?',
      choices: [
        { label: 'ได้แล้ว', action: 'feedback:yes' },
        { label: 'ยังไม่ได้', action: 'feedback:no' },
      ],
    });
    expect(a).toMatchObject({ text: 'แก้ได้หรือยังคะ?', textFormat: 'plain' });
    expect(a.suggestedActions).toEqual({
      actions: [
        { type: 'messageBack', title: 'ได้แล้ว', text: 'ได้แล้ว', displayText: 'ได้แล้ว', value: { action: 'feedback:yes' } },
        { type: 'messageBack', title: 'ยังไม่ได้', text: 'ยังไม่ได้', displayText: 'ยังไม่ได้', value: { action: 'feedback:no' } },
      ],
    });
  });

  it('leaves the locale out when there is none', () => {
    expect(one({ type: 'text', act: 'small-talk', text: 'x' }, { conversationId: 'c', botId: 'bot' })).not.toHaveProperty('locale');
  });
});

describe('fromActivity', () => {
  it('reads a button press from value.action and typed text from text', () => {
    expect(fromActivity({ text: 'ได้แล้ว', value: { action: 'feedback:yes' } })).toEqual({ text: 'ได้แล้ว', action: 'feedback:yes' });
    expect(fromActivity({ text: 'ร้าน shopee หมดอายุ' })).toEqual({ text: 'ร้าน shopee หมดอายุ' });
  });

  it('ignores values that are not our actions and text that is not a string', () => {
    expect(fromActivity({ text: 'hi', value: 'feedback:yes' })).toEqual({ text: 'hi' });
    expect(fromActivity({ text: 'hi', value: { action: 42 } })).toEqual({ text: 'hi' });
    expect(fromActivity({ text: 'hi', value: { action: '' } })).toEqual({ text: 'hi' });
    expect(fromActivity({ text: 'hi', value: { action: 'x'.repeat(301) } })).toEqual({ text: 'hi' });
    expect(fromActivity({ text: 12 })).toEqual({ text: undefined });
    expect(fromActivity({})).toEqual({ text: undefined });
  });

  it('round-trips a rendered button', () => {
    const [a] = toActivities([{ type: 'choices', act: 'small-talk', text: 'q', choices: [{ label: 'ใช่', action: 'feedback:yes' }] }], ctx) as Record<string, any>[];
    const button = a.suggestedActions.actions[0];
    expect(fromActivity({ type: 'message', text: button.text, value: button.value } as { text: unknown; value: unknown })).toEqual({ text: 'ใช่', action: 'feedback:yes' });
  });
});
