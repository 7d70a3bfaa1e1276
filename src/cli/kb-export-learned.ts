/**
 * npm run kb:export-learned                      from the bot's storage (DATA_DIR, or REDIS_URL)
 * npm run kb:export-learned -- --from URL --email EMAIL   from a running bot's console
 *                                                (ADMIN_PASSWORD, or asked on the terminal)
 * Options: --labelled FILE (default test/data/labelled.jsonl), --dry-run.
 *
 * Writes what support accepted in the console into version control: each phrasing into its
 * topic's file (knowledge/topics/<id>.yaml, th or en symptoms), each off-topic example into
 * knowledge/out-of-scope.yaml, and both into the labelled set under test/, so that kb:check and
 * the quality tests guard them from then on. Lines already there are skipped; comments and the
 * files' layout are kept. Never a held-out set.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML, { Scalar, type YAMLSeq } from 'yaml';
import { loadConfig } from '../config';
import type { LearnedEntry } from '../knowledge/learned';
import { RedisLearningStore, SqliteLearningStore } from '../storage/learning-store';
import { withBotStorage } from './bot-storage';
import { askHidden } from './ask-hidden';
import { runCommand } from './run-command';

const USAGE = `usage: npm run kb:export-learned [-- --labelled FILE] [--dry-run]
       npm run kb:export-learned -- --from URL --email EMAIL [--labelled FILE] [--dry-run]`;
const DEFAULT_LABELLED = path.resolve(__dirname, '../../test/data/labelled.jsonl');
/** The sets measured from outside: what is learned must never leak into them. */
const HELD_OUT = /held-?out|holdout/i;

interface Options {
  from?: string;
  email?: string;
  labelled: string;
  dryRun: boolean;
}

