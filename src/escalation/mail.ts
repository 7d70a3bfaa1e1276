import fs from 'node:fs';
import path from 'node:path';
import type { SendMailOptions } from 'nodemailer';
import { isRelativeRef } from '../storage/screenshot-share';
import { PLATFORM_NAMES, type Platform } from '../knowledge/schema';
import { idHash } from '../logger';
import type { EscalationCase } from './case';
import { parseEmailAddress } from './email-address';
import { redact, redactErrorCode, redactStatusSnapshot } from './redact';

/**
 * Turns one hand-over into the e-mail support reads. Pure apart from reading the screenshot
 * files it attaches. Everything that came from a seller is treated as hostile: control
 * characters are stripped from header values (no header injection), every HTML fragment is
 * escaped, every text goes through redact() one last time, and long fields are cut.
 */
export interface MailOptions {
  to: string;
  from: string;
  /** Support-facing titles by topic id (else the title stored with the case). */
  topicTitles?: Record<string, string>;
  /** Where the channels store pictures sellers sent; a screenshot ref is a path inside it. */
  screenshotsDir: string;
}

export const MESSAGE_ID_DOMAIN = 'connection-help-bot';
export const messageIdFor = (ticket: string) => `<${ticket.replace(/[^A-Za-z0-9-]/g, '')}@${MESSAGE_ID_DOMAIN}>`;

const LIMITS = { subject: 150, problem: 5000, reason: 200, entry: 2000, title: 300, facts: 300, snapshot: 20_000 };
const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
const MAX_ATTACHMENTS_TOTAL = 20 * 1024 * 1024;


const REASONS: Record<string, string> = {
  asked: 'seller asked for support',
  'two-misses': 'no matching article',
  'not-fixed': 'articles did not fix it',
  'not-answered': "the article did not answer the seller's question",
  'needs-support': 'the article needs support',
  'no-article-for-platform': 'no article for this platform',
  'unknown-error': 'unknown error',
};

const OUTCOMES: Record<string, string> = { 'not fixed': 'did NOT fix it', 'no answer': 'no answer from the seller', fixed: 'fixed it' };

export const CREDENTIALS_NOTE =
  "ACTION NEEDED: this case needs the seller's account credentials (for example the main account password). " +
  "Collect them only through support's own secure channel - never by e-mail or chat. The bot never asks for them.";

/** C0/C1 controls, DEL and the Unicode line/paragraph separators: anything that could end a header line. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/g;

/** One line of header text: controls become spaces, runs of space collapse. */
export function headerText(s: string): string {
  return s.replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();
}

/** Cuts by code points (never half an emoji or half a Thai cluster's surrogate) with a visible marker. */
export function truncate(s: string, max: number): string {
  const chars = Array.from(s);
  if (chars.length <= max) return s;
  return `${chars.slice(0, max).join('')} … [truncated: ${chars.length - max} more characters]`;
}

/** Seller text for the body: redacted, cut, and free of controls other than line breaks and tabs. */
function bodyText(s: unknown, max: number): string {
  // eslint-disable-next-line no-control-regex
  const clean = String(s ?? '').replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g, ' ');
  return truncate(redact(clean).text, max);
}

/** Seller text for one line (facts, subject): redacted, one line, cut. */
function lineText(s: unknown, max: number): string {
  return truncate(headerText(redact(headerText(String(s ?? ''))).text), max);
}

