import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { ZodError } from 'zod';
import {
  LANGUAGES,
  lexiconSchema,
  outOfScopeSchema,
  PLACEHOLDER,
  PLACEHOLDERS,
  repliesSchema,
  topicSchema,
  type Lexicon,
  type OutOfScope,
  type Replies,
  type Topic,
} from './schema';

/** The nine topics of the source article; other systems and the evaluation rely on these ids. */
export const REQUIRED_TOPIC_IDS = [
  'platforms-supported',
  'connection-expired',
  'shopee-identity-verification',
  'store-nickname-duplicate',
  'lazada-internal-data-error',
  'lazada-password-not-match',
  'store-bound-other-account',
  'shopee-otp-not-received',
  'contact-support',
] as const;

const KNOWN_PLACEHOLDERS: ReadonlySet<string> = new Set(PLACEHOLDERS);

/**
 * What is wrong with the placeholders of one field: unknown names, stray braces, and any
 * placeholder at all in a field that is not filled (title, label: they are shown elsewhere too,
 * on buttons and in the hand-over mail; symptoms are what sellers type).
 */
function placeholderProblems(text: string, filled: boolean): string[] {
  const problems: string[] = [];
  for (const [whole, name] of text.matchAll(PLACEHOLDER)) {
    if (!filled) problems.push(`${whole} cannot be used here (placeholders are filled only in steps, notes, menuPath and image captions)`);
    else if (!KNOWN_PLACEHOLDERS.has(name!)) problems.push(`unknown placeholder ${whole} (known: ${PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')})`);
  }
  if (/\{\{|\}\}/.test(text.replace(PLACEHOLDER, ''))) problems.push('a placeholder is written {{name}}: unmatched {{ or }}');
  return problems;
}

function topicPlaceholderProblems(t: Topic, where: string): string[] {
  const problems: string[] = [];
  const check = (field: string, text: string | undefined, filled: boolean) => {
    if (text !== undefined) for (const p of placeholderProblems(text, filled)) problems.push(`${where}: ${field}: ${p}`);
  };
  for (const lang of LANGUAGES) {
    const l = t[lang];
    check(`${lang}.title`, l.title, false);
    check(`${lang}.label`, l.label, false);
    l.symptoms.forEach((s, i) => check(`${lang}.symptoms[${i}]`, s, false));
    check(`${lang}.menuPath`, l.menuPath, true);
    l.steps.forEach((s, i) => check(`${lang}.steps[${i}]`, s, true));
    l.notes.forEach((n, i) => check(`${lang}.notes[${i}]`, n, true));
    l.images.forEach((img, i) => check(`${lang}.images[${i}].caption`, img.caption, true));
  }
  t.errorAliases.forEach((a, i) => check(`errorAliases[${i}]`, a, false));
  return problems;
}

/** A phrasing under two acts could only ever be read as the first: say which. */
function replyProblems(replies: Replies, file: string): string[] {
  const problems: string[] = [];
  const owner = new Map<string, string>();
  for (const [act, byLang] of Object.entries(replies.acts)) {
    for (const lang of LANGUAGES) {
      for (const p of byLang[lang]) {
        const key = p.toLowerCase();
        const first = owner.get(key);
        if (first && first !== act) problems.push(`${file}: acts.${act}.${lang}: "${p}" is already a phrasing of ${first}`);
        else owner.set(key, act);
      }
    }
  }
  return problems;
}

export interface KnowledgeBase {
  topics: Topic[];
  lexicon: Lexicon;
  outOfScope: OutOfScope;
  /** How sellers answer the bot's questions (replies.yaml); empty without the file. */
  replies: Replies;
  byId: Map<string, Topic>;
}

export class KnowledgeError extends Error {
  constructor(readonly problems: string[]) {
    super(`The knowledge base has ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

function fieldPath(p: (string | number)[]): string {
  return p.reduce<string>((acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${k}` : k), '') || '(file)';
}

function describe(file: string, err: ZodError): string[] {
  return err.issues.map((i) => `${file}: ${fieldPath(i.path)}: ${i.message}`);
}

function readYaml(file: string, display: string, problems: string[]): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    problems.push(`${display}: cannot be read (${(e as Error).message})`);
    return undefined;
  }
  const doc = YAML.parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) problems.push(`${display}: YAML error: ${e.message.split('\n')[0]}`);
    return undefined;
  }
  return doc.toJS();
}

/**
 * Reads and validates knowledge/: lexicon.yaml and one YAML file per topic under topics/.
 * Every problem is collected (not only the first) so a support agent fixes them in one go.
 */
