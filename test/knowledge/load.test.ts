import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { KnowledgeError, loadKnowledge, REQUIRED_TOPIC_IDS } from '../../src/knowledge/load';

const REAL = path.resolve(__dirname, '../../knowledge');

/** A copy of the real knowledge base in a temp folder, to break on purpose. */
function copyKb(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-'));
  fs.cpSync(REAL, dir, { recursive: true });
  return dir;
}

function edit(dir: string, id: string, change: (doc: Record<string, any>) => void): void {
  const file = path.join(dir, 'topics', `${id}.yaml`);
  const doc = YAML.parse(fs.readFileSync(file, 'utf8'));
  change(doc);
  fs.writeFileSync(file, YAML.stringify(doc));
}

function problems(dir: string): string[] {
  try {
    loadKnowledge(dir);
  } catch (e) {
    if (e instanceof KnowledgeError) return e.problems;
    throw e;
  }
  throw new Error('expected the knowledge base to be rejected');
}

describe('knowledge base', () => {
  it('loads the real knowledge base with every required topic in both languages', () => {
    const kb = loadKnowledge(REAL);
    for (const id of REQUIRED_TOPIC_IDS) expect(kb.byId.has(id)).toBe(true);
    for (const t of kb.topics) {
      expect(t.th.symptoms.length).toBeGreaterThanOrEqual(5);
      expect(t.en.symptoms.length).toBeGreaterThanOrEqual(5);
      expect(t.sources.length).toBeGreaterThan(0);
    }
  });

  it('never asks the seller to send a password', () => {
    const kb = loadKnowledge(REAL);
    for (const t of kb.topics) {
      const sentences = [...t.th.steps, ...t.en.steps, ...t.th.notes, ...t.en.notes].flatMap((x) => x.split(/[.!?]\s+|\s{2,}/));
      for (const sentence of sentences) {
        // Warnings ("never type a password in this chat") are welcome; requests are not.
        if (/\b(never|do not|don't)\b|ห้าม|อย่า|ไม่ต้อง|ไม่ควร/i.test(sentence)) continue;
        expect(sentence).not.toMatch(/\b(send|provide|give|type|enter|share)\b.*\bpassword\b.*\b(support|us|chat|team)\b/i);
        expect(sentence).not.toMatch(/(ส่ง|ระบุ|แจ้ง).*รหัสผ่าน.*(ฝ่าย|เจ้าหน้าที่|ซัพพอร์ต|แชท)/);
      }
    }
    expect(kb.byId.get('lazada-internal-data-error')!.support.needsAccountCredentials).toBe(true);
  });

  it('names the file and the field of a broken entry', () => {
    const dir = copyKb();
    edit(dir, 'store-nickname-duplicate', (d) => {
      d.th.steps = [];
      d.platforms = ['myspace'];
    });
    const p = problems(dir);
    expect(p).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/topics\/store-nickname-duplicate\.yaml: th\.steps: needs at least one step/),
        expect.stringMatching(/topics\/store-nickname-duplicate\.yaml: platforms\[0\]: Invalid enum value/),
      ]),
    );
  });

  it('refuses a button label LINE would cut, or one another topic already has', () => {
    const dir = copyKb();
    edit(dir, 'store-nickname-duplicate', (d) => (d.en.label = 'The store nickname is already in use'));
    edit(dir, 'lazada-password-not-match', (d) => (d.th.label = 'INTERNAL_DATA_ERROR'));
    expect(problems(dir)).toEqual([
      expect.stringMatching(/topics\/store-nickname-duplicate\.yaml: en\.label: at most 20 characters/),
      expect.stringMatching(/topics\/lazada-password-not-match\.yaml: th\.label: "INTERNAL_DATA_ERROR" is already the label of lazada-internal-data-error; buttons must differ/),
    ]);
  });

  it('rejects a missing language version', () => {
    const dir = copyKb();
    edit(dir, 'contact-support', (d) => delete d.en);
    expect(problems(dir)).toEqual([expect.stringMatching(/contact-support\.yaml: en: Required/)]);
  });

  it('rejects duplicate ids and unknown related ids', () => {
    const dir = copyKb();
    fs.copyFileSync(path.join(dir, 'topics', 'contact-support.yaml'), path.join(dir, 'topics', 'contact-support-copy.yaml'));
    edit(dir, 'connection-expired', (d) => d.related.push('no-such-topic'));
    const p = problems(dir);
    expect(p).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/contact-support-copy\.yaml: id: "contact-support" must match the file name/),
        expect.stringMatching(/contact-support(-copy)?\.yaml: id: "contact-support" is already used by .*contact-support/),
        expect.stringMatching(/connection-expired\.yaml: related\[\d+\]: unknown topic id "no-such-topic"/),
      ]),
    );
  });

  it('reports YAML syntax errors and unknown keys with the file name', () => {
    const dir = copyKb();
    fs.writeFileSync(path.join(dir, 'topics', 'broken.yaml'), 'id: broken\nth: [unclosed\n');
    edit(dir, 'platforms-supported', (d) => (d.tittle = 'typo'));
    const p = problems(dir);
    expect(p).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/topics\/broken\.yaml: YAML error/),
        expect.stringMatching(/platforms-supported\.yaml: \(file\): Unrecognized key\(s\) in object: 'tittle'/),
      ]),
    );
  });

  it('accepts the known placeholder {{supportEmail}} and names the file and field of an unknown or misplaced one', () => {
    const real = loadKnowledge(REAL).byId.get('contact-support')!;
    for (const lang of ['th', 'en'] as const) {
      expect(real[lang].steps.join('\n')).toContain('{{supportEmail}}');
      expect(real[lang].steps.join('\n')).not.toContain('support@bigseller.com');
    }

    const dir = copyKb();
    edit(dir, 'contact-support', (d) => {
      d.en.steps[1] = 'Write to {{foo}}.';
      d.en.notes.push('Or to {{ supportEmail }}, or {{supportEmail.');
      d.th.title = 'ติดต่อ {{supportEmail}}';
    });
    // A known one is accepted in any field that is filled (here a menu path, spaces inside the braces).
    edit(dir, 'connection-expired', (d) => (d.th.menuPath = 'BigSeller > {{ supportEmail }}'));
    expect(problems(dir)).toEqual([
      expect.stringMatching(/topics\/contact-support\.yaml: th\.title: \{\{supportEmail\}\} cannot be used here/),
      expect.stringMatching(/topics\/contact-support\.yaml: en\.steps\[1\]: unknown placeholder \{\{foo\}\} \(known: \{\{supportEmail\}\}\)/),
      expect.stringMatching(/topics\/contact-support\.yaml: en\.notes\[\d+\]: a placeholder is written \{\{name\}\}: unmatched \{\{ or \}\}/),
    ]);
  });

  it('requires the nine topics of the source article', () => {
    const dir = copyKb();
    fs.rmSync(path.join(dir, 'topics', 'shopee-otp-not-received.yaml'));
    expect(problems(dir)).toEqual(expect.arrayContaining([expect.stringMatching(/topic "shopee-otp-not-received" is required/)]));
  });
});

describe('replies.yaml', () => {
  function editReplies(dir: string, change: (doc: Record<string, any>) => void): void {
    const file = path.join(dir, 'replies.yaml');
    const doc = YAML.parse(fs.readFileSync(file, 'utf8'));
    change(doc);
    fs.writeFileSync(file, YAML.stringify(doc));
  }

  it('reports a phrasing under two acts or two cues, a cue with an empty part, and an unknown cue', () => {
    const dir = copyKb();
    editReplies(dir, (doc) => {
      doc.acts.no.en.push('skip');
      doc.cues.tried.en.push('not working');
      doc.cues['check-stores'].en.push('check …');
    });
    const found = problems(dir).join('\n');
    expect(found).toContain('acts.skip.en: "skip" is already a phrasing of no');
    expect(found).toContain('cues.tried.en: "not working" is already a phrasing of not-fixed');
    expect(found).toContain('cues.check-stores.en: "check …" has an empty part');

    const unknown = copyKb();
    editReplies(unknown, (doc) => {
      doc.cues.maybe = { th: [], en: ['perhaps'] };
    });
    expect(problems(unknown).join('\n')).toMatch(/replies\.yaml.*maybe/);
  });
});