function parseArgs(argv: string[]): Options | string {
  const o: Options = { labelled: DEFAULT_LABELLED, dryRun: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${a} needs a value`);
      return v;
    };
    try {
      if (a === '--from') o.from = value();
      else if (a === '--email') o.email = value();
      else if (a === '--labelled') o.labelled = path.resolve(value());
      else if (a === '--dry-run') o.dryRun = true;
      else return `unknown argument ${a}`;
    } catch (err) {
      return (err as Error).message;
    }
  }
  if (o.from && !URL.canParse(o.from)) return `--from: not a URL: ${o.from}`;
  if (o.from && !o.email) return '--from needs --email (a console account)';
  if (HELD_OUT.test(path.basename(o.labelled))) return `--labelled: ${o.labelled} is a held-out set; learned phrasings never go there`;
  return o;
}

/** The learned entries from a running bot: signs in as a console account and reads the export. */
async function fromConsole(base: string, email: string, password: string): Promise<LearnedEntry[]> {
  const url = (p: string) => new URL(p, base).toString();
  const login = await fetch(url('/admin/login'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  if (login.status !== 204) throw new Error(`${url('/admin/login')} answered ${login.status}: ${login.status === 401 ? 'wrong e-mail or password' : await login.text()}`);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  const r = await fetch(url('/admin/api/export'), { headers: { cookie } });
  if (r.status !== 200) throw new Error(`${url('/admin/api/export')} answered ${r.status}`);
  const body = (await r.json()) as { phrasings: LearnedEntry[]; offTopic: LearnedEntry[] };
  return [...body.phrasings, ...body.offTopic];
}

const same = (s: string) => s.normalize('NFC').toLowerCase().replace(/\s+/gu, ' ').trim();

/**
 * The file's text with `text` appended to the block list at `where`, unless the list has it:
 * a line inserted after the list's last item, at its indentation, and nothing else changed
 * (a YAML library writing the whole file back would re-space its comments and lists).
 */
function appendOnce(source: string, where: string[], text: string): string | undefined {
  const doc = YAML.parseDocument(source);
  const seq = doc.getIn(where, true) as YAMLSeq | undefined;
  const last = seq?.items.at(-1) as Scalar | undefined;
  if (!seq || seq.flow || !last?.range) throw new Error(`no block list with items at ${where.join('.')}`);
  if (seq.items.some((item) => same(String(item instanceof Scalar ? item.value : item)) === same(text))) return undefined;
  const lineEnd = source.indexOf('\n', last.range[1]);
  const at = lineEnd < 0 ? source.length : lineEnd;
  const lineStart = source.lastIndexOf('\n', last.range[0]) + 1;
  const indent = /^\s*/.exec(source.slice(lineStart))![0];
  return `${source.slice(0, at)}\n${indent}- ${JSON.stringify(text)}${source.slice(at)}`;
}

/** The topic files by topic id (a file's `id`, not its name). */
function topicFiles(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const name of fs.readdirSync(dir).filter((n) => /\.ya?ml$/.test(n))) {
    const id = (YAML.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as { id?: unknown } | null)?.id;
    if (typeof id === 'string') files.set(id, path.join(dir, name));
  }
  return files;
}

interface Written {
  files: Map<string, string>;
  /** Entries whose topic the knowledge base has (written, or there already). */
  known: LearnedEntry[];
  added: LearnedEntry[];
  skipped: string[];
}

/** The new contents of the knowledge files (nothing written yet). */
function intoKnowledge(knowledgeDir: string, entries: readonly LearnedEntry[]): Written {
  const byTopic = topicFiles(path.join(knowledgeDir, 'topics'));
  const texts = new Map<string, string>();
  const added: LearnedEntry[] = [];
  const known: LearnedEntry[] = [];
  const skipped: string[] = [];
  for (const e of entries) {
    const file = e.kind === 'off-topic' ? path.join(knowledgeDir, 'out-of-scope.yaml') : e.topic ? byTopic.get(e.topic) : undefined;
    if (!file) {
      skipped.push(`no topic ${e.topic ?? '?'} in ${knowledgeDir}: "${e.text}"`);
      continue;
    }
    known.push(e);
    const where = e.kind === 'off-topic' ? [e.lang] : [e.lang, 'symptoms'];
    const next = appendOnce(texts.get(file) ?? fs.readFileSync(file, 'utf8'), where, e.text);
    if (next === undefined) continue;
    texts.set(file, next);
    added.push(e);
  }
  return { files: texts, known, added, skipped };
}

/** The labelled set's new lines: one per entry whose text it does not have yet. */
function intoLabelled(file: string, entries: readonly LearnedEntry[]): string[] {
  const have = new Set(
    (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => same(String((JSON.parse(l) as { text: unknown }).text))),
  );
  const lines: string[] = [];
  for (const e of entries) {
    if (have.has(same(e.text))) continue;
    have.add(same(e.text));
    lines.push(JSON.stringify({ text: e.text, topic: e.kind === 'off-topic' ? null : e.topic }));
  }
  return lines;
}

async function main(argv: string[]): Promise<number> {
  const o = parseArgs(argv);
  if (typeof o === 'string') {
    console.error(`${o}\n${USAGE}`);
    return 2;
  }
  const config = loadConfig();
  const entries = o.from
    ? await fromConsole(o.from, o.email!, config.adminPassword ?? (await askHidden(`Password for ${o.email}: `)))
    : await withBotStorage(config, ({ redis, db }) => (redis ? new RedisLearningStore(redis) : new SqliteLearningStore(db)).learned());
  const written = intoKnowledge(config.knowledgeDir, entries);
  const labelled = intoLabelled(o.labelled, written.known);
  for (const s of written.skipped) console.error(`skipped: ${s}`);
  if (!o.dryRun) {
    for (const [file, text] of written.files) fs.writeFileSync(file, text);
    if (labelled.length > 0) fs.appendFileSync(o.labelled, `${fs.existsSync(o.labelled) && !fs.readFileSync(o.labelled, 'utf8').endsWith('\n') ? '\n' : ''}${labelled.join('\n')}\n`);
  }
  const phrasings = written.added.filter((e) => e.kind === 'phrasing').length;
  const verb = o.dryRun ? 'would add' : 'added';
  console.log(`${entries.length} learned entries: ${verb} ${phrasings} phrasings and ${written.added.length - phrasings} off-topic examples to ${config.knowledgeDir}, ${labelled.length} lines to ${o.labelled}.`);
  if (!o.dryRun && written.added.length + labelled.length > 0) console.log('Now: npm run kb:check && npm test, then commit the changes.');
  return written.skipped.length > 0 ? 1 : 0;
}

runCommand(main);
