import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startApp, type RunningApp } from '../helpers/app-harness';
import { fetcherFor, openChat } from '../helpers/directline-chat';
import { connectTestRedis, describeWithRedis, redisTestUrl } from '../helpers/redis';
import { ConfigError, loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { TesseractReader } from '../../src/screenshots/ocr-reader';
import { startWorker } from '../helpers/server-process';
import type Redis from 'ioredis';

/**
 * With Redis the pictures go through the OCR queue: an instance with OCR=workers reads none
 * itself, and `npm run worker` (another process, its own disk) reads for it.
 */
const REDIS_URL = redisTestUrl(3);
const SHOT = fs.readFileSync(path.join(__dirname, '..', 'data', 'screenshots', 'lazada-login-shown-en--phone.png'));
const log = createLogger('silent');

describeWithRedis('reading pictures through the Redis queue', () => {
  jest.setTimeout(60_000);
  let redis: Redis;
  let app: RunningApp;
  let reader: TesseractReader;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  const otherDisk = fs.mkdtempSync(path.join(os.tmpdir(), 'ocr-worker-'));

  beforeAll(async () => {
    redis = await connectTestRedis(REDIS_URL);
    await redis.flushdb();
    app = await startApp({ REDIS_URL, OCR: 'workers' });
    reader = new TesseractReader({ concurrency: 1, queue: 10, timeoutMs: 60_000, maxWidth: 1000, log });
    worker = await startWorker({ REDIS_URL, DATA_DIR: otherDisk });
  });
  afterAll(async () => {
    await app?.close();
    await worker?.stop();
    await reader?.close();
    await redis?.flushdb();
    redis?.disconnect();
    fs.rmSync(otherDisk, { recursive: true, force: true });
  });

  it('answers an upload to an instance that reads nothing itself, and keeps the blacked-out copy everywhere', async () => {
    const ready = await (await fetch(`${app.base}/readyz`)).json();
    expect(ready.ocr).toEqual({ where: 'queue', languages: [] });
    const chat = await openChat(fetcherFor(app.base));
    expect(await chat.upload({ bytes: SHOT, name: 'lazada.png', type: 'image/png' })).toEqual(['answer:lazada-password-not-match', 'answer:lazada-password-not-match', 'ask-feedback']);
    const [ref] = fs.readdirSync(path.join(app.dataDir, 'screenshots'), { recursive: true }).map(String).filter((f) => f.endsWith('.png'));
    const copies = [path.join(app.dataDir, 'screenshots', ref!), path.join(otherDisk, 'screenshots', ref!)];
    for (const copy of copies) expect(fs.readFileSync(copy).equals(SHOT)).toBe(false);
    expect((await redis.getBuffer(`bot:shot:${ref}`))?.equals(fs.readFileSync(copies[0]!))).toBe(true);
    const again = await reader.read(copies[0]!);
    expect(again?.text).toContain('PASSWORD_NOT_MATCH');
    expect(again?.text).not.toMatch(/Sunflower|ploy/i);
  });
});

describe('the OCR settings', () => {
  it('read here by default, English only with OCR_THAI_MODEL=none, and refuse OCR=workers without Redis', () => {
    expect(loadConfig({}).ocr).toEqual({ readHere: true, concurrency: 1, queue: 20, timeoutMs: 20_000, maxWidth: 1000, thaiModel: undefined });
    expect(loadConfig({ OCR_THAI_MODEL: 'none' }).ocr?.thaiModel).toBe('');
    expect(loadConfig({ OCR: 'off' }).ocr).toBeUndefined();
    expect(loadConfig({ OCR: 'workers', REDIS_URL: 'redis://127.0.0.1:6379' }).ocr?.readHere).toBe(false);
    expect(() => loadConfig({ OCR: 'workers' })).toThrow(/OCR: "workers" needs REDIS_URL/);
    for (const bad of [{ OCR: 'maybe' }, { OCR_CONCURRENCY: '0' }, { OCR_TIMEOUT_SECONDS: 'soon' }]) expect(() => loadConfig(bad)).toThrow(ConfigError);
  });
});
