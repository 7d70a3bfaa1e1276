import path from 'node:path';
import type { CoreContext } from '../../src/conversation/engine';
import { loadTranslations } from '../../src/i18n';
import { knownErrorCodes, loadKnowledge } from '../../src/knowledge/load';
import { createLogger } from '../../src/logger';
import { Matcher } from '../../src/matching/matcher';
import { TesseractReader } from '../../src/screenshots/ocr-reader';
import { readLabels, scorePictures, share } from '../../bench/screenshots/score';

/**
 * A part of the screenshot set scored as `npm run bench:ocr` scores all of it: read for real,
 * answered by the core, compared with the label. The target: 90% of pictures with a
 * printed error code get the right article. No times are asserted (the benchmark prints them).
 */
const kb = loadKnowledge(path.resolve(__dirname, '../../knowledge'));
const ctx: CoreContext = { kb, matcher: new Matcher(kb), t: loadTranslations(), supportEmail: 'support@bigseller.com' };

describe('the screenshot set, a part of it', () => {
  const labels = readLabels();
  // Every third picture with a code (each code, each look comes up), and those showing no problem.
  const withCodes = labels.filter((l) => l.code).filter((_l, i) => i % 3 === 0);
  const noProblem = labels.filter((l) => l.topic === 'none');

  it('has at least 40 labelled pictures, each with a known article or none', () => {
    expect(labels.length).toBeGreaterThanOrEqual(40);
    for (const l of labels) expect(l.topic === 'none' || kb.byId.has(l.topic)).toBe(true);
  });

  it('answers the pictures with a printed error code with their article, and leaves those showing no problem unanswered', async () => {
    const reader = new TesseractReader({ concurrency: 1, queue: 100, timeoutMs: 60_000, maxWidth: 1000, codes: knownErrorCodes(kb), log: createLogger('silent') });
    try {
      const codes = await scorePictures(withCodes, reader, ctx);
      expect(codes.length).toBeGreaterThanOrEqual(8);
      expect(share(codes).percent).toBeGreaterThanOrEqual(90);
      const none = await scorePictures(noProblem, reader, ctx);
      expect(none.map((r) => r.answered)).toEqual(none.map(() => 'none'));
    } finally {
      await reader.close();
    }
  }, 120_000);
});
