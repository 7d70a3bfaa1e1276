import type express from 'express';

/**
 * LINE's rich menu endpoints as a stand-in keeps them: menus with their images, the default,
 * each user's own menu, and batch moves with their progress. It refuses what LINE refuses for
 * these calls (sizes, area bounds, label and chat bar lengths, an image that does not match its
 * menu or is over 1 MB, a second image, linking a menu without an image), so a menu accepted here
 * would not be refused by LINE for those reasons.
 */
export interface FakeMenu {
  id: string;
  request: any;
  image?: { contentType: string; bytes: number; width: number; height: number };
}

const graphemes = (s: string) => Array.from(new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(s)).length;

/** Width and height from a PNG's IHDR or a JPEG's SOF marker. */
export function imageSize(data: Buffer): { width: number; height: number } | undefined {
  if (data.length > 24 && data.readUInt32BE(0) === 0x89504e47) return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
  if (data[0] !== 0xff || data[1] !== 0xd8) return undefined;
  for (let i = 2; i + 9 < data.length; ) {
    if (data[i] !== 0xff) return undefined;
    const marker = data[i + 1]!;
    const length = data.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: data.readUInt16BE(i + 5), width: data.readUInt16BE(i + 7) };
    }
    i += 2 + length;
  }
  return undefined;
}

export function richMenuProblems(m: any): string[] {
  const problems: string[] = [];
  const { width, height } = m?.size ?? {};
  if (!(width >= 800 && width <= 2500 && height >= 250 && width / height >= 1.45)) problems.push(`size ${width}x${height}`);
  if (typeof m?.name !== 'string' || !m.name || m.name.length > 300) problems.push('name');
  if (typeof m?.chatBarText !== 'string' || !m.chatBarText || m.chatBarText.length > 14) problems.push(`chatBarText "${m?.chatBarText}"`);
  if (typeof m?.selected !== 'boolean') problems.push('selected');
  const areas: any[] = Array.isArray(m?.areas) ? m.areas : [];
  if (areas.length < 1 || areas.length > 20) problems.push(`areas: ${areas.length}`);
  for (const [i, a] of areas.entries()) {
    const b = a?.bounds ?? {};
    if (!(b.x >= 0 && b.y >= 0 && b.width > 0 && b.height > 0 && b.x + b.width <= width && b.y + b.height <= height)) problems.push(`areas[${i}].bounds`);
    const act = a?.action ?? {};
    if (act.type !== 'postback' && act.type !== 'message' && act.type !== 'uri') problems.push(`areas[${i}].action.type`);
    if (act.label !== undefined && graphemes(act.label) > 20) problems.push(`areas[${i}].action.label`);
    if (act.type === 'postback' && (!act.data || act.data.length > 300)) problems.push(`areas[${i}].action.data`);
    if (act.displayText !== undefined && graphemes(act.displayText) > 300) problems.push(`areas[${i}].action.displayText`);
  }
  return problems;
}

export class FakeRichMenus {
  readonly menus = new Map<string, FakeMenu>();
  defaultMenu?: string;
  readonly userMenus = new Map<string, string>();
  /** Phases a batch goes through when its progress is read, before it succeeds (e.g. ['ongoing']). */
  batchPhases: string[] = [];
  private readonly batches = new Map<string, string[]>();
  private seq = 0;

