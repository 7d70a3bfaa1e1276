import sharp, { type OutputInfo } from 'sharp';
import type { MenuButton, MenuButtonId, MenuSpec } from './definition';

/**
 * Draws a rich menu's image from its definition (labels from locales/, nothing hand-drawn): an
 * SVG of one brand-blue panel per button (a white disc with a vector icon, the label beneath
 * in large bold type), rendered by sharp (librsvg with Pango, HarfBuzz and fontconfig), so the
 * Thai labels are shaped by the same engine as any Linux desktop's, with Debian's TLWG fonts.
 * A Thai label drawn as empty boxes must never reach LINE: without a font that has Thai letters,
 * rendering throws, naming the package to install.
 */

export interface MenuImage {
  data: Buffer;
  contentType: 'image/png' | 'image/jpeg';
}

/** LINE refuses a rich menu image of 1 MB or more. */
export const MAX_IMAGE_BYTES = 1_000_000;

/** The Debian package whose fonts draw the labels (Loma first: Debian's default Thai sans). */
export const THAI_FONT_PACKAGE = 'fonts-thai-tlwg';
const FONT_FAMILIES = ['Loma', 'Waree', 'Garuda', 'Umpush', 'Noto Sans Thai', 'sans-serif'];

const COLOURS = {
  panel: '#1553b6',
  divider: '#6f9be0',
  disc: '#ffffff',
  icon: '#1553b6',
  label: '#ffffff',
};

/** Type sizes in pixels of the 2500-pixel-wide image (a phone shows it about 6 times smaller). */
const LABEL_SIZE = 112;
const LABEL_MIN_SIZE = 72;
const LINE_HEIGHT = 1.28;

export async function renderMenuImage(spec: MenuSpec): Promise<MenuImage> {
  return encodeMenuImage(await menuSvg(spec), spec.size);
}

