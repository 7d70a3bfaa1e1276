import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type Redis from 'ioredis';
import { parse as parseCookies, serialize as serializeCookie } from 'cookie';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { budget, tooMany } from '../channels/rate-limits';
import type { OutcomeRecords } from '../analytics/outcome-records';
import path from 'node:path';
import type { Logger } from '../logger';
import { SESSION_HOURS, type StaffAuth } from './staff';
import { LearningError, type Learning, type ReviewAction } from './learning';
import { SellerDataError, sellerQueryOf, type FoundSeller, type SellerData, type SellerQuery } from './seller-data';

/** The console's session cookie: sent back only to /admin, never to scripts, never cross-site. */
export const SESSION_COOKIE = 'bs_admin';
/** Failed logins allowed per client address and per account, every quarter of an hour. */
const FAILED_LOGINS = 10;
const MAX_REPORT_DAYS = 366;
/** Works from src/admin (tsx, jest) and from dist/admin (tsc): both one level below the project root's src/ or dist/. */
const CONSOLE_ASSETS = path.resolve(__dirname, '../../src/admin/assets');

export interface AdminRouterOptions {
  staff: StaffAuth;
  outcomes: OutcomeRecords;
  learning: Learning;
  sellers: SellerData;
  /** The knowledge base's topics, for the page's lists. */
  topics: () => { id: string; title: { th: string; en: string } }[];
  /** The page's texts (locales' `console`), by language. */
  texts: Record<string, unknown>;
  /** PUBLIC_BASE_URL: the bot's own origin (besides the Host the request was sent to). */
  publicBaseUrl: string;
  redis?: Redis;
  log: Logger;
}

type Signed = Request & { staffEmail?: string };

/**
 * The support team's console and its API (/admin). Every /admin/api route needs a session;
 * every call that changes something must be JSON from the bot's own origin (a form or a page on
 * another site cannot send it, so no CSRF token is needed); logins are rate-limited.
 */
export function createAdminRouter(opts: AdminRouterOptions): express.Router {
  const router = express.Router();
  const failures = { address: budget('admin-login-address', FAILED_LOGINS, 15 * 60, opts.redis), account: budget('admin-login-account', FAILED_LOGINS, 15 * 60, opts.redis) };
  router.use(express.json({ limit: '64kb' }));
  router.use(sameOriginJson(opts.publicBaseUrl));
  router.use(consolePage(opts.texts));

  router.post('/login', (req, res, next) => {
    login(req, res, opts, failures).catch(next);
  });
  router.post('/logout', (req, res, next) => {
    const token = tokenOf(req);
    (token ? opts.staff.logout(token) : Promise.resolve())
      .then(() => res.setHeader('Set-Cookie', cookie(req, opts.publicBaseUrl, '', 0)).status(204).end())
      .catch(next);
  });
  router.use('/api', requireSession(opts.staff));
  router.get('/api/me', (req: Signed, res) => res.json({ email: req.staffEmail }));
  router.get('/api/topics', (_req, res) => res.json({ topics: opts.topics() }));
  router.get('/api/report', (req, res, next) => {
    const days = req.query.days === undefined ? 30 : Number(req.query.days);
    if (!Number.isInteger(days) || days < 1 || days > MAX_REPORT_DAYS) {
      return void res.status(400).json({ error: { code: 'bad_request', message: `days must be a whole number from 1 to ${MAX_REPORT_DAYS}` } });
    }
    opts.outcomes.report(days).then((r) => res.json(r), next);
  });
  router.get('/api/review', (_req, res, next) => {
    opts.learning
      .groups()
      .then((groups) => res.json({ groups: groups.map(({ members: _members, ...shown }) => shown) }))
      .catch(next);
  });
  router.post('/api/review/:groupId', (req: Signed, res, next) => {
    const action = reviewActionOf(req.body);
    if (!action) return void badRequest(res, 'Send {"action": "phrasing", "topic": "<id>"}, {"action": "off-topic"} or {"action": "dismiss"}');
    opts.learning.act(req.params.groupId!, action, req.staffEmail!).then((done) => res.json({ action: action.action, ...done }), learningError(res, next));
  });
  router.post('/api/phrasings', (req: Signed, res, next) => {
    const body = req.body as { topic?: unknown; text?: unknown } | undefined;
    if (typeof body?.topic !== 'string' || typeof body.text !== 'string') return void badRequest(res, 'Send {"topic": "<id>", "text": "..."}');
    opts.learning.addPhrasing(body.topic, body.text, req.staffEmail!).then((entry) => res.status(201).json({ added: entry !== undefined, ...(entry ? { entry } : {}) }), learningError(res, next));
  });
  router.get('/api/export', (_req, res, next) => {
    opts.learning.export().then((learned) => res.json(learned), next);
  });
  router.get('/api/sellers', (req: Signed, res, next) => {
    withSeller(req.query as Record<string, unknown>, opts, res)
      .then(async (found) => {
        if (!found) return;
        opts.log.info({ staff: req.staffEmail, conversations: found.conversations.length, tickets: found.tickets.length }, 'console: seller data exported');
        res.json(await opts.sellers.export(found));
      })
      .catch(next);
  });
  router.post('/api/sellers/delete', (req: Signed, res, next) => {
    withSeller((req.body ?? {}) as Record<string, unknown>, opts, res)
      .then(async (found) => {
        if (!found) return;
        const deleted = await opts.sellers.delete(found);
        opts.log.info({ staff: req.staffEmail, deleted }, 'console: seller data deleted');
        res.json({ deleted });
      })
      .catch(next);
  });
  router.use('/api', (_req, res) => res.status(404).json({ error: { code: 'not_found', message: 'No such endpoint' } }));
  return router;
}

