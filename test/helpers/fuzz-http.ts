import http from 'node:http';
import net from 'node:net';

/**
 * Sending of hostile HTTP requests for the fuzz test (test/operations/fuzz.test.ts): each on a
 * connection of its own (no keep-alive: a dropped connection is then always the server's doing),
 * bytes as given (bodies may be invalid UTF-8, paths may hold latin1 bytes), and every way a
 * request can end reported instead of thrown.
 */

export interface FuzzRequest {
  /** The class of request, for grouping what failed. */
  label: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** A WebSocket upgrade request (Connection: Upgrade): a 101 is an answer too. */
  upgrade?: boolean;
  /**
   * The client goes away this many ms after sending (reset when `reset`): only the server's
   * survival is checked, not an answer.
   */
  abortAfterMs?: number;
  reset?: boolean;
  /** Written as they are on a raw socket instead (malformed requests http.request refuses to make). */
  raw?: Buffer;
  /** Written on the WebSocket once upgraded (101), before the client leaves: frames of any kind. */
  afterUpgrade?: Buffer;
  /** Node's own HTTP parser may close the connection without an answer (a malformed request): not a failure. */
  mayDrop?: boolean;
}

export interface FuzzOutcome {
  /** The HTTP status, 101 for an accepted upgrade; undefined when no answer came. */
  status?: number;
  /** What went wrong on the connection: ECONNRESET, socket hang up, ECONNREFUSED, timeout... */
  error?: string;
  /** The start of the answer's body, for the report. */
  body: string;
  ms: number;
  /** The client went away on purpose (abortAfterMs): no answer expected. */
  aborted?: boolean;
  /** The answer's X-Request-Id: the server's log lines about this request carry it. */
  requestId?: string;
}

const KEEP = 600;

/** Sends one request to 127.0.0.1:port and reports how it ended; never rejects. */
export function send(port: number, req: FuzzRequest, timeoutMs: number): Promise<FuzzOutcome> {
  if (req.raw) return sendRaw(port, req, timeoutMs);
  const started = Date.now();
  return new Promise<FuzzOutcome>((resolve) => {
    // Node's client leaves Content-Length out for a GET with a body: the server then read the
    // body as the next request. Given explicitly unless the body goes chunked.
    const headers = { ...req.headers };
    if (req.body && !hasHeader(headers, 'transfer-encoding') && !hasHeader(headers, 'content-length')) headers['content-length'] = String(req.body.length);
    // Keep-alive, as browsers and LINE connect: with Connection: close, Node's server closes the
    // socket right after an answer given before the body was read (a 404, a 429), and a client
    // still sending gets EPIPE instead of it. The client closes the connection after the answer.
    if (!hasHeader(headers, 'connection')) headers.connection = 'keep-alive';
    let r: http.ClientRequest;
    try {
      r = http.request({ host: '127.0.0.1', port, method: req.method, path: req.path, headers, agent: false, setHost: !hasHeader(req.headers, 'host') });
    } catch (err) {
      // The client refused to make it (a generator bug, not the server's): reported as such.
      resolve({ error: `client refused the request: ${(err as Error).message}`, body: '', ms: 0 });
      return;
    }
    let settled = false;
    const timer = setTimeout(() => {
      done({ error: `timeout: no answer within ${timeoutMs} ms`, body: '' });
      r.destroy();
    }, timeoutMs);
    const done = (o: Omit<FuzzOutcome, 'ms'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...o, ms: Date.now() - started });
    };
    r.on('response', (res) => {
      let body = '';
      res.on('data', (d: Buffer) => {
        if (body.length < KEEP) body += d.toString('latin1').slice(0, KEEP - body.length);
      });
      const requestId = typeof res.headers['x-request-id'] === 'string' ? res.headers['x-request-id'] : undefined;
      res.on('end', () => {
        done({ status: res.statusCode, body, requestId });
        res.socket?.destroy();
      });
      res.on('error', (err) => done({ status: res.statusCode, error: describe(err), body, requestId }));
      res.on('aborted', () => done({ status: res.statusCode, error: 'response aborted (connection closed mid-answer)', body, requestId }));
    });
    r.on('upgrade', (res, socket) => {
      socket.on('error', () => undefined);
      if (req.afterUpgrade) socket.write(req.afterUpgrade);
      // A moment for the server to read what was written (and for a first push to arrive).
      setTimeout(() => socket.destroy(), req.afterUpgrade ? 20 : 0);
      done({ status: res.statusCode, body: '' });
    });
    let abortedOnPurpose = false;
    r.on('error', (err) => done(abortedOnPurpose ? { aborted: true, body: '' } : { error: describe(err), body: '' }));
    if (req.abortAfterMs !== undefined) {
      // Once the request is written: the server has it (or part of it) when the client goes away.
      r.on('finish', () => {
        setTimeout(() => {
          abortedOnPurpose = true;
          const socket = r.socket;
          if (req.reset && socket instanceof net.Socket && !socket.destroyed) socket.resetAndDestroy();
          else r.destroy();
          done({ aborted: true, body: '' });
        }, req.abortAfterMs);
      });
    }
    r.end(req.body);
  });
}

