import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { ZodError, ZodType, ZodTypeDef } from 'zod';
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
  return [...repeatedPhrasings(replies.acts, 'acts', file), ...repeatedPhrasings(replies.cues ?? {}, 'cues', file), ...emptyCueParts(replies, file)];
}

function repeatedPhrasings(section: Partial<Record<string, Replies['ignore']>>, name: string, file: string): string[] {
  const problems: string[] = [];
  const owner = new Map<string, string>();
  for (const [act, byLang] of Object.entries(section)) {
    for (const lang of LANGUAGES) {
      for (const p of byLang?.[lang] ?? []) {
        const key = p.toLowerCase();
        const first = owner.get(key);
        if (first && first !== act) problems.push(`${file}: ${name}.${act}.${lang}: "${p}" is already a phrasing of ${first}`);
        else owner.set(key, act);
      }
    }
  }
  return problems;
}

/** "check …" or "… status": a part of nothing could never be found where it stands. */
function emptyCueParts(replies: Replies, file: string): string[] {
  const problems: string[] = [];
  for (const [cue, byLang] of Object.entries(replies.cues ?? {})) {
    for (const lang of LANGUAGES) {
      for (const p of byLang?.[lang] ?? []) {
        if (p.split('…').some((part) => part.replace('*', '').trim() === '')) problems.push(`${file}: cues.${cue}.${lang}: "${p}" has an empty part around "…"`);
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

/** A file's name as a support agent sees it in a problem: relative to where the bot was started. */
const shown = (file: string) => path.relative(process.cwd(), file) || file;

/** The file read and checked against its schema; undefined after a problem (recorded). */
function readValid<T>(file: string, schema: ZodType<T, ZodTypeDef, unknown>, problems: string[]): T | undefined {
  const raw = readYaml(file, shown(file), problems);
  if (raw === undefined) return undefined;
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  problems.push(...describe(shown(file), r.error));
  return undefined;
}

/** A file the knowledge base may do without: undefined when it is missing or has a problem. */
function readOptional<T>(file: string, schema: ZodType<T, ZodTypeDef, unknown>, problems: string[]): T | undefined {
  return fs.existsSync(file) ? readValid(file, schema, problems) : undefined;
}

function readReplies(file: string, problems: string[]): Replies {
  const replies = readOptional(file, repliesSchema, problems);
  if (!replies) return { ignore: { th: [], en: [] }, acts: {} };
  problems.push(...replyProblems(replies, shown(file)));
  return replies;
}

interface TopicFiles {
  topics: Topic[];
  /** The file (as shown) each topic came from. */
  fileOf: Map<string, string>;
  /** Ids of files that failed validation: already reported, so not "unknown" to other files. */
  brokenIds: Set<string>;
  fileCount: number;
}

function readTopics(topicsDir: string, problems: string[]): TopicFiles {
  let files: string[] = [];
  try {
    files = fs.readdirSync(topicsDir).filter((f) => /\.ya?ml$/.test(f)).sort();
  } catch {
    problems.push(`${shown(topicsDir)}: folder missing`);
  }
  const read: TopicFiles = { topics: [], fileOf: new Map(), brokenIds: new Set(), fileCount: files.length };
  for (const f of files) readTopic(path.join(topicsDir, f), read, problems);
  return read;
}

/** One topic file into `read`: its topic, or its id among the broken ones. */
function readTopic(full: string, read: TopicFiles, problems: string[]): void {
  const raw = readYaml(full, shown(full), problems);
  if (raw === undefined) return;
  const expected = path.basename(full).replace(/\.ya?ml$/, '');
  const r = topicSchema.safeParse(raw);
  if (!r.success) {
    problems.push(...describe(shown(full), r.error));
    const id = (raw as { id?: unknown } | null)?.id;
    read.brokenIds.add(typeof id === 'string' ? id : expected);
    return;
  }
  const t = r.data;
  if (t.id !== expected) problems.push(`${shown(full)}: id: "${t.id}" must match the file name "${expected}"`);
  const dup = read.fileOf.get(t.id);
  if (dup) {
    problems.push(`${shown(full)}: id: "${t.id}" is already used by ${dup}`);
    return;
  }
  read.fileOf.set(t.id, shown(full));
  read.topics.push(t);
}

/** Two topics with one button label could not be told apart in "did you mean". */
function labelClashes(t: Topic, where: string | undefined, labelOwner: Map<string, string>): string[] {
  const problems: string[] = [];
  for (const lang of LANGUAGES) {
    const label = t[lang].label?.toLowerCase();
    if (label === undefined) continue;
    const owner = labelOwner.get(`${lang}:${label}`);
    if (owner) problems.push(`${where}: ${lang}.label: "${t[lang].label}" is already the label of ${owner}; buttons must differ`);
    else labelOwner.set(`${lang}:${label}`, t.id);
  }
  return problems;
}

/** `known`: whether a topic id exists, or is a broken file's (already reported). */
function referenceProblems(t: Topic, where: string | undefined, known: (id: string) => boolean): string[] {
  const problems: string[] = [];
  t.related.forEach((r, i) => {
    if (!known(r)) problems.push(`${where}: related[${i}]: unknown topic id "${r}"`);
    if (r === t.id) problems.push(`${where}: related[${i}]: a topic cannot be related to itself`);
  });
  if (t.specialises !== undefined && !known(t.specialises)) {
    problems.push(`${where}: specialises: unknown topic id "${t.specialises}"`);
  }
  return problems;
}

function stepProblems(t: Topic, where: string | undefined): string[] {
  const problems: string[] = [];
  const { support } = t;
  if (support.afterStep !== undefined && support.afterStep > Math.min(t.th.steps.length, t.en.steps.length)) {
    problems.push(`${where}: support.afterStep: ${support.afterStep} is past the last step`);
  }
  if (t.th.steps.length !== t.en.steps.length) {
    problems.push(`${where}: steps: th has ${t.th.steps.length} steps but en has ${t.en.steps.length}; keep the languages in step`);
  }
  return problems;
}

/** What is wrong between the topics that each file alone does not show. */
function crossTopicProblems({ topics, fileOf }: TopicFiles, known: (id: string) => boolean): string[] {
  const problems: string[] = [];
  const labelOwner = new Map<string, string>();
  for (const t of topics) {
    const where = fileOf.get(t.id);
    problems.push(...labelClashes(t, where, labelOwner), ...referenceProblems(t, where, known), ...stepProblems(t, where));
    problems.push(...topicPlaceholderProblems(t, where ?? t.id));
  }
  return problems;
}

/**
 * Reads and validates knowledge/: lexicon.yaml and one YAML file per topic under topics/.
 * Every problem is collected (not only the first) so a support agent fixes them in one go.
 */
export function loadKnowledge(dir: string): KnowledgeBase {
  const problems: string[] = [];
  const lexicon = readValid(path.join(dir, 'lexicon.yaml'), lexiconSchema, problems);
  // Optional: without it the matcher only has its thresholds to refuse unrelated questions.
  const outOfScope = readOptional(path.join(dir, 'out-of-scope.yaml'), outOfScopeSchema, problems) ?? { th: [], en: [] };
  const replies = readReplies(path.join(dir, 'replies.yaml'), problems);
  const topicsDir = path.join(dir, 'topics');
  const read = readTopics(topicsDir, problems);
  const { topics, brokenIds } = read;
  const byId = new Map(topics.map((t) => [t.id, t]));
  const known = (id: string) => byId.has(id) || brokenIds.has(id);
  problems.push(...crossTopicProblems(read, known));
  if (read.fileCount > 0) {
    for (const id of REQUIRED_TOPIC_IDS) {
      if (!known(id)) problems.push(`${shown(topicsDir)}: topic "${id}" is required (file ${id}.yaml)`);
    }
  }

  if (problems.length > 0 || !lexicon) throw new KnowledgeError(problems);
  return { topics, lexicon, outOfScope, replies, byId };
}

/** Every error code the topics name, as they spell it (INTERNAL_DATA_ERROR). */
export function knownErrorCodes(kb: Pick<KnowledgeBase, 'topics'>): string[] {
  return kb.topics.flatMap((topic) => topic.errorCodes);
}
