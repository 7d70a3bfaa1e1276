import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { StaffAuth } from '../../src/admin/staff';
import type { LearnedEntry } from '../../src/knowledge/learned';
import { SqliteLearningStore } from '../../src/storage/learning-store';
import { closeDatabase, openDatabase } from '../../src/storage/sqlite';
import { SqliteStaffStore } from '../../src/storage/staff-store';
import { startApp } from '../helpers/app-harness';

/**
 * `npm run kb:export-learned` writes what support accepted into a copy of knowledge/ and of the
 * labelled set: only added lines, kb:check passes on the result, a second run adds nothing, a
 * held-out set is refused; `--from URL` reads a running bot's console. `npm run match --
 * --learned` matches as the running bot does.
 */
const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/tsx/dist/cli.mjs');

async function cli(script: string, args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [TSX, `src/cli/${script}.ts`, ...args], { cwd: ROOT, env: { ...process.env, REDIS_URL: '', ...env } });
    return { code: 0, ...r };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const entry = (e: Partial<LearnedEntry> & Pick<LearnedEntry, 'kind' | 'text' | 'lang'>): LearnedEntry => ({ by: 'ploy@bigseller.example', at: '2026-12-08T01:00:00.000Z', ...e });

function workspace(): { dataDir: string; knowledgeDir: string; labelled: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-export-'));
  const knowledgeDir = path.join(dir, 'knowledge');
  fs.cpSync(path.join(ROOT, 'knowledge'), knowledgeDir, { recursive: true });
  const labelled = path.join(dir, 'labelled.jsonl');
  fs.copyFileSync(path.join(ROOT, 'test/data/labelled.jsonl'), labelled);
  return { dataDir: path.join(dir, 'data'), knowledgeDir, labelled };
}

/** The lines of `after` that are not in `before`, and whether any line of `before` is gone. */
function added(before: string, after: string): { lines: string[]; removed: boolean } {
  const was = before.split('\n');
  const now = after.split('\n');
  const lines = now.filter((l) => !was.includes(l));
  return { lines, removed: was.some((l) => !now.includes(l)) };
}

