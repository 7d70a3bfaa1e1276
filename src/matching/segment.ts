import { BoundedCache } from '../bounded-cache';
import { hasThai } from './normalise';

/**
 * Word segmentation of normalised text. Thai has no spaces between words, so Thai runs go
 * through ICU's dictionary segmenter (Node ships full ICU); Latin runs split on spaces and
 * underscores (error codes arrive as INTERNAL_DATA_ERROR or "internal data error" alike).
 */
const thaiSegmenter = new Intl.Segmenter('th', { granularity: 'word' });

/**
 * ICU's dictionary segmenter is the costly part of reading a message, and a turn reads the same
 * words more than once (the matcher, the reply to a question): Thai runs are remembered.
 */
const thaiWords = new BoundedCache<string, readonly string[]>(10_000);

function thaiRun(chunk: string): readonly string[] {
  let words = thaiWords.get(chunk);
  if (!words) {
    words = [...thaiSegmenter.segment(chunk)].filter((s) => s.isWordLike).map((s) => s.segment);
    thaiWords.set(chunk, words);
  }
  return words;
}

export function segment(normalised: string): string[] {
  const out: string[] = [];
  for (const chunk of normalised.split(' ')) {
    if (!chunk) continue;
    if (hasThai(chunk)) {
      out.push(...thaiRun(chunk));
    } else {
      for (const part of chunk.split('_')) if (part) out.push(part);
    }
  }
  return out;
}
