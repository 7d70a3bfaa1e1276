import type http from 'node:http';
import type { Duplex } from 'node:stream';
import type { DirectLineStore } from '../../storage/directline-store';
import { conversationOf, HttpError } from './directline-http';
import { refuseUpgrade, StreamRefused, type DirectLineStreams } from './directline-stream';
import { bearerToken, type ConversationTokens } from './directline-tokens';
import { parseWatermark } from './directline-validation';

export interface StreamUpgradeDeps {
  store: DirectLineStore;
  tokens: ConversationTokens;
  streams: DirectLineStreams;
  /** The router's mount path (DirectLineDeps.mountPath). */
  mountPath: string;
}

/** Takes the HTTP server's upgrade requests for the conversations' streams (false: not one of ours). */
export function streamUpgrade(deps: StreamUpgradeDeps) {
  const { store, tokens, streams, mountPath } = deps;
  return (req: http.IncomingMessage, socket: Duplex, head: Buffer): boolean => {
    // Called from the server's 'upgrade' event, outside express: whatever it throws ends the process.
    const url = URL.canParse(req.url ?? '/', 'http://stream.invalid') ? new URL(req.url ?? '/', 'http://stream.invalid') : undefined;
    const prefix = `${mountPath}/conversations/`;
    if (!url || !url.pathname.startsWith(prefix) || !url.pathname.endsWith('/stream')) return false;
    let conversationId: string;
    try {
      conversationId = decodeURIComponent(url.pathname.slice(prefix.length, -'/stream'.length));
    } catch {
      // A malformed percent code (%E0%A4%A): 400, as express answers it on the other routes.
      refuseUpgrade(socket, 400);
      return true;
    }
    streams.accept(req, socket, head, async () => {
      // The same checks as the routes' (401, 403, 404), answered before any WebSocket exists. The
      // token comes in the address (browsers cannot set headers on a WebSocket), or as a Bearer header.
      try {
        tokens.claimsFor(url.searchParams.get('t') ?? bearerToken(req.headers.authorization), conversationId);
        await conversationOf(store, conversationId);
      } catch (err) {
        throw err instanceof HttpError ? new StreamRefused(err.status as 401 | 403 | 404, err.message) : err;
      }
      return { conversationId, watermark: parseWatermark(url.searchParams.get('watermark')) };
    });
    return true;
  };
}
