import { createHash } from 'node:crypto';
import type { messagingApi } from '@line/bot-sdk';
import { linkAction } from '../../../conversation/messages';
import { shortenLabel } from '../render';
import type { Translate } from '../../../i18n';
import type { Language } from '../../../knowledge/schema';

/**
 * What the LINE rich menus are (pure: no I/O): one for sellers who have not linked their
 * BigSeller account and one for those who have, in Thai and in English. The buttons send
 * postbacks the conversation already understands; those strings live on LINE's servers with
 * the menu and outlive a deploy, so they are listed in docs/channels.md and never change.
 */

export type MenuKind = 'unlinked' | 'linked';
export const MENU_KINDS: readonly MenuKind[] = ['unlinked', 'linked'];
export const MENU_LANGUAGES: readonly Language[] = ['th', 'en'];

export type MenuButtonId = 'status' | 'problems' | 'link' | 'tickets' | 'support';

export interface Bounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface MenuButton {
  id: MenuButtonId;
  /** The words on the image (may hold a line break). */
  label: string;
  /** What the seller's chat shows as their message when they tap it. */
  displayText: string;
  /** The postback data: an action of the conversation core. */
  data: string;
  bounds: Bounds;
}

export interface MenuSpec {
  kind: MenuKind;
  lang: Language;
  /** `<kind>-<lang>`: how the menu is known in storage and in logs. */
  key: string;
  size: { width: 2500; height: 843 | 1686 };
  /** The chat bar's text (at most 14 characters on LINE). */
  chatBarText: string;
  buttons: MenuButton[];
}

/** The postbacks the rich menus send (besides `account:link:<lang>`). Never rename one. */
export const MENU_POSTBACKS = { status: 'status', problems: 'menu', tickets: 'tickets', support: 'handover' } as const;

const WIDTH = 2500;

/** Cells of a grid over the image, left to right then top to bottom. */
function grid(columns: number, rows: number, height: number): Bounds[] {
  const cells: Bounds[] = [];
  const w = Math.floor(WIDTH / columns);
  const h = Math.floor(height / rows);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      // The last column and row take the rounding, so the areas cover the whole image.
      cells.push({ x: c * w, y: r * h, width: c === columns - 1 ? WIDTH - c * w : w, height: r === rows - 1 ? height - r * h : h });
    }
  }
  return cells;
}

function button(t: Translate, lang: Language, id: MenuButtonId, bounds: Bounds): MenuButton {
  const data = id === 'link' ? linkAction(lang) : MENU_POSTBACKS[id];
  return {
    id,
    label: t(lang, `line.richmenu.button.${id}`),
    displayText: t(lang, `line.richmenu.say.${id}`),
    data,
    bounds,
  };
}

/** The four menus: unlinked (three buttons in one row) and linked (four, two by two), per language. */
export function menuSpecs(t: Translate): MenuSpec[] {
  const specs: MenuSpec[] = [];
  for (const lang of MENU_LANGUAGES) {
    const small = grid(3, 1, 843);
    specs.push({
      kind: 'unlinked',
      lang,
      key: `unlinked-${lang}`,
      size: { width: WIDTH, height: 843 },
      chatBarText: t(lang, 'line.richmenu.chatBar'),
      buttons: [button(t, lang, 'problems', small[0]!), button(t, lang, 'link', small[1]!), button(t, lang, 'support', small[2]!)],
    });
    const large = grid(2, 2, 1686);
    specs.push({
      kind: 'linked',
      lang,
      key: `linked-${lang}`,
      size: { width: WIDTH, height: 1686 },
      chatBarText: t(lang, 'line.richmenu.chatBar'),
      buttons: [
        button(t, lang, 'status', large[0]!),
        button(t, lang, 'problems', large[1]!),
        button(t, lang, 'tickets', large[2]!),
        button(t, lang, 'support', large[3]!),
      ],
    });
  }
  return specs;
}

/** The Messaging API's body for creating the menu; `selected` opens it when the chat opens. */
export function richMenuRequest(spec: MenuSpec, version: string): messagingApi.RichMenuRequest {
  return {
    size: spec.size,
    selected: true,
    // Not shown to sellers: how an operator tells the bot's menus (and their version) apart.
    name: `connection-help ${spec.key} ${version}`.slice(0, 300),
    chatBarText: spec.chatBarText,
    areas: spec.buttons.map((b) => ({
      bounds: b.bounds,
      action: { type: 'postback', data: b.data, displayText: b.displayText, label: shortenLabel(b.label) },
    })),
  };
}

/** A menu's version: the same definition and image, the same version, so a re-run changes nothing. */
export function menuVersion(spec: MenuSpec, image: Buffer): string {
  return createHash('sha256').update(JSON.stringify(richMenuRequest(spec, ''))).update(image).digest('hex').slice(0, 16);
}
