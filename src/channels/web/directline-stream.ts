import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket } from 'ws';
import type { Logger } from '../../logger';
import type { DirectLineStore } from '../../storage/directline-store';

/**
 * Direct Line's WebSocket stream (`streamUrl`): the conversation's activities pushed as
 * `{"activities": [...], "watermark": "n"}` messages, as Microsoft's service does. Web Chat and
 * botframework-directlinejs use it unless told `webSocket: false`; without it they sat "online"
 * and showed nothing.
 *
 * Activities come from the store, not from memory, and the store says when one is added, by this
 * instance or by another (Redis pub/sub): a turn answered anywhere reaches this socket at once.
 */
export interface StreamOptions {
  store: DirectLineStore;
  log: Logger;
  /**
   * How often an open stream looks in the store anyway: the safety net for an announcement lost
   * while the connection to Redis was down.
   */
  pollMs?: number;
  /** WebSocket pings keep proxies from closing a quiet stream and find dead clients. */
  pingMs?: number;
}

/** Refusal of an upgrade, before any WebSocket exists: an HTTP status on the raw socket. */
export class StreamRefused extends Error {
  constructor(
    readonly status: 401 | 403 | 404,
    message: string,
  ) {
    super(message);
  }
}

const STATUS_TEXT = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error', 503: 'Service Unavailable' } as const;

/** Answers an upgrade request with a plain HTTP status and closes the socket (no WebSocket). */
export function refuseUpgrade(socket: Duplex, status: keyof typeof STATUS_TEXT): void {
  // Node hands an upgrade's socket over without its error listener: a client already gone (reset)
  // made this write fail with an 'error' nobody heard, and that ended the process.
  socket.on('error', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

export class DirectLineStreams {
  // Clients only ever send empty keep-alive messages: nothing large is accepted.
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  private readonly pollMs: number;
  private readonly pingMs: number;

  constructor(private readonly opts: StreamOptions) {
    this.pollMs = opts.pollMs ?? 15_000;
    this.pingMs = opts.pingMs ?? 30_000;
  }

  /**
   * Takes over an upgrade request once `admit` (token and conversation checks) has passed; an
   * admission refused is answered with its HTTP status and the socket closed.
   */
  accept(req: http.IncomingMessage, socket: Duplex, head: Buffer, admit: () => Promise<{ conversationId: string; watermark: number }>): void {
    admit().then(
      ({ conversationId, watermark }) => this.wss.handleUpgrade(req, socket, head, (ws) => this.stream(ws, conversationId, watermark)),
      (err: unknown) => {
        if (!(err instanceof StreamRefused)) this.opts.log.error({ err }, 'Direct Line stream could not open');
        refuseUpgrade(socket, err instanceof StreamRefused ? err.status : 500);
      },
    );
  }

  /** Shutdown: streams are closed as "going away", and their clients reconnect (to another instance). */
  close(): void {
    for (const ws of this.wss.clients) ws.close(1001, 'server restarting');
  }

  get open(): number {
    return this.wss.clients.size;
  }

  private stream(ws: WebSocket, conversationId: string, from: number): void {
    let watermark = from;
    let busy = false;
    let again = false;
    const pump = async () => {
      // One read at a time per socket; a wake during a read reads once more after it.
      if (busy) {
        again = true;
        return;
      }
      busy = true;
      try {
        do {
          again = false;
          const got = await this.opts.store.listActivities(conversationId, watermark);
          if (got.activities.length > 0 && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ activities: got.activities, watermark: String(got.watermark) }));
          watermark = Math.max(watermark, got.watermark);
        } while (again && ws.readyState === WebSocket.OPEN);
      } catch (err) {
        this.opts.log.warn({ err, conversation: conversationId }, 'Direct Line stream could not read activities');
      } finally {
        busy = false;
      }
    };
    const wake = () => void pump();
    const unwatch = this.opts.store.watch(conversationId, wake);
    const poll = setInterval(wake, this.pollMs);
    let alive = true;
    ws.on('pong', () => (alive = true));
    const ping = setInterval(() => {
      if (!alive) return ws.terminate();
      alive = false;
      ws.ping();
    }, this.pingMs);
    ws.on('close', () => {
      clearInterval(poll);
      clearInterval(ping);
      unwatch();
    });
    ws.on('error', (err) => this.opts.log.warn({ err, conversation: conversationId }, 'Direct Line stream error'));
    wake();
  }
}
