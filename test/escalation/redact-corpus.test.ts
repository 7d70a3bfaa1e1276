import fs from 'node:fs';
import path from 'node:path';
import { MASK, redact, redactMessage, type SecretKind } from '../../src/escalation/redact';

/**
 * The two corpora beside this file: what must stay readable (readable-corpus.txt) and what must
 * be hidden (secret-corpus.txt). One text per line, "##" lines are section titles whose [tags]
 * apply to the lines below them.
 */
interface Line {
  text: string;
  tags: string[];
  lineNo: number;
}

function corpus(file: string): Line[] {
  const lines: Line[] = [];
  let tags: string[] = [];
  fs.readFileSync(path.join(__dirname, file), 'utf8')
    .split('\n')
    .forEach((raw, i) => {
      const text = raw.replace(/\r$/, '');
      if (text.startsWith('##')) {
        // A title line starts a section; the notes at the top carry no tags.
        tags = [...text.matchAll(/\[([a-z ]+)\]/g)].map((m) => m[1]!);
        return;
      }
      if (text.trim() === '') return;
      lines.push({ text, tags, lineNo: i + 1 });
    });
  return lines;
}

const changed = (lines: Line[], fn: (s: string) => { text: string; kinds: SecretKind[] }) =>
  lines
    .map((l) => ({ l, r: fn(l.text) }))
    .filter(({ l, r }) => r.text !== l.text || r.kinds.length > 0)
    .map(({ l, r }) => `line ${l.lineNo}: ${JSON.stringify(l.text)} -> ${JSON.stringify(r.text)}`);

describe('the readable corpus', () => {
  const lines = corpus('readable-corpus.txt');

  it('is big enough to mean something', () => {
    expect(lines.length).toBeGreaterThanOrEqual(150);
  });

  it('comes out of redact() unchanged, every line', () => {
    expect(changed(lines, redact)).toEqual([]);
  });

  it('comes out of redactMessage() unchanged, every line a seller could send alone', () => {
    expect(changed(lines.filter((l) => !l.tags.includes('field')), redactMessage)).toEqual([]);
  });

  it('keeps whole stack traces readable, as the logger receives them', () => {
    const section = lines.filter((l) => l.tags.includes('field') && /^(?:\w*Error:|\s+at )/.test(l.text)).map((l) => l.text);
    expect(section.length).toBeGreaterThan(5);
    const stack = section.join('\n');
    expect(redact(stack)).toEqual({ text: stack, kinds: [] });
    // A real one: this file's and jest's own frames.
    const real = new Error('connect ECONNREFUSED 127.0.0.1:6379').stack!;
    expect(real.split('\n').length).toBeGreaterThan(3);
    expect(redact(real)).toEqual({ text: real, kinds: [] });
  });
});

describe('the secret corpus', () => {
  const lines = corpus('secret-corpus.txt');
  const cases = lines.map((l) => {
    const secrets = [...l.text.matchAll(/«([^»]+)»/g)].map((m) => m[1]!);
    const kind: SecretKind = l.tags.includes('otp') ? 'otp' : l.tags.includes('token') ? 'token' : 'password';
    return { ...l, input: l.text.replace(/[«»]/g, ''), secrets, kind };
  });

  it('marks a secret on every line', () => {
    expect(cases.length).toBeGreaterThanOrEqual(80);
    expect(cases.filter((c) => c.secrets.length === 0).map((c) => c.text)).toEqual([]);
  });

  const missed = (fn: (s: string) => { text: string; kinds: SecretKind[] }, which: typeof cases) =>
    which
      .map((c) => ({ c, r: fn(c.input) }))
      .filter(({ c, r }) => !r.kinds.includes(c.kind) || c.secrets.some((s) => r.text.includes(s)) || !r.text.includes(MASK[c.kind]))
      .map(({ c, r }) => `line ${c.lineNo}: ${JSON.stringify(c.input)} -> ${JSON.stringify(r.text)} ${JSON.stringify(r.kinds)}`);

  it('is hidden by redactMessage(), every line', () => {
    expect(missed(redactMessage, cases)).toEqual([]);
  });

  it('is hidden by redact() too, except what only a whole message tells', () => {
    expect(missed(redact, cases.filter((c) => !c.tags.includes('message')))).toEqual([]);
  });

  it('keeps the words around the secret', () => {
    // The label, the login and the rest of the sentence are what support reads: only the secret goes.
    const mangled = cases
      .filter((c) => !/[{'"=]/.test(c.input))
      .map((c) => ({ c, out: redactMessage(c.input).text }))
      .filter(({ c, out }) => {
        const parts = c.text.split(/«[^»]+»/);
        return parts.some((p) => p.trim() !== '' && !out.includes(p.trim()));
      })
      .map(({ c, out }) => `line ${c.lineNo}: ${JSON.stringify(c.input)} -> ${JSON.stringify(out)}`);
    expect(mangled).toEqual([]);
  });
});