async function login(req: Request, res: Response, opts: AdminRouterOptions, failures: Record<'address' | 'account', RateLimiterAbstract>): Promise<void> {
  const body = req.body as { email?: unknown; password?: unknown } | undefined;
  if (typeof body?.email !== 'string' || typeof body.password !== 'string' || body.email.length > 254 || body.password.length > 1024) {
    return void res.status(400).json({ error: { code: 'bad_request', message: 'Send JSON {"email", "password"}' } });
  }
  const keys = { address: req.ip ?? 'unknown', account: body.email.trim().toLowerCase() };
  const spent = await Promise.all([failures.address.get(keys.address), failures.account.get(keys.account)]);
  const blocked = spent.find((r) => r && r.consumedPoints >= FAILED_LOGINS);
  if (blocked) return tooMany(res, blocked, 'Too many failed logins, try again later');
  const session = await opts.staff.login(body.email, body.password);
  if (!session) {
    await Promise.all([failures.address.penalty(keys.address, 1), failures.account.penalty(keys.account, 1)]).catch(() => undefined);
    opts.log.warn({ requestIp: req.ip }, 'console login refused');
    return void res.status(401).json({ error: { code: 'unauthorized', message: 'Wrong e-mail or password' } });
  }
  await failures.account.delete(keys.account).catch(() => undefined);
  opts.log.info({ staff: session.email }, 'console login');
  res.setHeader('Set-Cookie', cookie(req, opts.publicBaseUrl, session.token, SESSION_HOURS * 3600));
  res.status(204).end();
}

/**
 * The console's page: one HTML file, its script and styles, and its texts. Served to anyone (it
 * holds no data: the page asks /admin/api, which needs a session), with headers that keep it
 * out of frames and caches and let it run only its own script.
 */
