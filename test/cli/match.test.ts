import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

/** `npm run --silent match -- --jsonl FILE` as the evaluation runs it: piped into another program. */
describe('batch matching into a pipe', () => {
  it('prints one line for every line in, piped, and a reader that stops early is no error', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'match-cli-')), 'in.jsonl');
    const texts = ['shopee token expired', 'lazada PASSWORD_NOT_MATCH ค่ะ', 'ร้านหลุด', 'hello'];
    fs.writeFileSync(file, Array.from({ length: 20_000 }, (_, i) => JSON.stringify({ text: `${texts[i % 4]} ${i}` })).join('\n'));
    // Before: process.exit ran before stdout drained into the pipe (214 or 424 of 10,000 lines).
    const count = execFileSync('sh', ['-c', `npm run --silent match -- --jsonl "${file}" | wc -l`], { cwd: ROOT, encoding: 'utf8' });
    expect(Number(count.trim())).toBe(20_000);
    const first = execFileSync('sh', ['-c', `npm run --silent match -- --jsonl "${file}" | head -1`], { cwd: ROOT, encoding: 'utf8' });
    expect(JSON.parse(first.split('\n')[0]!)).toMatchObject({ text: 'shopee token expired 0', decision: expect.any(String) });
  }, 60_000);
});
