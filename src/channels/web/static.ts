import fs from 'node:fs';
import path from 'node:path';
import express from 'express';

/** Works from src/ (tsx, jest) and from dist/ (tsc): both sit two levels below the project root. */
export const ASSETS_DIR = path.resolve(__dirname, '../../../src/channels/web/assets');

export interface WidgetRouterOptions {
  /** PUBLIC_BASE_URL: shown in the demo page's "embed on your site" snippet. */
  publicBaseUrl?: string;
  /** ANALYTICS_RETENTION_DAYS: the privacy line says the chat is kept this long at most. */
  keptDays?: number;
  /** Extra HTML for the demo page (the sandbox sign-in links), trusted: built by the server. */
  signInHtml?: () => string;
  /** An identity token for the widget when the demo page is opened as a sample seller. */
  identityFor?: (query: Record<string, unknown>) => string | undefined;
}
/** The earlier name of the options. */
export type DemoPageOptions = WidgetRouterOptions;

const escapeHtml = (t: string) => t.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** GET / (demo help-centre page with the widget) and GET /widget.js (the embeddable widget). */
export function createWidgetRouter(opts: WidgetRouterOptions = {}): express.Router {
  const router = express.Router();
  // Read once: both are small, and a missing asset should fail at start-up, not on a request.
  const widget = fs.readFileSync(path.join(ASSETS_DIR, 'widget.js'), 'utf8').replace('var KEPT_DAYS = 90;', `var KEPT_DAYS = ${Math.round(opts.keptDays ?? 90)};`);
  const page = fs.readFileSync(path.join(ASSETS_DIR, 'index.html'), 'utf8');
  const widgetUrl = `${(opts.publicBaseUrl ?? '').replace(/\/+$/, '')}/widget.js`;
  const embed = escapeHtml(`<script src="${widgetUrl}" data-locale="th"></script>`);

  router.get('/widget.js', (_req, res) => {
    res.type('application/javascript; charset=utf-8');
    // Any site may embed the widget; it calls back to this server's /directline, which allows that origin.
    res.set('Cache-Control', 'public, max-age=300');
    res.set('Access-Control-Allow-Origin', '*');
    res.send(widget);
  });

  router.get('/', (req, res) => {
    const identity = opts.identityFor?.(req.query as Record<string, unknown>);
    // The token is base64url and dots only; checked anyway since it lands in an attribute.
    const attr = identity && /^[\w.-]+$/.test(identity) ? ` data-identity="${identity}"` : '';
    res.type('html').set('Cache-Control', 'no-store');
    res.set(
      'Content-Security-Policy',
      "default-src 'self'; img-src 'self' https: data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'",
    );
    res.send(
      page
        .replace('<!--IDENTITY-->', attr)
        .replace('<!--SIGNIN-->', opts.signInHtml?.() ?? '')
        .replace('<!--EMBED-->', embed),
    );
  });
  return router;
}