function consolePage(texts: Record<string, unknown>): express.Router {
  const page = express.Router();
  const file = (name: string) => path.join(CONSOLE_ASSETS, name);
  page.use((_req, res, next) => {
    res.set({
      'Content-Security-Policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
      'X-Frame-Options': 'DENY',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
    });
    next();
  });
  page.get('/', (_req, res) => res.sendFile(file('console.html')));
  page.get('/assets/console.js', (_req, res) => res.type('application/javascript').sendFile(file('console.js')));
  page.get('/assets/console.css', (_req, res) => res.type('text/css').sendFile(file('console.css')));
  page.get('/texts.json', (_req, res) => res.json(texts));
  return page;
}

/** The seller a request names, found; undefined when the answer (400, 404) was given. */
async function withSeller(q: Record<string, unknown>, opts: AdminRouterOptions, res: Response): Promise<FoundSeller | undefined> {
  let query: SellerQuery;
  try {
    query = sellerQueryOf(q);
  } catch (err) {
    if (!(err instanceof SellerDataError)) throw err;
    return void badRequest(res, err.message);
  }
  const found = await opts.sellers.find(query);
  if (!found) res.status(404).json({ error: { code: 'not_found', message: 'No such ticket' } });
  return found;
}

function reviewActionOf(body: unknown): ReviewAction | undefined {
  const b = body as { action?: unknown; topic?: unknown } | undefined;
  if (b?.action === 'phrasing') return typeof b.topic === 'string' ? { action: 'phrasing', topic: b.topic } : undefined;
  return b?.action === 'off-topic' || b?.action === 'dismiss' ? { action: b.action } : undefined;
}

function badRequest(res: Response, message: string): void {
  res.status(400).json({ error: { code: 'bad_request', message } });
}

function learningError(res: Response, next: NextFunction): (err: unknown) => void {
  return (err) => {
    if (!(err instanceof LearningError)) return next(err);
    res.status(err.status).json({ error: { code: err.status === 409 ? 'conflict' : 'bad_request', message: err.message } });
  };
}

function tokenOf(req: Request): string | undefined {
  const header = req.headers.cookie;
  return header ? parseCookies(header)[SESSION_COOKIE] || undefined : undefined;
}

/** Secure whenever the console is reached over https (directly, or through a proxy TRUST_PROXY names). */
function cookie(req: Request, publicBaseUrl: string, value: string, maxAge: number): string {
  const secure = req.secure || publicBaseUrl.startsWith('https:');
  return serializeCookie(SESSION_COOKIE, value, { httpOnly: true, sameSite: 'strict', secure, path: '/admin', maxAge });
}

function requireSession(staff: StaffAuth): RequestHandler {
  return (req: Signed, res, next) => {
    const token = tokenOf(req);
    const refuse = () => res.status(401).json({ error: { code: 'unauthorized', message: 'Sign in to the console first' } });
    if (!token) return void refuse();
    staff.sessionOf(token).then((email) => {
      if (!email) return void refuse();
      req.staffEmail = email;
      next();
    }, next);
  };
}

/**
 * A call that changes something is JSON, and comes from the bot's own origin when the browser
 * says where it comes from: PUBLIC_BASE_URL's, or the Host it was sent to (never
 * X-Forwarded-Host, which any client can write), and never when its Sec-Fetch-Site says
 * cross-site. Scripts send neither: their session decides.
 */
function sameOriginJson(publicBaseUrl: string): RequestHandler {
  const configured = new URL(publicBaseUrl).origin;
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
    if (!req.is('application/json')) return void res.status(415).json({ error: { code: 'unsupported_media_type', message: 'Send JSON (content-type: application/json)' } });
    const origin = req.headers.origin;
    // A browser that says the call comes from another site is believed, Origin or not.
    const crossSite = req.headers['sec-fetch-site'] === 'cross-site';
    if (crossSite || (origin !== undefined && origin !== configured && origin !== `${req.protocol}://${req.headers.host ?? ''}`)) {
      return void res.status(403).json({ error: { code: 'forbidden', message: 'Cross-origin request refused' } });
    }
    next();
  };
}