  /** Answers a rich menu call; false when the path is not one. */
  handle(req: express.Request, res: express.Response): boolean {
    const p = req.path;
    const fail = (status: number, message: string) => (res.status(status).json({ message }), true);
    const menuOf = (id: string) => this.menus.get(id);
    let m: RegExpExecArray | null;
    if (req.method === 'POST' && p === '/v2/bot/richmenu') {
      const problems = richMenuProblems(req.body);
      if (problems.length > 0) return fail(400, `Invalid rich menu: ${problems.join('; ')}`);
      const id = `richmenu-${String(++this.seq).padStart(32, '0')}`;
      this.menus.set(id, { id, request: req.body });
      res.json({ richMenuId: id });
      return true;
    }
    if (req.method === 'GET' && p === '/v2/bot/richmenu/list') {
      res.json({ richmenus: [...this.menus.values()].map((x) => ({ richMenuId: x.id, ...x.request })) });
      return true;
    }
    if ((m = /^\/v2\/bot\/richmenu\/([^/]+)\/content$/.exec(p)) && req.method === 'POST') {
      const menu = menuOf(m[1]!);
      if (!menu) return fail(404, 'Not found');
      if (menu.image) return fail(400, 'An image has already been uploaded to the richmenu');
      const data = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const type = String(req.headers['content-type'] ?? '');
      if (type !== 'image/png' && type !== 'image/jpeg') return fail(415, `content type ${type}`);
      if (data.length > 1024 * 1024) return fail(400, 'The image is over 1 MB');
      const size = imageSize(data);
      if (!size || size.width !== menu.request.size.width || size.height !== menu.request.size.height) {
        return fail(400, `image size ${size?.width}x${size?.height} does not match the rich menu`);
      }
      menu.image = { contentType: type, bytes: data.length, ...size };
      res.json({});
      return true;
    }
    if ((m = /^\/v2\/bot\/richmenu\/([^/]+)$/.exec(p)) && req.method === 'DELETE') {
      if (!this.menus.delete(m[1]!)) return fail(404, 'Not found');
      // As LINE does: the menu's users and the default fall back.
      for (const [u, id] of this.userMenus) if (id === m[1]) this.userMenus.delete(u);
      if (this.defaultMenu === m[1]) this.defaultMenu = undefined;
      res.json({});
      return true;
    }
    if (p === '/v2/bot/user/all/richmenu' && req.method === 'GET') {
      if (!this.defaultMenu) return fail(404, 'no default rich menu');
      res.json({ richMenuId: this.defaultMenu });
      return true;
    }
    if ((m = /^\/v2\/bot\/user\/all\/richmenu\/([^/]+)$/.exec(p)) && req.method === 'POST') {
      const menu = menuOf(m[1]!);
      if (!menu) return fail(404, 'Not found');
      if (!menu.image) return fail(400, 'must upload richmenu image before applying it to user');
      this.defaultMenu = menu.id;
      res.json({});
      return true;
    }
    if ((m = /^\/v2\/bot\/user\/([^/]+)\/richmenu\/([^/]+)$/.exec(p)) && req.method === 'POST') {
      const menu = menuOf(m[2]!);
      if (!menu) return fail(404, 'Not found');
      if (!menu.image) return fail(400, 'must upload richmenu image before applying it to user');
      this.userMenus.set(m[1]!, menu.id);
      res.json({});
      return true;
    }
    if ((m = /^\/v2\/bot\/user\/([^/]+)\/richmenu$/.exec(p)) && req.method === 'DELETE') {
      this.userMenus.delete(m[1]!);
      res.json({});
      return true;
    }
    if (p === '/v2/bot/richmenu/batch' && req.method === 'POST') {
      for (const op of req.body?.operations ?? []) {
        if (op.type !== 'link' || !menuOf(op.to)?.image) return fail(400, `bad batch operation ${JSON.stringify(op)}`);
        for (const [u, id] of this.userMenus) if (id === op.from) this.userMenus.set(u, op.to);
      }
      const requestId = `batch-${++this.seq}`;
      this.batches.set(requestId, [...this.batchPhases]);
      res.status(202).set('x-line-request-id', requestId).json({});
      return true;
    }
    if (p === '/v2/bot/richmenu/progress/batch' && req.method === 'GET') {
      const phases = this.batches.get(String(req.query.requestId));
      if (!phases) return fail(404, 'Not found');
      res.json({ phase: phases.shift() ?? 'succeeded', acceptedTime: new Date().toISOString() });
      return true;
    }
    return false;
  }
}