describe('kb:export-learned', () => {
  it('adds the learned phrasings and off-topic examples as lines, kb:check passes, and a second run adds nothing', async () => {
    const ws = workspace();
    const db = openDatabase(ws.dataDir);
    await new SqliteLearningStore(db).addLearned([
      entry({ kind: 'phrasing', topic: 'connection-expired', text: 'ร้านขึ้นสีแดงค่ะ', lang: 'th' }),
      entry({ kind: 'phrasing', topic: 'connection-expired', text: 'my store turned red in bigseller', lang: 'en' }),
      // Already in the topic's file (other case): skipped.
      entry({ kind: 'phrasing', topic: 'connection-expired', text: 'ร้านค้าหมดอายุการเชื่อมต่อ ทำยังไงดีคะ', lang: 'th' }),
      entry({ kind: 'off-topic', text: 'how do I print shipping labels in bulk', lang: 'en' }),
      entry({ kind: 'phrasing', topic: 'no-such-topic', text: 'x y z', lang: 'en' }),
    ]);
    await closeDatabase(db);
    const topicFile = path.join(ws.knowledgeDir, 'topics/connection-expired.yaml');
    const before = { topic: fs.readFileSync(topicFile, 'utf8'), offTopic: fs.readFileSync(path.join(ws.knowledgeDir, 'out-of-scope.yaml'), 'utf8'), labelled: fs.readFileSync(ws.labelled, 'utf8') };
    const env = { DATA_DIR: ws.dataDir, KNOWLEDGE_DIR: ws.knowledgeDir };

    const first = await cli('kb-export-learned', ['--labelled', ws.labelled], env);
    // The phrasing of a topic the knowledge base lacks is reported, and the exit code says so.
    expect(first).toMatchObject({ code: 1, stderr: expect.stringContaining('no topic no-such-topic') });
    expect(first.stdout).toContain('added 2 phrasings and 1 off-topic examples');
    expect(added(before.topic, fs.readFileSync(topicFile, 'utf8'))).toEqual({ lines: ['    - "ร้านขึ้นสีแดงค่ะ"', '    - "my store turned red in bigseller"'], removed: false });
    expect(added(before.offTopic, fs.readFileSync(path.join(ws.knowledgeDir, 'out-of-scope.yaml'), 'utf8'))).toEqual({ lines: ['  - "how do I print shipping labels in bulk"'], removed: false });
    // Every learned text of a topic it has, whether the file had it or not; never one of a topic it lacks.
    expect(added(before.labelled, fs.readFileSync(ws.labelled, 'utf8')).lines.sort()).toEqual(
      [
        '{"text":"ร้านขึ้นสีแดงค่ะ","topic":"connection-expired"}',
        '{"text":"my store turned red in bigseller","topic":"connection-expired"}',
        '{"text":"ร้านค้าหมดอายุการเชื่อมต่อ ทำยังไงดีคะ","topic":"connection-expired"}',
        '{"text":"how do I print shipping labels in bulk","topic":null}',
      ].sort(),
    );

    const check = await cli('kb-check', [], env);
    expect(check).toMatchObject({ code: 0, stdout: expect.stringContaining('knowledge base OK') });

    const snapshot = fs.readFileSync(topicFile, 'utf8') + fs.readFileSync(ws.labelled, 'utf8');
    const second = await cli('kb-export-learned', ['--labelled', ws.labelled], env);
    expect(second.stdout).toContain('added 0 phrasings and 0 off-topic examples');
    expect(fs.readFileSync(topicFile, 'utf8') + fs.readFileSync(ws.labelled, 'utf8')).toBe(snapshot);
  }, 60_000);

  it('never writes into a held-out set', async () => {
    const ws = workspace();
    const r = await cli('kb-export-learned', ['--labelled', path.join(ROOT, 'test/data/heldout-2026-12.jsonl')], { DATA_DIR: ws.dataDir, KNOWLEDGE_DIR: ws.knowledgeDir });
    expect(r).toMatchObject({ code: 2, stderr: expect.stringContaining('is a held-out set') });
  }, 30_000);

  it('--from URL reads a running bot\'s console with a staff login', async () => {
    const app = await startApp();
    try {
      await new StaffAuth(new SqliteStaffStore(app.bot.db)).setPassword('ploy@bigseller.example', 'correct horse battery');
      const login = await request(app.base).post('/admin/login').set('content-type', 'application/json').send(JSON.stringify({ email: 'ploy@bigseller.example', password: 'correct horse battery' }));
      const cookie = String(login.headers['set-cookie']![0]).split(';')[0]!;
      const typed = await request(app.base).post('/admin/api/phrasings').set({ 'content-type': 'application/json', cookie }).send(JSON.stringify({ topic: 'lazada-password-not-match', text: 'ลาซาด้าบอกว่ารหัสไม่ตรงกันค่ะ' }));
      expect(typed.status).toBe(201);
      const ws = workspace();
      const env = { DATA_DIR: ws.dataDir, KNOWLEDGE_DIR: ws.knowledgeDir, ADMIN_PASSWORD: 'correct horse battery' };
      const wrong = await cli('kb-export-learned', ['--from', app.base, '--email', 'ploy@bigseller.example', '--labelled', ws.labelled], { ...env, ADMIN_PASSWORD: 'not the password' });
      expect(wrong).toMatchObject({ code: 1, stderr: expect.stringContaining('wrong e-mail or password') });
      const r = await cli('kb-export-learned', ['--from', app.base, '--email', 'ploy@bigseller.example', '--labelled', ws.labelled], env);
      expect(r).toMatchObject({ code: 0, stdout: expect.stringContaining('added 1 phrasings') });
      expect(fs.readFileSync(path.join(ws.knowledgeDir, 'topics/lazada-password-not-match.yaml'), 'utf8')).toContain('- "ลาซาด้าบอกว่ารหัสไม่ตรงกันค่ะ"');
    } finally {
      await app.close();
    }
  }, 60_000);
});

describe('match --learned', () => {
  it('matches with the phrasings of the bot\'s storage only when asked', async () => {
    const ws = workspace();
    const db = openDatabase(ws.dataDir);
    await new SqliteLearningStore(db).addLearned([entry({ kind: 'phrasing', topic: 'connection-expired', text: 'ร้านขึ้นสีแดงค่ะ', lang: 'th' })]);
    await closeDatabase(db);
    const env = { DATA_DIR: ws.dataDir };
    expect((await cli('match', ['ร้านขึ้นสีแดงอีกแล้วค่ะ'], env)).stdout).toMatch(/^decision: {3}none/);
    expect((await cli('match', ['--learned', 'ร้านขึ้นสีแดงอีกแล้วค่ะ'], env)).stdout).toMatch(/^decision: {3}answer -> connection-expired/);
  }, 60_000);
});
