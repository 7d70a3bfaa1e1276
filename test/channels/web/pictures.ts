/** Pictures as phones and browsers send them, by their first bytes (the server reads no further). */

const tail = (n: number, seed = 7) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed) % 256));

export const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]), tail(200)]);
export const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0]), tail(300, 3)]);
export const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0, 1, 0, 0]), Buffer.from('WEBPVP8 '), tail(100, 5)]);

/** An ISO-BMFF file: its ftyp box with a major brand and compatible brands. */
function ftyp(major: string, ...compatible: string[]): Buffer {
  const size = 16 + 4 * compatible.length;
  const box = Buffer.alloc(size);
  box.writeUInt32BE(size, 0);
  box.write('ftyp', 4, 'latin1');
  box.write(major, 8, 'latin1');
  compatible.forEach((b, i) => box.write(b, 16 + 4 * i, 'latin1'));
  return Buffer.concat([box, tail(100, 9)]);
}

/** An iPhone's photo. */
export const HEIC = ftyp('heic', 'mif1', 'heic');
/** A HEIF whose major brand is the generic one: still a HEIC by its compatible brands. */
export const HEIF_MIF1 = ftyp('mif1', 'mif1', 'heic');
/** AVIF: an image, but not one of the accepted kinds. */
export const AVIF = ftyp('avif', 'mif1', 'avif');
export const GIF = Buffer.concat([Buffer.from('GIF89a'), tail(50)]);
export const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