/** Raw bytes on a socket: the status line of the answer, if any, and how the connection ended. */
function sendRaw(port: number, req: FuzzRequest, timeoutMs: number): Promise<FuzzOutcome> {
  const started = Date.now();
  return new Promise<FuzzOutcome>((resolve) => {
    let got = '';
    let settled = false;
    const done = (o: Omit<FuzzOutcome, 'ms' | 'body' | 'status'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(got)?.[1];
      socket.destroy();
      resolve({ ...o, status: status ? Number(status) : undefined, body: got.slice(0, KEEP), ms: Date.now() - started });
    };
    const socket = net.connect(port, '127.0.0.1', () => socket.write(req.raw!));
    const timer = setTimeout(() => done(got ? {} : { error: `timeout: no answer within ${timeoutMs} ms` }), timeoutMs);
    socket.on('data', (d: Buffer) => {
      if (got.length < KEEP) got += d.toString('latin1');
      // One answer is enough: a server keeping the connection open after it is not at fault.
      if (/\r\n\r\n/.test(got) && !/^HTTP\/1\.[01] 1\d\d/.test(got)) setTimeout(() => done({}), 20);
    });
    socket.on('end', () => done(got ? {} : { error: 'connection closed without an answer' }));
    socket.on('error', (err) => done(got ? {} : { error: describe(err) }));
  });
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((k) => k.toLowerCase() === name);
}

function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code ? `${e.code} (${e.message})` : e.message;
}

/** A request written out for a failure report: short enough to read, enough to replay. */
export function showRequest(req: FuzzRequest): string {
  const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s);
  const headers = Object.entries(req.headers)
    .map(([k, v]) => `    ${k}: ${JSON.stringify(cut(v, 200))}`)
    .join('\n');
  const body = req.raw ?? req.body;
  const bodyText = body ? `${JSON.stringify(cut(body.subarray(0, 400).toString('latin1'), 300))}${body.length > 400 ? ` … (${body.length} bytes)` : ''}` : '(none)';
  const extra = [req.upgrade ? 'upgrade' : '', req.abortAfterMs !== undefined ? `client goes away after ${req.abortAfterMs} ms${req.reset ? ' (RST)' : ''}` : '']
    .filter(Boolean)
    .join(', ');
  return `  [${req.label}] ${req.raw ? 'RAW' : req.method} ${JSON.stringify(cut(req.path, 300))}${extra ? ` (${extra})` : ''}\n${headers}\n    body: ${bodyText}`;
}

/**
 * A stand-in for the LINE API that says yes to everything (200, a link token when asked for
 * one): the fuzz is about what the bot is sent, not what LINE answers.
 */
export async function startFakeLine(): Promise<{ url: string; calls: () => number; stop: () => Promise<void> }> {
  let calls = 0;
  const server = http.createServer((req, res) => {
    calls++;
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ sentMessages: [{ id: '1', quoteToken: 'q' }], linkToken: 'fuzz-link-token' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls: () => calls,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
