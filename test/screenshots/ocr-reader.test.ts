import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { createLogger } from '../../src/logger';
import { printedCodes } from '../../src/matching/printed-codes';
import { DEBIAN_THAI } from '../../src/screenshots/ocr-languages';
import { linesOfTsv, TesseractReader } from '../../src/screenshots/ocr-reader';

/** Real OCR (tesseract.js in worker threads) on pictures of the project's screenshot set. */

const log = createLogger('silent');
/** The screenshot set (bench/screenshots/render.ts draws it). */
const SCREENSHOTS_DIR = path.join(__dirname, '..', 'data', 'screenshots');
const HAVE_THAI = DEBIAN_THAI.some((f) => fs.existsSync(f));
if (!HAVE_THAI) console.log('Thai OCR checks skipped: Debian tesseract-ocr-tha is not installed (.ci/run installs it)');
const itWithThai = HAVE_THAI ? it : it.skip;

let dir: string;
const copy = (name: string) => {
  const file = path.join(dir, name);
  fs.copyFileSync(path.join(SCREENSHOTS_DIR, name), file);
  return file;
};

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocr-test-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('reading a screenshot', () => {
  itWithThai('reads the error code and the Thai words of a Lazada error dialog, with Debian Thai', async () => {
    const reader = new TesseractReader({ concurrency: 1, queue: 2, timeoutMs: 60_000, maxWidth: 1000, log });
    try {
      expect(reader.languages).toEqual(['eng', 'tha']);
      const read = await reader.read(copy('lazada-pnm-modal-th--phone.png'));
      expect(read?.text).toContain('PASSWORD_NOT_MATCH');
      expect(read?.text.replace(/\s/g, '')).toContain('รหัสผ่านไม่ถูกต้อง');
      expect(read?.maskedLines).toBe(0);
    } finally {
      await reader.close();
    }
  });

  itWithThai('finds the codes that Thai took for its own letters, or redaction for a password', async () => {
    // Held-out pictures (drawn apart from the bot, read since). Set a: the code in a dark chat
    // bubble between Thai ones came out "๕@ 2รรษมอ80 ผอา MATCH"; read again, its line gives it.
    // Set c: a pale banner's code in brackets came out all Thai, "(ผาธคุผ/แ 0ครค ธุศุ08)": no
    // line shows capitals, the whole picture read in English gives it.
    const heldOut = (set: string, name: string) => {
      const file = path.join(dir, name);
      fs.copyFileSync(path.join(SCREENSHOTS_DIR, '..', set, name), file);
      return file;
    };
    const reader = new TesseractReader({ concurrency: 1, queue: 2, timeoutMs: 60_000, maxWidth: 1000, codes: ['INTERNAL_DATA_ERROR', 'PASSWORD_NOT_MATCH'], log });
    try {
      const read = await reader.read(heldOut('screenshots-heldout-a', 'c10_messenger_dark_password.jpg'));
      expect(read?.text).toContain('PASSWORD_NOT_MATCH');
      expect(read?.text).not.toContain('Tuktuk');
      expect((await reader.read(heldOut('screenshots-heldout-c', 'c07_th_laptop_banner_lowcontrast_internal.jpg')))?.text).toContain('INTERNAL_DATA_ERROR');
      // Set f: the code printed under the password field was taken for the password it labels.
      const form = await reader.read(heldOut('screenshots-heldout-f', 'c09_bs_form_password_visible_th.jpg'));
      expect(form?.text).toContain('PASSWORD_NOT_MATCH');
      expect(form?.text).not.toMatch(/Baan2024|baanphafai|gmail/);
      // OCR did not read the password in its input box; the box, between its label and the line
      // taken for its value, is blacked out in the kept picture all the same.
      // (stats() reads its input: the box is cut out first.)
      const cut = await sharp(path.join(dir, 'c09_bs_form_password_visible_th.jpg')).extract({ left: 100, top: 1360, width: 200, height: 50 }).greyscale().toBuffer();
      const box = await sharp(cut).stats();
      expect(box.channels[0]!.mean).toBeLessThan(30);
      // The worker reads Thai again afterwards.
      expect((await reader.read(copy('lazada-pnm-modal-th--phone.png')))?.text.replace(/\s/g, '')).toContain('รหัสผ่านไม่ถูกต้อง');
    } finally {
      await reader.close();
    }
  });

  itWithThai('reads a laptop screenshot scaled by its height, not to a phone width', async () => {
    // Held-out set e (read since): a 1366 x 768 Windows screen, the code in a dialog's alert box.
    // Scaled to 1000 px wide, its type read as Thai letters and the code was lost.
    const file = path.join(dir, 'laptop.jpg');
    fs.copyFileSync(path.join(SCREENSHOTS_DIR, '..', 'screenshots-heldout-e', 'c10_win1366-dialog-alert-en.jpg'), file);
    const reader = new TesseractReader({ concurrency: 1, queue: 2, timeoutMs: 60_000, maxWidth: 1000, codes: ['INTERNAL_DATA_ERROR', 'PASSWORD_NOT_MATCH'], log });
    try {
      expect(printedCodes((await reader.read(file))?.text ?? '', ['INTERNAL_DATA_ERROR', 'PASSWORD_NOT_MATCH'])).toEqual(['PASSWORD_NOT_MATCH']);
    } finally {
      await reader.close();
    }
  });

  it('reads English without a Thai model', async () => {
    const reader = new TesseractReader({ concurrency: 1, queue: 2, timeoutMs: 60_000, maxWidth: 1000, thaiModel: '', log });
    try {
      expect(reader.languages).toEqual(['eng']);
      expect((await reader.read(copy('lazada-ide-modal-en--cropped.jpg')))?.text).toContain('INTERNAL_DATA_ERROR');
    } finally {
      await reader.close();
    }
  });

  it('blacks out the lines showing a password or an e-mail in the kept picture, and never returns them', async () => {
    const reader = new TesseractReader({ concurrency: 1, queue: 2, timeoutMs: 60_000, maxWidth: 1000, log });
    try {
      const file = copy('lazada-login-shown-en--phone.png');
      const before = fs.readFileSync(file);
      const read = await reader.read(file);
      expect(read?.text).toContain('PASSWORD_NOT_MATCH');
      expect(read?.kinds).toContain('password');
      expect(read?.maskedLines).toBe(2);
      expect(read?.text).not.toMatch(/Sunflower|2020|ploy\.shop/i);
      expect(fs.readFileSync(file).equals(before)).toBe(false);
      // Read again, the kept picture shows the code and neither the password nor the address.
      const again = await reader.read(file);
      expect(again?.text).toContain('PASSWORD_NOT_MATCH');
      expect(again?.hidden).toBe(false);
      expect(again?.text).not.toMatch(/Sunflower|2020|ploy|gmail/i);
    } finally {
      await reader.close();
    }
  });

  it('refuses a picture beyond the queue, gives up on one that takes too long, and reads no non-picture', async () => {
    const busy = new TesseractReader({ concurrency: 1, queue: 0, timeoutMs: 60_000, maxWidth: 1000, thaiModel: '', log });
    try {
      const [first, second] = await Promise.all([busy.read(copy('lazada-ide-modal-en--cropped.jpg')), busy.read(copy('lazada-pnm-modal-en--turned.jpg'))]);
      expect(first?.text).toContain('INTERNAL_DATA_ERROR');
      expect(second).toBeUndefined();
      fs.writeFileSync(path.join(dir, 'not-a-picture.jpg'), 'hello');
      expect(await busy.read(path.join(dir, 'not-a-picture.jpg'))).toBeUndefined();
    } finally {
      await busy.close();
    }
    const slow = new TesseractReader({ concurrency: 1, queue: 2, timeoutMs: 1, maxWidth: 1000, thaiModel: '', log });
    try {
      expect(await slow.read(copy('lazada-ide-modal-en--cropped.jpg'))).toBeUndefined();
    } finally {
      await slow.close();
    }
  });

  it('takes the lines and their boxes from tesseract\'s TSV', () => {
    const row = (...cells: (string | number)[]) => cells.join('\t');
    const tsv = [
      row(4, 1, 1, 1, 1, 0, 10, 20, 300, 18, -1, ''),
      row(5, 1, 1, 1, 1, 1, 10, 20, 120, 18, 95, 'Password:'),
      row(5, 1, 1, 1, 1, 2, 140, 20, 170, 18, 91, 'Sunflower#2020'),
      row(4, 1, 1, 1, 2, 0, 10, 50, 200, 18, -1, ''),
      row(5, 1, 1, 1, 2, 1, 10, 50, 200, 18, 96, 'รหัสผ่านไม่ถูกต้อง'),
    ].join('\n');
    expect(linesOfTsv(tsv)).toEqual([
      { text: 'Password: Sunflower#2020', bbox: { x0: 10, y0: 20, x1: 310, y1: 38 } },
      { text: 'รหัสผ่านไม่ถูกต้อง', bbox: { x0: 10, y0: 50, x1: 210, y1: 68 } },
    ]);
  });
});
