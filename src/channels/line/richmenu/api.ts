import { HTTPFetchError, messagingApi } from '@line/bot-sdk';
import { dataApiBaseUrl } from '../client';

/**
 * The rich-menu calls of the Messaging API, as the publisher and the per-seller linker use them.
 * They are rare (a deploy, a seller linking), so the SDK's own clients do: no pool, no retries
 * here; a publish run is re-run safely, and a seller's link is tried again on their next turn.
 */
export interface RichMenuApi {
  list(): Promise<{ id: string; name: string }[]>;
  create(request: messagingApi.RichMenuRequest): Promise<string>;
  upload(id: string, image: { data: Buffer; contentType: string }): Promise<void>;
  defaultId(): Promise<string | undefined>;
  setDefault(id: string): Promise<void>;
  /** Moves every seller linked to `from` onto `to` (the batch API) and waits until LINE is done. */
  moveSellers(from: string, to: string): Promise<void>;
  remove(id: string): Promise<void>;
  linkSeller(lineUserId: string, id: string): Promise<void>;
  unlinkSeller(lineUserId: string): Promise<void>;
}

export interface BatchWait {
  /** Between two progress reads. */
  pollMs: number;
  /** Gives up (the run fails, and a re-run finishes the move) after this long. */
  timeoutMs: number;
  sleep: (ms: number) => Promise<void>;
}

const DEFAULT_WAIT: BatchWait = { pollMs: 2000, timeoutMs: 10 * 60_000, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

const notFound = (err: unknown) => err instanceof HTTPFetchError && err.status === 404;

export class LineRichMenuApi implements RichMenuApi {
  private readonly client: messagingApi.MessagingApiClient;
  private readonly blob: messagingApi.MessagingApiBlobClient;
  private readonly wait: BatchWait;

  constructor(opts: { channelAccessToken: string; apiBaseUrl: string; wait?: Partial<BatchWait> }) {
    const base = opts.apiBaseUrl.replace(/\/+$/, '');
    this.client = new messagingApi.MessagingApiClient({ channelAccessToken: opts.channelAccessToken, baseURL: base });
    this.blob = new messagingApi.MessagingApiBlobClient({ channelAccessToken: opts.channelAccessToken, baseURL: dataApiBaseUrl(base) });
    this.wait = { ...DEFAULT_WAIT, ...opts.wait };
  }

  async list(): Promise<{ id: string; name: string }[]> {
    const { richmenus } = await this.client.getRichMenuList();
    return richmenus.map((m) => ({ id: m.richMenuId, name: m.name }));
  }

  async create(request: messagingApi.RichMenuRequest): Promise<string> {
    return (await this.client.createRichMenu(request)).richMenuId;
  }

  async upload(id: string, image: { data: Buffer; contentType: string }): Promise<void> {
    await this.blob.setRichMenuImage(id, new Blob([new Uint8Array(image.data)], { type: image.contentType }));
  }

  async defaultId(): Promise<string | undefined> {
    try {
      return (await this.client.getDefaultRichMenuId()).richMenuId;
    } catch (err) {
      // No default menu set: LINE answers 404.
      if (notFound(err)) return undefined;
      throw err;
    }
  }

  async setDefault(id: string): Promise<void> {
    await this.client.setDefaultRichMenu(id);
  }

  async moveSellers(from: string, to: string): Promise<void> {
    const res = await this.client.richMenuBatchWithHttpInfo({ operations: [{ type: 'link', from, to }] });
    const requestId = res.httpResponse.headers.get('x-line-request-id');
    if (!requestId) throw new Error('LINE accepted the rich menu batch without a request id to follow');
    const { pollMs, timeoutMs, sleep } = this.wait;
    for (let waited = 0; ; waited += pollMs) {
      const { phase } = await this.client.getRichMenuBatchProgress(requestId);
      if (phase === 'succeeded') return;
      if (phase === 'failed') throw new Error(`LINE could not move every seller from rich menu ${from} to ${to} (batch ${requestId})`);
      if (waited >= timeoutMs) throw new Error(`moving sellers from rich menu ${from} to ${to} still ongoing after ${timeoutMs} ms (batch ${requestId})`);
      await sleep(pollMs);
    }
  }

  async remove(id: string): Promise<void> {
    try {
      await this.client.deleteRichMenu(id);
    } catch (err) {
      // Already gone (deleted by hand in the console, or by an earlier run): nothing to do.
      if (!notFound(err)) throw err;
    }
  }

  async linkSeller(lineUserId: string, id: string): Promise<void> {
    await this.client.linkRichMenuIdToUser(lineUserId, id);
  }

  async unlinkSeller(lineUserId: string): Promise<void> {
    await this.client.unlinkRichMenuIdFromUser(lineUserId);
  }
}
