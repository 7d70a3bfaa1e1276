import type { Choice, OutMessage } from '../../../src/conversation/messages';
import { LIMITS, renderPlain, renderReply, shortenLabel, splitText, truncateText } from '../../../src/channels/line/render';
import { lineLimitProblems } from './fake-line-api';

const graphemes = (s: string) => Array.from(new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(s)).length;
const choices = (n: number, label = (i: number) => `Choice ${i + 1}`): Choice[] => Array.from({ length: n }, (_, i) => ({ label: label(i), action: `pick:${i + 1}` }));

describe('LINE rendering', () => {
  it('puts the offer as postback quick replies on the last message, merging consecutive texts', () => {
    const batches = renderReply([
      { type: 'text', act: 'small-talk', text: 'Hello' },
      { type: 'choices', act: 'small-talk', text: 'Pick one:', choices: [{ label: 'Store expired', action: 'topic:connection-expired' }] },
    ]);
    expect(batches).toEqual([
      [
        {
          type: 'text',
          text: 'Hello\n\nPick one:',
          quickReply: {
            items: [
              { type: 'action', action: { type: 'postback', label: 'Store expired', data: 'topic:connection-expired', displayText: 'Store expired' } },
            ],
          },
        },
      ],
    ]);
  });

  it('a link is a button that opens it (its label in the alt text); a URL LINE cannot open from a button stays text', () => {
    const url = 'https://bot.example.com/sandbox/line-login?linkToken=LT1';
    const [batch] = renderReply([
      { type: 'text', act: 'small-talk', text: 'Tap the button to sign in.' },
      { type: 'link', act: 'small-talk', label: 'เชื่อมบัญชีของฉัน', url },
    ]);
    expect(batch).toHaveLength(2);
    expect(batch[1]).toMatchObject({ type: 'flex', altText: 'เชื่อมบัญชีของฉัน' });
    expect(JSON.stringify(batch[1])).toContain(JSON.stringify({ type: 'uri', label: 'เชื่อมบัญชีของฉัน', uri: url }));
    expect(lineLimitProblems(batch)).toEqual([]);
    for (const odd of ['ftp://example.com/x', `https://example.com/${'x'.repeat(1000)}`]) {
      const [only] = renderReply([{ type: 'link', act: 'small-talk', label: 'Open', url: odd }]);
      expect(only).toEqual([{ type: 'text', text: expect.stringContaining(odd) }]);
    }
  });

  it('keeps the quick reply on the very last message even when the offer is not last', () => {
    const [batch] = renderReply([
      { type: 'choices', act: 'small-talk', text: 'Pick:', choices: choices(2) },
      { type: 'steps', act: 'answer:test', title: 'T', steps: ['a'], notes: [], images: [] },
    ]);
    expect(batch).toHaveLength(2);
    expect(batch[0]).not.toHaveProperty('quickReply');
    expect(batch[1].type).toBe('flex');
    expect(batch[1].quickReply?.items).toHaveLength(2);
  });

  it('shows only the last offer as quick replies; an earlier one stays pressable as buttons', () => {
    const [batch] = renderReply([
      { type: 'choices', act: 'small-talk', text: 'First question', choices: choices(2) },
      { type: 'choices', act: 'small-talk', text: 'Second question', choices: [{ label: 'Yes', action: 'feedback:yes' }] },
    ]);
    expect(batch).toHaveLength(2);
    const bubble = batch[0] as any;
    expect(bubble.type).toBe('flex');
    expect(bubble.contents.footer.contents.map((b: any) => b.action.data)).toEqual(['pick:1', 'pick:2']);
    expect((batch[1] as any).quickReply.items.map((i: any) => i.action.data)).toEqual(['feedback:yes']);
  });

  it('offers at most 13 quick replies and lists every choice as numbered text for the rest', () => {
    const [batch] = renderReply([{ type: 'choices', act: 'small-talk', text: 'Which platform?', choices: choices(15) }], { choiceHint: 'Reply with the number.' });
    const msg = batch[0] as any;
    expect(msg.quickReply.items).toHaveLength(13);
    expect(msg.quickReply.items[12].action.data).toBe('pick:13');
    expect(msg.text).toContain('Which platform?');
    expect(msg.text).toContain('14. Choice 14');
    expect(msg.text).toContain('15. Choice 15');
    expect(msg.text.endsWith('Reply with the number.')).toBe(true);
    expect(lineLimitProblems(batch)).toEqual([]);
  });

  it('shortens long labels to 20 graphemes at a word boundary, keeping the full label as displayText', () => {
    const long = 'Connect my TikTok Shop store again please';
    const [[msg]] = renderReply([{ type: 'choices', act: 'small-talk', text: 'Q', choices: [{ label: long, action: 'a' }] }]);
    const action = (msg as any).quickReply.items[0].action;
    expect(action.label).toBe('Connect my TikTok…');
    expect(graphemes(action.label)).toBeLessThanOrEqual(20);
    expect(action.displayText).toBe(long);
  });

  it("uses a choice's short label on the button and its full label as what the seller said; labels cut alike are numbered", () => {
    const title = (code: string) => `เชื่อมต่อร้าน Lazada แล้วขึ้น ${code}`;
    const [[msg]] = renderReply([
      { type: 'choices', act: 'small-talk', text: 'Q', choices: [{ label: title('INTERNAL_DATA_ERROR'), short: 'INTERNAL_DATA_ERROR', action: 'topic:a' }] },
    ]);
    const action = (msg as any).quickReply.items[0].action;
    expect([action.label, action.displayText]).toEqual(['INTERNAL_DATA_ERROR', title('INTERNAL_DATA_ERROR')]);

    // Without short labels both titles cut to "เชื่อมต่อร้าน Lazada…": the seller could not tell them apart.
    const twins = [title('INTERNAL_DATA_ERROR'), title('PASSWORD_NOT_MATCH')].map((label, i) => ({ label, action: `topic:${i}` }));
    for (const offer of [
      renderReply([{ type: 'choices', act: 'small-talk', text: 'Q', choices: [...twins, { label: 'ไม่ใช่ทั้งหมด', action: 'none' }] }])[0][0] as any,
      renderReply([{ type: 'card', act: 'small-talk', title: 'T', choices: twins }, { type: 'text', act: 'small-talk', text: 'after' }])[0][0] as any,
    ]) {
      const actions = offer.quickReply?.items.map((i: any) => i.action) ?? offer.contents.footer.contents.map((b: any) => b.action);
      const labels = actions.map((a: any) => a.label);
      expect(new Set(labels).size).toBe(labels.length);
      expect(labels[0]).toMatch(/^1\. /);
      expect(labels[1]).toMatch(/^2\. /);
      for (const l of labels) expect(graphemes(l)).toBeLessThanOrEqual(20);
    }
  });

  it('counts Thai labels in grapheme clusters and cuts them between words', () => {
    // 20 graphemes fit although the string is longer in UTF-16 units (vowel and tone marks).
    const fits = 'ไม่ได้รับ OTP Shopee';
    expect(shortenLabel(fits)).toBe(fits);
    const long = 'ร้านค้าหมดอายุการเชื่อมต่อและวิธีเชื่อมต่อใหม่';
    const short = shortenLabel(long);
    expect(graphemes(short)).toBeLessThanOrEqual(20);
    expect(short.endsWith('…')).toBe(true);
    expect(long.startsWith(short.slice(0, -1))).toBe(true);
    // the cut falls between Thai words, not inside one
    const words = Array.from(new Intl.Segmenter('th', { granularity: 'word' }).segment(long), (s) => s.index);
    expect(words).toContain(short.length - 1);
    // one very long word is cut mid-word rather than dropped
    expect(shortenLabel('INTERNAL_DATA_ERROR_FROM_LAZADA_API')).toBe('INTERNAL_DATA_ERROR…');
  });

  it('gives a label it has shortened before the same answer, for each length asked', () => {
    const long = 'ร้านค้าหมดอายุการเชื่อมต่อและวิธีเชื่อมต่อใหม่';
    const at20 = shortenLabel(long);
    const at10 = shortenLabel(long, 10);
    expect(graphemes(at10)).toBeLessThanOrEqual(10);
    expect(at10).not.toBe(at20);
    expect(shortenLabel(long)).toBe(at20);
    expect(shortenLabel(long, 10)).toBe(at10);
  });

  it('sends an action longer than 300 characters as the choice number, which the core maps back', () => {
    const [[msg]] = renderReply([{ type: 'choices', act: 'small-talk', text: 'Q', choices: [{ label: 'A', action: 'a' }, { label: 'B', action: `x:${'y'.repeat(400)}` }] }]);
    const items = (msg as any).quickReply.items;
    expect(items[0].action).toMatchObject({ type: 'postback', data: 'a' });
    expect(items[1].action).toEqual({ type: 'message', label: 'B', text: '2' });
    expect(lineLimitProblems([msg])).toEqual([]);
  });

  it('renders steps as a flex bubble: bold title, menu path, numbered steps, grey notes, captions', () => {
    const [[msg]] = renderReply([
      {
        type: 'steps',
        act: 'answer:test',
        title: 'Reconnect the store',
        menuPath: 'Settings > Stores',
        steps: ['Open Stores', 'Press Reconnect'],
        notes: ['Takes a minute'],
        images: [{ caption: 'The Reconnect icon' }, { caption: 'Screen', url: 'https://img.example.com/a.png' }, { caption: 'Old', url: 'http://img.example.com/b.png' }],
      },
    ]);
    const m = msg as any;
    expect(m.type).toBe('flex');
    expect(m.altText).toBe('Reconnect the store');
    const body = m.contents.body.contents;
    expect(body[0]).toMatchObject({ type: 'text', text: 'Reconnect the store', weight: 'bold', wrap: true });
    expect(body[1]).toMatchObject({ type: 'text', text: 'Settings > Stores' });
    const steps = body.filter((c: any) => c.type === 'box').map((b: any) => b.contents.map((x: any) => x.text).join(' '));
    expect(steps).toEqual(['1. Open Stores', '2. Press Reconnect']);
    expect(body).toContainEqual(expect.objectContaining({ text: 'Takes a minute', size: 'xs', color: '#8C8C8C' }));
    expect(body).toContainEqual(expect.objectContaining({ text: '🖼 The Reconnect icon' }));
    // only the HTTPS picture becomes an image; the http one stays a caption
    expect(body.filter((c: any) => c.type === 'image').map((c: any) => c.url)).toEqual(['https://img.example.com/a.png']);
    expect(body).toContainEqual(expect.objectContaining({ text: '🖼 Old' }));
  });

  it('never puts a URL (or the link token it carries) in a flex alt text: link, article, card or earlier offer', () => {
    const signIn = 'https://bot.example.com/sandbox/line-login?linkToken=LT-secret-123';
    const batches = renderReply([
      { type: 'text', act: 'small-talk', text: 'Tap the button to sign in.' },
      { type: 'link', act: 'small-talk', label: 'เชื่อมบัญชีของฉัน', url: signIn },
      {
        type: 'steps',
        act: 'answer:test',
        title: 'Reconnect at https://www.bigseller.com/web/setting/store?ref=abc',
        steps: ['Open https://www.bigseller.com/web/setting/store'],
        notes: [],
        images: [],
      },
      { type: 'steps', act: 'answer:test', title: 'ดูวิธีที่ http://help.bigseller.com/th/detail/3540 ค่ะ', steps: ['a'], notes: [], images: [] },
      { type: 'card', act: 'small-talk', title: 'Sign in: HTTPS://BOT.EXAMPLE.COM/x?token=T0K3N', choices: [{ label: 'OK', action: 'feedback:yes' }] },
      { type: 'choices', act: 'small-talk', text: 'More help (https://x.example/y) at www.bigseller.com/help', choices: choices(2) },
      { type: 'choices', act: 'small-talk', text: 'Did this fix it?', choices: choices(2) },
    ]);
    const flexes = batches.flat().filter((m) => m.type === 'flex') as { altText: string; contents: unknown }[];
    expect(flexes.map((m) => m.altText)).toEqual([
      'เชื่อมบัญชีของฉัน',
      'Reconnect at',
      'ดูวิธีที่ ค่ะ',
      'Sign in',
      'More help at',
    ]);
    for (const m of flexes) {
      expect(m.altText).not.toMatch(/https?:|:\/\/|www\.|linkToken|LT-secret|T0K3N/i);
      expect(m.altText.trim()).not.toBe('');
    }
    // The URLs stay where the seller sees them: on the button, in the bubble.
    expect(JSON.stringify(flexes[0]!.contents)).toContain(signIn);
    expect(JSON.stringify(flexes[1]!.contents)).toContain('https://www.bigseller.com/web/setting/store');
    // An alt text that was nothing but a URL is not left empty (LINE refuses that).
    const [[only]] = renderReply([{ type: 'steps', act: 'answer:test', title: 'https://example.com/a', steps: ['a'], notes: [], images: [] }]);
    expect((only as any).altText).toBe('…');
    for (const batch of batches) expect(lineLimitProblems(batch)).toEqual([]);
  });

  it('keeps flex altText within 400 characters', () => {
    const [[msg]] = renderReply([{ type: 'steps', act: 'answer:test', title: 'ก'.repeat(500), steps: ['a'], notes: [], images: [] }]);
    expect((msg as any).altText.length).toBeLessThanOrEqual(LIMITS.altTextLength);
    expect((msg as any).altText.endsWith('…')).toBe(true);
  });

  it('sends image messages only for HTTPS URLs; others become a caption text', () => {
    const [batch] = renderReply([
      { type: 'image', act: 'small-talk', caption: 'Secure', url: 'https://img.example.com/a.png' },
      { type: 'image', act: 'small-talk', caption: 'Plain', url: 'http://img.example.com/b.png' },
      { type: 'image', act: 'small-talk', caption: 'Odd', url: 'javascript:alert(1)' },
    ]);
    expect(batch).toEqual([
      { type: 'text', text: 'Secure' },
      { type: 'image', originalContentUrl: 'https://img.example.com/a.png', previewImageUrl: 'https://img.example.com/a.png' },
      { type: 'text', text: '🖼 Plain: http://img.example.com/b.png\n\n🖼 Odd' },
    ]);
  });

  it('sends at most 5 messages per request and the rest as further batches (pushes)', () => {
    const many: OutMessage[] = Array.from({ length: 7 }, (_, i) => ({ type: 'steps', act: 'answer:test', title: `T${i}`, steps: ['s'], notes: [], images: [] }));
    many.push({ type: 'choices', act: 'small-talk', text: 'Fixed?', choices: choices(2) });
    const batches = renderReply(many);
    expect(batches.map((b) => b.length)).toEqual([5, 3]);
    for (const b of batches) expect(lineLimitProblems(b)).toEqual([]);
    expect(batches[1][2]).toMatchObject({ type: 'text', text: 'Fixed?' });
    expect(batches[1][2].quickReply?.items).toHaveLength(2);
  });

  it('merges consecutive texts but never beyond 5,000 characters', () => {
    const a = 'a'.repeat(3000);
    const b = 'b'.repeat(3000);
    const [batch] = renderReply([
      { type: 'text', act: 'small-talk', text: a },
      { type: 'text', act: 'small-talk', text: b },
      { type: 'text', act: 'small-talk', text: 'c' },
    ]);
    expect(batch.map((m) => (m as any).text)).toEqual([a, `${b}\n\nc`]);
  });

  it('splits a long text on paragraph, then line boundaries, each piece at most 5,000', () => {
    const para = (ch: string) => `${ch.repeat(1500)}`;
    const text = [para('a'), para('b'), para('c'), para('d'), para('e')].join('\n\n');
    const pieces = splitText(text);
    expect(pieces).toEqual([[para('a'), para('b'), para('c')].join('\n\n'), [para('d'), para('e')].join('\n\n')]);
    const lines = Array.from({ length: 300 }, (_, i) => `line ${i} ${'x'.repeat(20)}`).join('\n');
    for (const p of splitText(lines)) {
      expect(p.length).toBeLessThanOrEqual(5000);
      expect(p.startsWith('line ')).toBe(true);
      expect(/x$/.test(p)).toBe(true);
    }
    expect(splitText(lines).join('\n')).toBe(lines);
  });

  it('splits Thai text without spaces between words, not inside a word or a character', () => {
    const sentence = 'ร้านค้าหมดอายุการเชื่อมต่อกรุณาเชื่อมต่อใหม่อีกครั้ง';
    const text = sentence.repeat(Math.ceil(12000 / sentence.length));
    const pieces = splitText(text);
    expect(pieces.length).toBeGreaterThan(2);
    expect(pieces.join('')).toBe(text);
    const boundaries = new Set(Array.from(new Intl.Segmenter('th', { granularity: 'word' }).segment(text), (s) => s.index));
    let at = 0;
    for (const p of pieces.slice(0, -1)) {
      expect(p.length).toBeLessThanOrEqual(5000);
      at += p.length;
      expect(boundaries.has(at)).toBe(true);
    }
    const [batch] = renderReply([{ type: 'text', act: 'small-talk', text }]);
    expect(lineLimitProblems(batch)).toEqual([]);
  });

  it('truncates on grapheme boundaries', () => {
    expect(truncateText('abc', 5)).toBe('abc');
    const cut = truncateText('👍'.repeat(10), 7);
    expect(cut).toBe('👍👍👍…');
  });

  it('renders a card as a flex bubble with postback buttons', () => {
    const [[msg]] = renderReply([{ type: 'card', act: 'small-talk', title: 'Summary', text: 'Reply to: a@b.co', choices: [{ label: 'Send', action: 'handover:confirm' }] }]);
    const m = msg as any;
    expect(m.type).toBe('flex');
    expect(m.altText).toBe('Summary');
    expect(m.contents.body.contents.map((c: any) => c.text)).toEqual(['Summary', 'Reply to: a@b.co']);
    expect(m.contents.footer.contents[0]).toMatchObject({ type: 'button', action: { type: 'postback', label: 'Send', data: 'handover:confirm', displayText: 'Send' } });
  });

  it('falls back to plain numbered text without any rich element', () => {
    const batches = renderPlain(
      [
        { type: 'steps', act: 'answer:test', title: 'T', steps: ['a', 'b'], notes: [], images: [] },
        { type: 'choices', act: 'small-talk', text: 'Fixed?', choices: choices(2) },
      ],
      { choiceHint: 'Reply with the number.' },
    );
    expect(batches).toEqual([[{ type: 'text', text: 'T\n1. a\n2. b\n\nFixed?\n1. Choice 1\n2. Choice 2\nReply with the number.' }]]);
  });
});
