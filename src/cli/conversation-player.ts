/**
 * Plays scripted conversations (../shared/eval/CONVERSATIONS.md) through the bot as the
 * channels do, without HTTP: the real core and bot service, the sandbox connector's stores, and
 * a hand-over outbox in a temporary data folder (nothing is mailed anywhere). LINE scripts get
 * what the LINE channel adds around the core: with LINE_HANDOVER=chat, after the ticket a
 * person has the chat and the bot answers nothing (`"expect": "silent"`) until the seller types
 * "talk to the bot".
 */
import fs from 'node:fs';
import type http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { createApp, type App } from '../app';
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import type { Choice, OutMessage, Turn } from '../conversation/messages';
import { toPlainText } from '../conversation/plain-text';
import { loadTranslations, type Translate } from '../i18n';
import { menuSpecs } from '../channels/line/richmenu/definition';

/** One thing the seller does: exactly one of say, press, send (expect, not, lacks are the scorer's). */
const Step = z
  .object({ say: z.string().optional(), press: z.string().optional(), send: z.enum(['image', 'sticker', 'file']).optional(), file: z.string().optional() })
  .passthrough()
  .refine((t) => [t.say, t.press, t.send].filter((x) => x !== undefined).length === 1, 'a turn needs exactly one of say, press, send');

export const ScriptSchema = z.object({
  id: z.string().min(1),
  channel: z.enum(['line', 'web']),
  account: z.string().optional(),
  email: z.string().optional(),
  turns: z.array(Step),
});
export type Script = z.infer<typeof ScriptSchema>;

export interface PlayedTurn {
  acts?: string[];
  texts?: string[];
  buttons?: string[];
  error?: string;
}

