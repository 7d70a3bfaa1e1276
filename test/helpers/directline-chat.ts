/** A widget's view of Direct Line over fetch: open a chat, send, read back. For tests against real processes. */
export type Fetcher = (path: string, init?: RequestInit) => Promise<Response>;

/** Requests to one server. */
export const fetcherFor = (base: string): Fetcher => (path, init) => fetch(`${base}${path}`, init);

export interface Activity {
  id: string;
  type: string;
  text?: string;
  replyToId?: string;
  from: { id?: string; role?: string };
  channelData?: { act?: string };
}

export interface Chat {
  conversationId: string;
  token: string;
  /** Posts a message; the Response is returned for its status and headers. */
  send(text: string, headers?: Record<string, string>): Promise<Response>;
  activities(): Promise<Activity[]>;
  /** The texts of the bot's messages so far. */
  botTexts(): Promise<string[]>;
  /** Uploads pictures in one request, as the widget does one; the acts of the bot's answers. */
  upload(...pictures: { bytes: Buffer; name: string; type: string }[]): Promise<string[]>;
}

/** The acts of the bot's answers to activity `id`, once no more came for a moment (or after 15 s). */
export async function actsAnswering(activities: () => Promise<Partial<Pick<Activity, 'type' | 'replyToId' | 'channelData'>>[]>, id: string): Promise<string[]> {
  const end = Date.now() + 15_000;
  let seen = -1;
  let quietSince = Date.now();
  for (;;) {
    const answers = (await activities()).filter((a) => a.replyToId === id && a.type === 'message');
    if (answers.length !== seen) [seen, quietSince] = [answers.length, Date.now()];
    if ((seen > 0 && Date.now() - quietSince > 300) || Date.now() > end) return answers.map((a) => a.channelData?.act ?? '');
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function openChat(f: Fetcher, body: Record<string, unknown> = {}, asOf?: { conversationId: string; token: string }): Promise<Chat> {
  const opened =
    asOf ??
    ((await (await f('/directline/tokens/generate', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json()) as {
      conversationId: string;
      token: string;
    });
  const { conversationId, token } = opened;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const path = `/directline/conversations/${conversationId}/activities`;
  const activities = async () => {
    const r = await f(path, { headers });
    if (r.status !== 200) throw new Error(`GET activities answered ${r.status}`);
    return ((await r.json()) as { activities: Activity[] }).activities;
  };
  return {
    conversationId,
    token,
    send: (text, extra = {}) => f(path, { method: 'POST', headers: { ...headers, ...extra }, body: JSON.stringify({ type: 'message', from: { id: 'u' }, text }) }),
    activities,
    botTexts: async () => (await activities()).filter((a) => a.type === 'message' && a.from.role !== 'user').map((a) => a.text ?? ''),
    upload: async (...pictures) => {
      const form = new FormData();
      for (const { bytes, name, type } of pictures) form.append('file', new Blob([new Uint8Array(bytes)], { type }), name);
      const r = await f(`/directline/conversations/${conversationId}/upload?userId=u`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
      if (r.status !== 200) throw new Error(`upload answered ${r.status}`);
      return actsAnswering(activities, ((await r.json()) as { id: string }).id);
    },
  };
}
