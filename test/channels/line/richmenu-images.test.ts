import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { loadTranslations } from '../../../src/i18n';
import { MENU_KINDS, menuSpecs, type MenuSpec } from '../../../src/channels/line/richmenu/definition';
import { assertThaiFont, encodeMenuImage, MAX_IMAGE_BYTES, menuSvg, renderMenuImage, type MenuImage } from '../../../src/channels/line/richmenu/images';

// No skip when the Thai font is missing: CI installs fonts-thai-tlwg, and a machine without it
// must fail here with the message naming the package, never upload menus with boxes for letters.

const specs = menuSpecs(loadTranslations());
const rendered = new Map<string, Promise<MenuImage>>();
function render(spec: MenuSpec): Promise<MenuImage> {
  let image = rendered.get(spec.key);
  if (image === undefined) {
    image = renderMenuImage(spec);
    rendered.set(spec.key, image);
  }
  return image;
}
const specOf = (kind: string, lang: string) => specs.find((s) => s.kind === kind && s.lang === lang)!;

/** The size written in the file's own header (PNG's IHDR, or a JPEG's start-of-frame). */
function headerSize(data: Buffer): { format: 'png' | 'jpeg'; width: number; height: number } {
  if (data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
    return { format: 'png', width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
  }
  if (data[0] !== 0xff || data[1] !== 0xd8) throw new Error('neither a PNG nor a JPEG');
  for (let i = 2; i + 9 < data.length; i += 2 + data.readUInt16BE(i + 2)) {
    const marker = data[i + 1]!;
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
      return { format: 'jpeg', width: data.readUInt16BE(i + 7), height: data.readUInt16BE(i + 5) };
    }
  }
  throw new Error('JPEG without a start-of-frame');
}

async function pixels(image: MenuImage): Promise<{ data: Buffer; width: number }> {
  const { data, info } = await sharp(image.data).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width };
}

describe('LINE rich menu images', () => {
  it('finds an installed font with Thai letters (Debian: fonts-thai-tlwg)', async () => {
    await expect(assertThaiFont()).resolves.toBeUndefined();
  });

  it.each(specs.map((s) => [s.key, s] as const))('%s: the spec size, under 1 MB, in the format it claims', async (_key, spec) => {
    const image = await render(spec);
    expect(image.data.length).toBeLessThan(MAX_IMAGE_BYTES);
    expect(image.data.length).toBeLessThan(1_000_000);
    const header = headerSize(image.data);
    expect({ width: header.width, height: header.height }).toEqual(spec.size);
    expect(header.format).toBe(image.contentType === 'image/png' ? 'png' : 'jpeg');
    const meta = await sharp(image.data).metadata();
    expect({ format: meta.format, width: meta.width, height: meta.height }).toEqual({ format: header.format, ...spec.size });
  });

  it.each(specs.map((s) => [s.key, s] as const))('%s: every button has its label drawn (white type under its icon)', async (_key, spec) => {
    const { data, width } = await pixels(await render(spec));
    for (const b of spec.buttons) {
      let white = 0;
      let total = 0;
      // The band below the icon's disc, where the label goes.
      for (let y = b.bounds.y + Math.round(b.bounds.height * 0.6); y < b.bounds.y + b.bounds.height * 0.95; y++) {
        for (let x = b.bounds.x; x < b.bounds.x + b.bounds.width; x++) {
          const i = (y * width + x) * 3;
          total++;
          if (data[i]! > 200 && data[i + 1]! > 200 && data[i + 2]! > 200) white++;
        }
      }
      expect({ button: b.id, inked: white / total > 0.015 }).toEqual({ button: b.id, inked: true });
    }
  });

  it.each(MENU_KINDS)('%s: the Thai and English images differ where the labels are, and only there', async (kind) => {
    const th = specOf(kind, 'th');
    const [a, b] = await Promise.all([pixels(await render(th)), pixels(await render(specOf(kind, 'en')))]);
    expect(a.data.length).toBe(b.data.length);
    let differing = 0;
    let aboveLabels = 0;
    for (let p = 0; p < a.data.length; p += 3) {
      if (a.data[p] === b.data[p] && a.data[p + 1] === b.data[p + 1] && a.data[p + 2] === b.data[p + 2]) continue;
      differing++;
      const y = Math.floor(p / 3 / a.width);
      const cell = th.buttons.find((btn) => y >= btn.bounds.y && y < btn.bounds.y + btn.bounds.height)!;
      if (y < cell.bounds.y + cell.bounds.height * 0.55) aboveLabels++;
    }
    expect(differing / (a.data.length / 3)).toBeGreaterThan(0.01);
    expect(aboveLabels).toBe(0);
  });

  it('falls back to a JPEG under the limit when the PNG is not, and gives up when even a JPEG is too big', async () => {
    const spec = specOf('linked', 'th');
    const svg = await menuSvg(spec);
    const png = await render(spec);
    expect(png.contentType).toBe('image/png');
    const jpeg = await encodeMenuImage(svg, spec.size, png.data.length);
    expect(jpeg.contentType).toBe('image/jpeg');
    expect(jpeg.data.length).toBeLessThan(png.data.length);
    expect(headerSize(jpeg.data)).toEqual({ format: 'jpeg', ...spec.size });
    await expect(encodeMenuImage(svg, spec.size, 10_000)).rejects.toThrow(/over 10000 bytes even as a JPEG/);
  });

  it('refuses to draw the menus when no font has Thai letters, naming the package to install', async () => {
    // A fontconfig set-up that is the machine's own, less every font covering Thai.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'richmenu-fonts-'));
    const conf = path.join(dir, 'fonts.conf');
    fs.writeFileSync(
      conf,
      '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n' +
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n' +
        '  <selectfont><rejectfont><pattern><patelt name="lang"><string>th</string></patelt></pattern></rejectfont></selectfont>\n' +
        '</fontconfig>\n',
    );
    const script = [
      "const { renderMenuImage } = require('./src/channels/line/richmenu/images.ts');",
      "const { menuSpecs } = require('./src/channels/line/richmenu/definition.ts');",
      "const { loadTranslations } = require('./src/i18n.ts');",
      'renderMenuImage(menuSpecs(loadTranslations())[0]).then(',
      "  () => { console.log('RENDERED'); },",
      "  (e) => { console.log('REFUSED: ' + e.message); },",
      ');',
    ].join('\n');
    try {
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '-e', script], {
        cwd: path.resolve(__dirname, '../../..'),
        env: { ...process.env, FONTCONFIG_FILE: conf },
        timeout: 20_000,
      });
      expect(stdout).toMatch(/^REFUSED: .*fonts-thai-tlwg/m);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