export function loadKnowledge(dir: string): KnowledgeBase {
  const problems: string[] = [];
  const rel = (f: string) => path.relative(process.cwd(), f) || f;

  const lexiconFile = path.join(dir, 'lexicon.yaml');
  const rawLexicon = readYaml(lexiconFile, rel(lexiconFile), problems);
  let lexicon: Lexicon | undefined;
  if (rawLexicon !== undefined) {
    const r = lexiconSchema.safeParse(rawLexicon);
    if (r.success) lexicon = r.data;
    else problems.push(...describe(rel(lexiconFile), r.error));
  }

  // Optional: without it the matcher only has its thresholds to refuse unrelated questions.
  let outOfScope: OutOfScope = { th: [], en: [] };
  const oosFile = path.join(dir, 'out-of-scope.yaml');
  if (fs.existsSync(oosFile)) {
    const raw = readYaml(oosFile, rel(oosFile), problems);
    if (raw !== undefined) {
      const r = outOfScopeSchema.safeParse(raw);
      if (r.success) outOfScope = r.data;
      else problems.push(...describe(rel(oosFile), r.error));
    }
  }

  let replies: Replies = { ignore: { th: [], en: [] }, acts: {} };
  const repliesFile = path.join(dir, 'replies.yaml');
  if (fs.existsSync(repliesFile)) {
    const raw = readYaml(repliesFile, rel(repliesFile), problems);
    if (raw !== undefined) {
      const r = repliesSchema.safeParse(raw);
      if (r.success) {
        replies = r.data;
        problems.push(...replyProblems(replies, rel(repliesFile)));
      } else problems.push(...describe(rel(repliesFile), r.error));
    }
  }

  const topicsDir = path.join(dir, 'topics');
  let files: string[] = [];
  try {
    files = fs.readdirSync(topicsDir).filter((f) => /\.ya?ml$/.test(f)).sort();
  } catch {
    problems.push(`${rel(topicsDir)}: folder missing`);
  }

  const topics: Topic[] = [];
  const fileOf = new Map<string, string>();
  // Ids of files that failed validation: already reported, so not "unknown" to other files.
  const brokenIds = new Set<string>();
  for (const f of files) {
    const full = path.join(topicsDir, f);
    const raw = readYaml(full, rel(full), problems);
    if (raw === undefined) continue;
    const r = topicSchema.safeParse(raw);
    if (!r.success) {
      problems.push(...describe(rel(full), r.error));
      const id = (raw as { id?: unknown } | null)?.id;
      brokenIds.add(typeof id === 'string' ? id : f.replace(/\.ya?ml$/, ''));
      continue;
    }
    const t = r.data;
    const expected = f.replace(/\.ya?ml$/, '');
    if (t.id !== expected) problems.push(`${rel(full)}: id: "${t.id}" must match the file name "${expected}"`);
    const dup = fileOf.get(t.id);
    if (dup) {
      problems.push(`${rel(full)}: id: "${t.id}" is already used by ${dup}`);
      continue;
    }
    fileOf.set(t.id, rel(full));
    topics.push(t);
  }

  const byId = new Map(topics.map((t) => [t.id, t]));
  // Two topics with one button label could not be told apart in "did you mean".
  const labelOwner = new Map<string, string>();
  for (const t of topics) {
    const where = fileOf.get(t.id);
    for (const lang of LANGUAGES) {
      const label = t[lang].label?.toLowerCase();
      if (label === undefined) continue;
      const owner = labelOwner.get(`${lang}:${label}`);
      if (owner) problems.push(`${where}: ${lang}.label: "${t[lang].label}" is already the label of ${owner}; buttons must differ`);
      else labelOwner.set(`${lang}:${label}`, t.id);
    }
    t.related.forEach((r, i) => {
      if (!byId.has(r) && !brokenIds.has(r)) problems.push(`${where}: related[${i}]: unknown topic id "${r}"`);
      if (r === t.id) problems.push(`${where}: related[${i}]: a topic cannot be related to itself`);
    });
    if (t.specialises !== undefined && !byId.has(t.specialises) && !brokenIds.has(t.specialises)) {
      problems.push(`${where}: specialises: unknown topic id "${t.specialises}"`);
    }
    const { support } = t;
    if (support.afterStep !== undefined && support.afterStep > Math.min(t.th.steps.length, t.en.steps.length)) {
      problems.push(`${where}: support.afterStep: ${support.afterStep} is past the last step`);
    }
    if (t.th.steps.length !== t.en.steps.length) {
      problems.push(`${where}: steps: th has ${t.th.steps.length} steps but en has ${t.en.steps.length}; keep the languages in step`);
    }
    problems.push(...topicPlaceholderProblems(t, where ?? t.id));
  }
  if (files.length > 0) {
    for (const id of REQUIRED_TOPIC_IDS) {
      if (!byId.has(id) && !brokenIds.has(id)) {
        problems.push(`${rel(topicsDir)}: topic "${id}" is required (file ${id}.yaml)`);
      }
    }
  }

  if (problems.length > 0 || !lexicon) throw new KnowledgeError(problems);
  return { topics, lexicon, outOfScope, replies, byId };
}