/** Reads a script file: one conversation a line; a bad line names its number. */
export function readScripts(file: string): Script[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .map((line, i) => ({ line, no: i + 1 }))
    .filter(({ line }) => line.trim())
    .map(({ line, no }) => {
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        throw new Error(`${file}:${no}: not valid JSON`);
      }
      const parsed = ScriptSchema.safeParse(json);
      if (!parsed.success) throw new Error(`${file}:${no}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'line'}: ${i.message}`).join('; ')}`);
      return parsed.data;
    });
}

/** The buttons of a reply, in order: what "press" picks from. */
function buttonsOf(messages: OutMessage[]): Choice[] {
  return messages.flatMap((m) => (m.type === 'choices' || m.type === 'card' ? m.choices : []));
}

/** The button whose label is the text (case-insensitive), else the first whose label contains it. */
export function findButton(buttons: Choice[], label: string): Choice | undefined {
  const want = label.trim().toLowerCase();
  return buttons.find((b) => b.label.trim().toLowerCase() === want) ?? buttons.find((b) => b.label.toLowerCase().includes(want));
}

let translate: Translate | undefined;

/**
 * Buttons a channel keeps on screen whatever the last reply was, pressed by their full label:
 * LINE's rich menu (linked when the script signs in with an account), in either language.
 */
export function standingButtons(channel: Script['channel'], linked: boolean): Choice[] {
  if (channel !== 'line') return [];
  const t = (translate ??= loadTranslations());
  return menuSpecs(t)
    .filter((m) => m.kind === (linked ? 'linked' : 'unlinked'))
    .flatMap((m) => m.buttons.map((b) => ({ label: b.label.replace(/\s+/g, ' '), action: b.data })));
}

export class ConversationPlayer {
  private readonly dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'converse-'));
  private readonly app: App;
  private server?: http.Server;
  private clock = Date.parse('2026-12-01T03:00:00Z');

  /** `env`: settings over the environment's (LINE_HANDOVER=chat). */
  constructor(
    private readonly baseDir: string,
    env: Record<string, string> = {},
  ) {
    // The sandbox connector and .eml files in a folder of our own; no limits (no HTTP turns).
    this.app = createApp(loadConfig({ ...process.env, ...env, DATA_DIR: this.dataDir, PORT: '0', REDIS_URL: '', SMTP_URL: '', CONNECTOR_API_URL: '', LOG_LEVEL: 'silent' }), createLogger('silent'), {
      // The sample stores expire relative to the conversation's own clock, not today's date.
      sandboxNow: () => new Date(this.clock),
    });
  }

  /** The sandbox connector is called over HTTP by the real client: it needs a port. */
  async start(): Promise<void> {
    const server = this.app.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    this.app.listening(server);
    this.server = server;
  }

  async close(): Promise<void> {
    this.server?.close();
    this.app.closeStreams();
    await this.app.close();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }

  async play(script: Script, index: number): Promise<{ id: string; turns: PlayedTurn[] }> {
    const conversationId = script.channel === 'line' ? `U${String(index).padStart(32, '0')}` : `converse-${index}`;
    const base = {
      channel: script.channel,
      conversationId,
      userId: conversationId,
      ...(script.account ? { accountId: script.account } : {}),
      ...(script.email ? { contactEmail: script.email } : {}),
      ...(script.channel === 'line' ? { accountLinking: true } : {}),
    } satisfies Partial<Turn>;
    // On LINE a person of support may have the chat (LinePause): then the bot says nothing.
    const pause = script.channel === 'line' ? this.app.linePause : undefined;
    const turn = async (t: Pick<Turn, 'kind'> & Partial<Turn>): Promise<OutMessage[]> => {
      if (pause && (await pause.quiet(conversationId, t.kind === 'message' ? t.text : undefined))) {
        await pause.keep(conversationId, { ...t, at: this.tick() });
        return [];
      }
      const reply = await this.app.bot.handle({ ...base, at: this.tick(), ...t } as Turn);
      return pause ? pause.afterReply(conversationId, reply) : reply;
    };
    // The widget opens every web conversation with a start (its welcome); LINE has no such turn.
    let last: OutMessage[] = script.channel === 'web' ? await turn({ kind: 'start' }) : [];
    const played: PlayedTurn[] = [];
    for (const step of script.turns) {
      let reply: OutMessage[];
      if (typeof step.say === 'string') reply = await turn({ kind: 'message', text: step.say });
      else if (typeof step.press === 'string') {
        const want = step.press.trim().toLowerCase();
        const button = findButton(buttonsOf(last), step.press) ?? standingButtons(script.channel, Boolean(script.account)).find((b) => b.label.toLowerCase() === want);
        if (!button) {
          played.push({ error: `no button "${step.press}" in the last reply (${buttonsOf(last).map((b) => b.label).join(' | ') || 'none'})` });
          continue;
        }
        reply = await turn({ kind: 'action', action: button.action, text: button.label });
      } else if (step.send === 'image') reply = await turn({ kind: 'image', ...this.picture(typeof step.file === 'string' ? step.file : undefined, conversationId) });
      else reply = await turn({ kind: step.send as 'sticker' | 'file' });
      last = reply;
      played.push({
        acts: reply.map((m) => m.act),
        texts: reply.map((m) => toPlainText(m)),
        buttons: buttonsOf(reply).map((b) => b.label),
      });
    }
    return { id: script.id, turns: played };
  }

  /** Turns follow each other at once, as in a quick chat: a second apart. */
  private tick(): string {
    this.clock += 1000;
    return new Date(this.clock).toISOString();
  }

  /** A picture is kept where the channels keep them, so a hand-over carries it. */
  private picture(file: string | undefined, conversationId: string): Partial<Turn> {
    if (!file) return {};
    const source = path.resolve(this.baseDir, file);
    if (!fs.existsSync(source)) throw new Error(`picture not found: ${source}`);
    const ref = path.join('converse', `${conversationId}-${path.basename(source)}`);
    fs.mkdirSync(path.join(this.dataDir, 'screenshots', 'converse'), { recursive: true });
    fs.copyFileSync(source, path.join(this.dataDir, 'screenshots', ref));
    const ext = path.extname(source).toLowerCase();
    const contentType = ext === '.png' ? 'image/png' : ext === '.webp' ? 'image/webp' : 'image/jpeg';
    return { screenshot: { ref, contentType } };
  }
}
