declare module 'stemmer' {
  /** Porter stemmer (stemmer@1, CommonJS). */
  export default function stemmer(word: string): string;
}