/** The case's error codes for one line: each kept as the platform wrote it, if it looks like a code. */
function errorCodesText(c: EscalationCase, max?: number): string {
  return headerText((c.errorCodes ?? []).slice(0, max).map(redactErrorCode).join(', '));
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

const platformName = (p: string) => PLATFORM_NAMES[p as Platform] ?? p;

export function buildSubject(c: EscalationCase, ticket: string): string {
  const platforms = (c.platforms ?? []).map(platformName).join('/');
  // Error codes are what support searches by: kept (redactErrorCode), not read as OTP codes
  // ("Lazada 500100" was mailed as "Lazada [code removed]").
  const codes = errorCodesText(c, 3);
  const what = codes || REASONS[c.reason] || c.reason || 'hand-over';
  // What was tried, so support can sort the cases the articles did not fix from the others.
  const tried = c.articlesTried?.length ?? 0;
  const triedText = tried === 0 ? 'nothing tried' : `${tried} article${tried > 1 ? 's' : ''} tried`;
  const named = [lineText(platforms, LIMITS.subject), codes ? codes : lineText(what, LIMITS.subject)].filter(Boolean).join(' ');
  const middle = truncate(headerText(`${named}, ${triedText}`), LIMITS.subject);
  const head = `[${headerText(ticket)}] `;
  const tail = ' – connection help';
  // Cut the seller-derived middle, never the ticket or the suffix support filters on.
  const room = LIMITS.subject - head.length - tail.length;
  const chars = Array.from(middle);
  return head + (chars.length > room ? `${chars.slice(0, room - 1).join('')}…` : middle) + tail;
}

interface Fact {
  label: string;
  value: string;
}

interface Attachment {
  filename: string;
  content: Buffer;
  contentType?: string;
}

/** Reads the screenshots that really exist inside `dir`; refs that try to leave it are refused. */
function readScreenshots(c: EscalationCase, dir: string): { attachments: Attachment[]; skipped: string[] } {
  const attachments: Attachment[] = [];
  const skipped: string[] = [];
  let total = 0;
  let root: string;
  try {
    root = fs.realpathSync(dir);
  } catch {
    return { attachments, skipped: (c.screenshots ?? []).map((s) => `${headerText(String(s.ref))} (no screenshot storage)`) };
  }
  for (const shot of c.screenshots ?? []) {
    const ref = String(shot.ref ?? '');
    const name = headerText(path.basename(ref)).slice(0, 100) || 'screenshot';
    if (!isRelativeRef(ref)) {
      skipped.push(`${name} (refused: not a path inside the screenshot storage)`);
      continue;
    }
    try {
      // realpath also catches a symbolic link that points outside the directory.
      const file = fs.realpathSync(path.join(root, ref));
      if (!file.startsWith(root + path.sep)) throw new Error('outside');
      const st = fs.statSync(file);
      if (!st.isFile()) throw new Error('not a file');
      if (st.size > MAX_ATTACHMENT_BYTES || total + st.size > MAX_ATTACHMENTS_TOTAL) {
        skipped.push(`${name} (too large: ${st.size} bytes)`);
        continue;
      }
      total += st.size;
      const type = shot.contentType && /^[\w.+-]+\/[\w.+-]+$/.test(shot.contentType) ? shot.contentType : undefined;
      attachments.push({ filename: name, content: fs.readFileSync(file), ...(type ? { contentType: type } : {}) });
    } catch {
      skipped.push(`${name} (not found)`);
    }
  }
  return { attachments, skipped };
}

function snapshotJson(snapshot: unknown): string | undefined {
  if (snapshot === undefined || snapshot === null) return undefined;
  try {
    // Values are redacted one by one: the redactor would take `"storeId":` for a password.
    return truncate(JSON.stringify(redactStatusSnapshot(snapshot), null, 2), LIMITS.snapshot);
  } catch {
    return '[the status snapshot could not be shown]';
  }
}

/** `h:` and a hash of the channel's user id (userRef is `<channel>:<id>`), never the id itself. */
function userReference(c: EscalationCase): string {
  const ref = String(c.userRef ?? '');
  if (!ref) return '(none)';
  const prefix = `${String(c.channel ?? '')}:`;
  return idHash(ref.startsWith(prefix) ? ref.slice(prefix.length) : ref);
}

/** Any value besides th and en (a case read back from the outbox may hold anything) is cleaned like seller text. */
function languageName(lang: unknown): string {
  if (lang === 'th') return 'Thai (th)';
  return lang === 'en' ? 'English (en)' : lineText(lang, 20);
}

function caseFacts(c: EscalationCase, ticket: string, replyTo: string | undefined): Fact[] {
  const contactShown = lineText(c.contactEmail, 254);
  return [
    { label: 'Ticket', value: headerText(ticket) },
    { label: 'Filed at', value: lineText(c.createdAt, 40) },
    { label: 'Reply to', value: replyTo ?? `${contactShown || '(none)'} (not a valid address: not set as Reply-To)` },
    { label: 'Platforms', value: lineText((c.platforms ?? []).map(platformName).join(', ') || 'not named', LIMITS.facts) },
    { label: 'Error codes', value: truncate(errorCodesText(c) || 'none', LIMITS.facts) },
    { label: 'Why handed over', value: lineText(REASONS[c.reason] ?? c.reason, LIMITS.reason) },
    { label: 'Language', value: languageName(c.lang) },
    { label: 'Channel', value: truncate(headerText(String(c.channel ?? '')), 50) },
    // Support answers by e-mail (Reply-To) and the ticket ties it together; the channel's own
    // user id (a LINE user id) would help no agent (LINE's tools do not search by it) and is not
    // theirs to hold. The mail shows its hash instead: for LINE, the `conversation` of the bot's
    // log lines, so the bot team can still find the conversation from a ticket.
    { label: 'User reference', value: userReference(c) },
    { label: 'BigSeller account', value: c.accountId ? truncate(headerText(String(c.accountId)), 100) : 'not verified (anonymous chat)' },
    ...chatFacts(c),
  ];
}

/** LINE_HANDOVER=chat: the seller waits for a person in the LINE chat, not (only) for a mail. */
function chatFacts(c: EscalationCase): Fact[] {
  if (c.answerInChat?.channel !== 'line') return [];
  const name = c.answerInChat.displayName ? lineText(c.answerInChat.displayName, 100) : '';
  const where = name ? `the LINE chat (LINE Official Account Manager > Chat), display name "${name}"` : 'the LINE chat (LINE Official Account Manager > Chat); display name not available';
  return [{ label: 'Answer in', value: `${where}. The seller was told a person will answer there, and the bot stays quiet for them until then (npm run line:pause -- --list).` }];
}

interface ArticleTried {
  title: string;
  topic: string;
  outcome: string;
}

/**
 * Article ids and titles come from the knowledge base, not from the seller: not redacted
 * (the redactor would take "Lazada: PASSWORD_NOT_MATCH" for a password), only made one line.
 */
function articlesTried(c: EscalationCase, topicTitles: MailOptions['topicTitles']): ArticleTried[] {
  return (c.articlesTried ?? []).map((a) => ({
    title: truncate(headerText(String(topicTitles?.[a.topic] ?? a.title ?? '')), LIMITS.title),
    topic: truncate(headerText(String(a.topic ?? '')), 100),
    outcome: OUTCOMES[a.outcome] ?? lineText(a.outcome, 50),
  }));
}

interface TranscriptLine {
  at: string;
  who: string;
  text: string;
}

function transcriptLines(c: EscalationCase): TranscriptLine[] {
  return (c.transcript ?? []).map((t) => ({
    at: lineText(t.at, 40),
    who: t.from === 'bot' ? 'Bot' : t.pressed ? 'Seller (button)' : 'Seller',
    text: bodyText(t.text, LIMITS.entry),
  }));
}

/** What the mail says, every part already cleaned: the plain text and the HTML show the same. */
interface MailContent {
  ticket: string;
  needsAccountCredentials: boolean;
  facts: Fact[];
  problem: string;
  articles: ArticleTried[];
  snapshot: string | undefined;
  transcript: TranscriptLine[];
  attachmentCount: number;
  skipped: string[];
}

function plainText(m: MailContent): string {
  const t: string[] = [];
  if (m.needsAccountCredentials) t.push(`*** ${CREDENTIALS_NOTE} ***`, '');
  t.push(...m.facts.map((f) => `${f.label}: ${f.value}`), '');
  t.push("The seller's problem, in their words:", m.problem, '');
  t.push('Articles already tried:', ...(m.articles.length ? m.articles.map((a) => `- ${a.title} (${a.topic}): ${a.outcome}`) : ['- none']), '');
  if (m.snapshot) t.push('Status check of the seller\'s store connections:', m.snapshot, '');
  t.push('Conversation (secrets removed):', ...(m.transcript.length ? m.transcript.map((e) => `[${e.at}] ${e.who}: ${e.text}`) : ['(empty)']), '');
  t.push(`Screenshots attached: ${m.attachmentCount}`, ...m.skipped.map((s) => `- not attached: ${s}`));
  return t.join('\n');
}

/** Every value below is escaped; no seller text is ever inserted raw. */
function htmlBody(m: MailContent): string {
  const h: string[] = [];
  const e = escapeHtml;
  h.push('<!doctype html><html><head><meta charset="utf-8"></head>');
  h.push('<body style="font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#222;max-width:860px">');
  h.push(`<h2 style="margin:0 0 12px">Connection help – ticket ${e(m.ticket)}</h2>`);
  if (m.needsAccountCredentials) {
    h.push(`<p style="border:2px solid #c00;background:#fee;padding:10px;font-weight:bold">${e(CREDENTIALS_NOTE)}</p>`);
  }
  h.push('<table style="border-collapse:collapse" cellpadding="4">');
  for (const f of m.facts) h.push(`<tr><th align="left" style="border-bottom:1px solid #ddd;padding-right:16px">${e(f.label)}</th><td style="border-bottom:1px solid #ddd">${e(f.value)}</td></tr>`);
  h.push('</table>');
  h.push(`<h3>The seller's problem, in their words</h3><p style="white-space:pre-wrap;background:#f6f6f6;padding:8px">${e(m.problem)}</p>`);
  h.push('<h3>Articles already tried</h3>');
  h.push(m.articles.length ? `<ul>${m.articles.map((a) => `<li>${e(a.title)} <small>(${e(a.topic)})</small>: <b>${e(a.outcome)}</b></li>`).join('')}</ul>` : '<p>none</p>');
  if (m.snapshot) h.push(`<h3>Status check of the seller's store connections</h3><pre style="background:#f6f6f6;padding:8px;white-space:pre-wrap">${e(m.snapshot)}</pre>`);
  h.push('<h3>Conversation <small>(secrets removed)</small></h3>');
  h.push('<table style="border-collapse:collapse" cellpadding="4">');
  for (const x of m.transcript) {
    h.push(`<tr style="vertical-align:top"><td style="color:#777;white-space:nowrap">${e(x.at)}</td><td><b>${e(x.who)}</b></td><td style="white-space:pre-wrap">${e(x.text)}</td></tr>`);
  }
  h.push('</table>');
  h.push(`<p>Screenshots attached: ${m.attachmentCount}</p>`);
  if (m.skipped.length) h.push(`<ul>${m.skipped.map((s) => `<li>not attached: ${e(s)}</li>`).join('')}</ul>`);
  h.push('</body></html>');
  return h.join('\n');
}

export function buildMail(c: EscalationCase, ticket: string, opts: MailOptions): SendMailOptions {
  // Parsed from the raw value: an address with a line break in it is refused, not repaired.
  const replyTo = parseEmailAddress(String(c.contactEmail ?? ''));
  const { attachments, skipped } = readScreenshots(c, opts.screenshotsDir);
  const content: MailContent = {
    ticket: headerText(ticket),
    needsAccountCredentials: Boolean(c.needsAccountCredentials),
    facts: caseFacts(c, ticket, replyTo),
    problem: bodyText(c.problem, LIMITS.problem) || '(no description)',
    articles: articlesTried(c, opts.topicTitles),
    snapshot: snapshotJson(c.statusSnapshot),
    transcript: transcriptLines(c),
    attachmentCount: attachments.length,
    skipped,
  };
  return {
    to: headerText(opts.to),
    from: headerText(opts.from),
    // An address object is used as it is: nodemailer does not parse it for more recipients.
    ...(replyTo ? { replyTo: { name: '', address: replyTo } } : {}),
    subject: buildSubject(c, ticket),
    messageId: messageIdFor(ticket),
    headers: { 'X-Connection-Help-Ticket': headerText(ticket) },
    text: plainText(content),
    html: htmlBody(content),
    attachments,
  };
}
