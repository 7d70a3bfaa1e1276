import { hasThai } from './normalise';

/**
 * Word segmentation of normalised text. Thai has no spaces between words, so Thai runs go
 * through ICU's dictionary segmenter (Node ships full ICU); Latin runs split on spaces and
 * underscores (error codes arrive as INTERNAL_DATA_ERROR or "internal data error" alike).
 */
const thaiSegmenter = new Intl.Segmenter('th', { granularity: 'word' });

export function segment(normalised: string): string[] {
  const out: string[] = [];
  for (const chunk of normalised.split(' ')) {
    if (!chunk) continue;
    if (hasThai(chunk)) {
      for (const s of thaiSegmenter.segment(chunk)) {
        if (s.isWordLike) out.push(s.segment);
      }
    } else {
      for (const part of chunk.split('_')) if (part) out.push(part);
    }
  }
  return out;
}