/** The menu drawn as SVG (its labels measured with the installed fonts, which are checked first). */
export async function menuSvg(spec: MenuSpec): Promise<string> {
  await assertThaiFont();
  const cells = await Promise.all(spec.buttons.map((b) => cellSvg(b)));
  const { width, height } = spec.size;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="${width}" height="${height}" fill="${COLOURS.panel}"/>`,
    ...cells,
    dividers(spec),
    '</svg>',
  ].join('\n');
}

/** PNG when it fits under the limit (every menu so far: 80-130 kB), else the best JPEG that does. */
export async function encodeMenuImage(svg: string, size: { width: number; height: number }, maxBytes = MAX_IMAGE_BYTES): Promise<MenuImage> {
  const input = Buffer.from(svg, 'utf8');
  const png = await sharp(input).removeAlpha().png({ compressionLevel: 9, adaptiveFiltering: true }).toBuffer({ resolveWithObject: true });
  checkSize(png.info, size);
  if (png.data.length < maxBytes) return { data: png.data, contentType: 'image/png' };
  for (const quality of [92, 85, 75, 60]) {
    const jpeg = await sharp(input).removeAlpha().jpeg({ quality, mozjpeg: true }).toBuffer({ resolveWithObject: true });
    checkSize(jpeg.info, size);
    if (jpeg.data.length < maxBytes) return { data: jpeg.data, contentType: 'image/jpeg' };
  }
  throw new Error(`rich menu image ${size.width}x${size.height} stays over ${maxBytes} bytes even as a JPEG`);
}

function checkSize(info: OutputInfo, size: { width: number; height: number }): void {
  if (info.width !== size.width || info.height !== size.height) {
    throw new Error(`rich menu image came out ${info.width}x${info.height}, not ${size.width}x${size.height}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Fonts: Pango draws a letter no installed font has as a box showing its code point. Every such
// box has the same size, whatever the letter; real Thai letters differ in width and are shorter.

let fontChecked: Promise<void> | undefined;

/** Throws when no installed font has Thai letters (checked once per process while it passes). */
export function assertThaiFont(): Promise<void> {
  fontChecked ??= checkThaiFont().catch((e: unknown) => {
    fontChecked = undefined;
    throw e;
  });
  return fontChecked;
}

async function checkThaiFont(): Promise<void> {
  const hint = `Install Debian's ${THAI_FONT_PACKAGE} (apt-get install -y ${THAI_FONT_PACKAGE}); it has ${FONT_FAMILIES[0]}, the font the menus use.`;
  // U+0E5C is unassigned in the Thai block: no font has it, so it is always drawn as a box.
  const sizes = await Promise.all(['\u0e5c', '\u0e01', '\u0e21', '\u0e2d'].map((c) => inkSize(c, 100))).catch((e: unknown) => {
    throw new Error(`Could not draw Thai letters to check the fonts (${e instanceof Error ? e.message : String(e)}). ${hint}`);
  });
  const [box, ...letters] = sizes;
  const boxed = letters.filter((l) => l.width === box!.width && l.height === box!.height);
  if (boxed.length > 0) {
    throw new Error(`No font with Thai letters is installed, so the rich menu's Thai labels would be drawn as empty boxes. ${hint}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Labels: measured by Pango itself (the same fonts and shaping as the SVG), wrapped at a word
// boundary (Thai has no spaces: ICU's dictionary finds the words), and shrunk only if needed.

const measured = new Map<string, number>();

async function inkSize(text: string, size: number): Promise<{ width: number; height: number }> {
  const font = `${FONT_FAMILIES.join(',')} Bold ${size}`;
  const { info } = await sharp({ text: { text: escapeXml(text), font, dpi: 72 } })
    .png()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height };
}

/** A line's ink width at LABEL_SIZE (at another size it scales in proportion). */
async function textWidth(text: string): Promise<number> {
  let width = measured.get(text);
  if (width === undefined) {
    width = (await inkSize(text, LABEL_SIZE)).width;
    measured.set(text, width);
  }
  return width;
}

/** The ways to set a label: as written (a line break in the text is kept), or cut in two at a word. */
function layouts(label: string): string[][] {
  const written = label
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  if (written.length > 1) return [written];
  const words = [...new Intl.Segmenter('th', { granularity: 'word' }).segment(written[0] ?? '')].map((s) => s.segment);
  const out: string[][] = [[words.join('').trim()]];
  for (let i = 1; i < words.length; i++) {
    const first = words.slice(0, i).join('').trim();
    const second = words.slice(i).join('').trim();
    if (first !== '' && second !== '') out.push([first, second]);
  }
  return out;
}

export interface LabelLayout {
  lines: string[];
  size: number;
}

/** One line at full size if it fits, else the most even cut in two, made smaller if still too wide. */
export async function layoutLabel(label: string, maxWidth: number): Promise<LabelLayout> {
  let best: { lines: string[]; widest: number } | undefined;
  for (const lines of layouts(label)) {
    const widest = Math.max(...(await Promise.all(lines.map(textWidth))));
    if (lines.length === 1 && widest <= maxWidth) return { lines, size: LABEL_SIZE };
    if (lines.length > 1 && (best === undefined || widest < best.widest)) best = { lines, widest };
  }
  best ??= { lines: layouts(label)[0]!, widest: await textWidth(label) };
  const size = Math.min(LABEL_SIZE, Math.floor((LABEL_SIZE * maxWidth) / best.widest));
  return { lines: best.lines, size: Math.max(size, LABEL_MIN_SIZE) };
}

// ---------------------------------------------------------------------------------------------
// Drawing

async function cellSvg(button: MenuButton): Promise<string> {
  const b = button.bounds;
  const disc = Math.round(b.height * 0.36);
  const cx = b.x + b.width / 2;
  const discY = b.y + b.height * 0.35;
  const label = await layoutLabel(button.label, Math.round(b.width * 0.84));
  return [
    `<g id="${button.id}">`,
    `<circle cx="${cx}" cy="${discY}" r="${disc / 2}" fill="${COLOURS.disc}"/>`,
    icon(button.id, cx - disc / 2, discY - disc / 2, disc),
    labelSvg(label, cx, b.y + b.height * 0.76),
    '</g>',
  ].join('\n');
}

/** Lines centred on (cx, cy); a baseline 0.36 em below a line's middle centres Thai and Latin alike. */
function labelSvg(label: LabelLayout, cx: number, cy: number): string {
  const step = label.size * LINE_HEIGHT;
  const top = cy - (step * (label.lines.length - 1)) / 2;
  const family = FONT_FAMILIES.join(', ');
  return label.lines
    .map((line, i) => {
      const y = Math.round(top + i * step + label.size * 0.36);
      return (
        `<text x="${cx}" y="${y}" text-anchor="middle" font-family="${family}" font-weight="bold" ` +
        `font-size="${label.size}" fill="${COLOURS.label}">${escapeXml(line)}</text>`
      );
    })
    .join('\n');
}

/** Thin lines between neighbouring cells (each cell's right and bottom edges inside the image). */
function dividers(spec: MenuSpec): string {
  const { width, height } = spec.size;
  const inset = 60;
  const lines: string[] = [];
  for (const { x, y, width: w, height: h } of spec.buttons.map((b) => b.bounds)) {
    if (x + w < width) lines.push(line(x + w, y + inset, x + w, y + h - inset));
    if (y + h < height) lines.push(line(x + inset, y + h, x + w - inset, y + h));
  }
  return `<g stroke="${COLOURS.divider}" stroke-width="6" stroke-linecap="round">${lines.join('')}</g>`;
}

function line(x1: number, y1: number, x2: number, y2: number): string {
  return `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}"/>`;
}

/**
 * The icons, drawn on a 100 by 100 grid (the disc is the circle of radius 50 on it) as strokes
 * and shapes in the panel's blue.
 */
const ICONS: Record<MenuButtonId, string> = {
  // A shop front with a check mark: "is my store connected?"
  status:
    '<path d="M25 30 H75 L80 44 H20 Z"/>' +
    '<path d="M26 44 V74 H74 V44"/>' +
    '<path d="M38 60 L47 68 L63 52" stroke-width="7"/>',
  // A speech bubble with a question mark: the common problems.
  problems:
    '<path d="M28 22 H72 A6 6 0 0 1 78 28 V62 A6 6 0 0 1 72 68 H50 L36 80 V68 H28 A6 6 0 0 1 22 62 V28 A6 6 0 0 1 28 22 Z"/>' +
    '<path d="M42.5 38 A7.5 7.5 0 1 1 53.5 44.6 Q50 46.6 50 50.5 V51.5"/>' +
    '<circle cx="50" cy="59.5" r="3.6" fill="currentColor" stroke="none"/>',
  // A chain link: link the LINE account to BigSeller.
  link:
    '<g transform="rotate(-45 50 50)">' +
    '<path d="M43 36 H29 A14 14 0 0 0 29 64 H43"/>' +
    '<path d="M57 64 H71 A14 14 0 0 0 71 36 H57"/>' +
    '<path d="M37 50 H63"/>' +
    '</g>',
  // A ticket with notched sides and a tear line: the seller's reported cases.
  tickets:
    '<g transform="rotate(-12 50 50)">' +
    '<path d="M22 34 H78 V44 A6 6 0 0 0 78 56 V66 H22 V56 A6 6 0 0 0 22 44 Z"/>' +
    '<path d="M60 38 V62" stroke-dasharray="4 5" stroke-width="4"/>' +
    '</g>',
  // A headset with a microphone: talk to a person.
  support:
    '<path d="M28 56 V50 A22 22 0 0 1 72 50 V56"/>' +
    '<rect x="21" y="50" width="13" height="20" rx="5" fill="currentColor"/>' +
    '<rect x="66" y="50" width="13" height="20" rx="5" fill="currentColor"/>' +
    '<path d="M72 70 Q72 78 60 78 H55"/>' +
    '<circle cx="52" cy="78" r="3.5" fill="currentColor"/>',
};

function icon(id: MenuButtonId, x: number, y: number, size: number): string {
  const scale = size / 100;
  return (
    `<g transform="translate(${x} ${y}) scale(${scale})" color="${COLOURS.icon}" fill="none" stroke="currentColor" ` +
    `stroke-width="5.5" stroke-linecap="round" stroke-linejoin="round">${ICONS[id]}</g>`
  );
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

