/** The model packages of tesseract.js (CommonJS, no types): where the model is, whether gzipped. */
declare module '@tesseract.js-data/eng' {
  const data: { code: string; gzip: boolean; langPath: string };
  export = data;
}
