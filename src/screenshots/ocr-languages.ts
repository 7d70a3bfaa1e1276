import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import english from '@tesseract.js-data/eng';

/**
 * The OCR models, all on this machine: nothing is downloaded at run time. English comes with the
 * `@tesseract.js-data/eng` package; Thai is Debian's `tesseract-ocr-tha` where it is installed.
 * tesseract.js reads Debian's tha.traineddata as it is (measured: "รหัสผ่านไม่ถูกต้อง" read
 * right), but takes one folder for every language, so the two files are linked into one.
 */

/** Where Debian's packages put Thai (tesseract 5, then 4). */
export const DEBIAN_THAI = ['/usr/share/tesseract-ocr/5/tessdata/tha.traineddata', '/usr/share/tesseract-ocr/4.00/tessdata/tha.traineddata'];

export interface OcrLanguages {
  /** The folder tesseract.js reads `<code>.traineddata` from. */
  langPath: string;
  /** 'eng', then 'tha' when its model was found. */
  codes: string[];
  /** Removes the folder of links. */
  remove(): void;
}

/**
 * The package's LSTM-only model (4.0.0_best_int, 2.9 MB), the one tesseract.js itself takes for
 * the LSTM engine this bot runs; its index names the larger legacy+LSTM one (10.9 MB), which cost
 * about 60 MB more per worker. Fallback: the index's.
 */
function englishModel(): string {
  const lstmOnly = path.join(path.dirname(english.langPath), '4.0.0_best_int', 'eng.traineddata.gz');
  return fs.existsSync(lstmOnly) ? lstmOnly : path.join(english.langPath, `eng.traineddata${english.gzip ? '.gz' : ''}`);
}

/**
 * A private folder linking English and, when `thaiModel` (or one of Debian's paths) exists, Thai.
 * tesseract.js unzips a model by its first bytes, so the gzipped English one is linked as is.
 */
export function ocrLanguages(thaiModel?: string): OcrLanguages {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bot-ocr-'));
  fs.symlinkSync(englishModel(), path.join(dir, 'eng.traineddata'));
  const codes = ['eng'];
  const thai = (thaiModel === undefined ? DEBIAN_THAI : [thaiModel]).find((file) => file !== '' && fs.existsSync(file));
  if (thai) {
    fs.symlinkSync(path.resolve(thai), path.join(dir, 'tha.traineddata'));
    codes.push('tha');
  }
  return { langPath: dir, codes, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
