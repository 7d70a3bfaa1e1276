import type { Logger } from '../../../logger';
import type { MenuRecord, RichMenuStore } from '../../../storage/richmenu-store';
import type { RichMenuApi } from './api';
import { menuVersion, richMenuRequest, type MenuSpec } from './definition';

/** The menu every seller sees until the bot links another to them: not linked, in Thai. */
export const DEFAULT_MENU_KEY = 'unlinked-th';
/** The start of the name of every menu this bot creates: how a run knows its own on LINE. */
export const MENU_NAME_PREFIX = 'connection-help ';

export interface MenuImage {
  data: Buffer;
  contentType: string;
}

export interface PublishOutcome {
  key: string;
  outcome: 'unchanged' | 'created' | 'replaced';
  id: string;
  version: string;
  /** Earlier menus whose sellers were moved to this one and which were then deleted. */
  retired: string[];
}

export interface PublishDeps {
  api: RichMenuApi;
  store: RichMenuStore;
  render: (spec: MenuSpec) => Promise<MenuImage>;
  log: Logger;
}

/**
 * Creates or replaces the rich menus. A menu's image cannot be changed on LINE, so a changed
 * menu (definition or image: its version) is a new menu: created with its image, recorded as
 * current (the bot links new sellers to it from then on), made the default if it is the
 * default's, then every seller still linked to the one it replaces is moved over by LINE's
 * batch API, and the old one deleted. Each step is recorded before the next, so a run that
 * stops anywhere is finished by the next one; an unchanged menu is left as it is.
 *
 * Menus of this bot on LINE that the storage does not know (`unrecorded`) are only reported,
 * unless `deleteUnrecorded`: they are what a run stopped between creating a menu and recording
 * it leaves, but also the live menus of a bot whose storage this is not (another DATA_DIR,
 * staging on the same channel), whose sellers would all lose their menu.
 */
export async function publishMenus(
  specs: readonly MenuSpec[],
  deps: PublishDeps,
  opts: { deleteUnrecorded?: boolean } = {},
): Promise<{ menus: PublishOutcome[]; unrecorded: string[]; deleted: boolean }> {
  const live = new Set((await deps.api.list()).map((m) => m.id));
  const menus: PublishOutcome[] = [];
  for (const spec of specs) menus.push(await publishOne(spec, live, deps));
  const unrecorded = await unrecordedMenus(deps, new Set(menus.map((m) => m.id)));
  if (opts.deleteUnrecorded) {
    for (const id of unrecorded) await deps.api.remove(id);
    if (unrecorded.length > 0) deps.log.info({ ids: unrecorded }, 'unrecorded rich menus of this bot deleted');
  } else if (unrecorded.length > 0) {
    deps.log.warn({ ids: unrecorded }, 'rich menus of this bot on LINE that this storage does not know: left as they are');
  }
  return { menus, unrecorded, deleted: Boolean(opts.deleteUnrecorded) && unrecorded.length > 0 };
}

async function publishOne(spec: MenuSpec, live: ReadonlySet<string>, deps: PublishDeps): Promise<PublishOutcome> {
  const { api, store, log } = deps;
  const image = await deps.render(spec);
  const version = menuVersion(spec, image.data);
  let record: MenuRecord = await store.get(spec.key);
  // Only what still exists on LINE counts: a menu deleted by hand is neither current nor to be moved.
  record = { ...record, retired: record.retired.filter((id) => live.has(id)) };
  let outcome: PublishOutcome['outcome'] = 'unchanged';
  if (!record.current || record.current.version !== version || !live.has(record.current.id)) {
    const id = await api.create(richMenuRequest(spec, version));
    await api.upload(id, image);
    const earlier = record.current && live.has(record.current.id) ? [record.current.id] : [];
    outcome = earlier.length > 0 ? 'replaced' : 'created';
    record = { current: { id, version }, retired: [...record.retired, ...earlier] };
    await store.put(spec.key, record);
    log.info({ menu: spec.key, id, version }, 'LINE rich menu created');
  }
  const current = record.current!;
  if (spec.key === DEFAULT_MENU_KEY && (await api.defaultId()) !== current.id) {
    await api.setDefault(current.id);
    log.info({ menu: spec.key, id: current.id }, 'LINE rich menu set as the default');
  }
  const retired: string[] = [];
  for (const old of record.retired) {
    await api.moveSellers(old, current.id);
    await api.remove(old);
    retired.push(old);
    record = { ...record, retired: record.retired.filter((id) => id !== old) };
    await store.put(spec.key, record);
    log.info({ menu: spec.key, from: old, to: current.id }, 'sellers moved to the new rich menu, old one deleted');
  }
  return { key: spec.key, outcome, id: current.id, version, retired };
}

/** Menus of this bot on LINE (by their name) that no record of this storage knows. */
async function unrecordedMenus(deps: PublishDeps, known: ReadonlySet<string>): Promise<string[]> {
  return (await deps.api.list()).filter((m) => m.name.startsWith(MENU_NAME_PREFIX) && !known.has(m.id)).map((m) => m.id);
}
