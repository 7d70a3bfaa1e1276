import client from 'prom-client';
import type { CoreEvent, OutMessage, Turn } from './conversation/messages';
import type { MailService } from './escalation/sender';
import type { Matcher } from './matching/matcher';

/** Prometheus metrics of the bot; one registry per process (GET /metrics). */
export class Metrics {
  readonly registry = new client.Registry();
  readonly messages = new client.Counter({
    name: 'bot_messages_total',
    help: "Seller turns, one each, by channel and decision: the match's (answer, clarify, escalate, none, vague) for a typed message it decided, reply for one answering the bot's question or a command, else the kind (button, start, sticker, image, file, other)",
    labelNames: ['channel', 'decision'] as const,
    registers: [this.registry],
  });
  readonly replies = new client.Counter({
    name: 'bot_replies_total',
    help: "The bot's messages, by channel and act (answer:<topic>, ask-feedback, handover-offer, ask-email, ticket, ...: ../shared/eval/CONVERSATIONS.md)",
    labelNames: ['channel', 'act'] as const,
    registers: [this.registry],
  });
  readonly turnEvents = new client.Counter({
    name: 'bot_turn_events_total',
    help: 'What the conversation core reported, by channel (answered, resolved, not-resolved, handover-cancelled, secret-redacted)',
    labelNames: ['channel', 'event'] as const,
    registers: [this.registry],
  });
  readonly matchSeconds = new client.Histogram({
    name: 'bot_match_duration_seconds',
    help: 'Time to analyse, rank and decide one message',
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05],
    registers: [this.registry],
  });
  readonly turnSeconds = new client.Histogram({
    name: 'bot_turn_duration_seconds',
    help: 'Time to handle one turn end to end (state, core, effects, save)',
    labelNames: ['channel'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 3],
    registers: [this.registry],
  });
  readonly statusChecks = new client.Counter({
    name: 'bot_status_checks_total',
    help: 'Connector API status checks, by result',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly statusSeconds = new client.Histogram({
    name: 'bot_status_check_duration_seconds',
    help: 'Time of connector API status checks',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 3, 5],
    registers: [this.registry],
  });
  readonly handovers = new client.Counter({
    name: 'bot_handovers_total',
    help: 'Hand-over offers and tickets',
    labelNames: ['what'] as const,
    registers: [this.registry],
  });

  readonly lineEventsAdopted = new client.Counter({
    name: 'bot_line_events_adopted_total',
    help: 'LINE events this instance answered for an instance that had acknowledged them and stopped',
    registers: [this.registry],
  });

  readonly expiryWarnings = new client.Counter({
    name: 'bot_expiry_warnings_total',
    help: 'Proactive expiry warnings on LINE, by seller looked at: pushed, or skipped and why (stopped, paused, daily-limit, nothing-due, already-warned, connector-error, push-failed)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly expiryPasses = new client.Counter({
    name: 'bot_expiry_warning_passes_total',
    help: 'Passes of the expiry warning by how they ended: done, budget (LINE_PUSH_BUDGET_PERCENT of the quota reached), rate-limited, quiet-hours, locked (another pass runs), quota-unavailable, aborted',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  constructor() {
    client.collectDefaultMetrics({ register: this.registry });
  }

  /** One pass of the expiry warning: how it ended, and its sellers by outcome. */
  observeExpiryPass(result: string, outcomes: Record<string, number | undefined>): void {
    this.expiryPasses.inc({ result });
    for (const [outcome, n] of Object.entries(outcomes)) if (n) this.expiryWarnings.inc({ outcome }, n);
  }

  /** Mail delivery figures, read from the sender when Prometheus scrapes. */
  watchMail(sender: MailService): void {
    new client.Gauge({
      name: 'bot_mail_total',
      help: 'Hand-over e-mails by outcome (sent, retried, failed): since this process started on SQLite, by all workers on Redis',
      labelNames: ['outcome'] as const,
      registers: [this.registry],
      collect() {
        for (const [outcome, n] of Object.entries(sender.counters)) this.set({ outcome }, n);
      },
    });
    new client.Gauge({
      name: 'bot_mail_queue_depth',
      help: 'Hand-over e-mails waiting to be sent',
      registers: [this.registry],
      collect() {
        const s = sender.stats;
        this.set(s.pending + s.sending);
      },
    });
    new client.Gauge({
      name: 'bot_mail_stuck',
      help: '1 when a hand-over e-mail failed for good or waits too long',
      registers: [this.registry],
      collect() {
        this.set(sender.isStuck() ? 1 : 0);
      },
    });
  }

  /** Direct Line WebSocket streams open on this instance, read when Prometheus scrapes. */
  watchStreams(open: () => number): void {
    new client.Gauge({
      name: 'bot_directline_streams',
      help: 'Direct Line WebSocket streams open on this instance',
      registers: [this.registry],
      collect() {
        this.set(open());
      },
    });
  }

  /** The same matcher, timing every call (the core itself stays free of clocks). */
  timedMatcher(matcher: Matcher): Matcher {
    const histogram = this.matchSeconds;
    return new Proxy(matcher, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (prop !== 'explain' && prop !== 'match') return value;
        return (text: string) => {
          const end = histogram.startTimer();
          try {
            return (value as (t: string) => unknown).call(target, text);
          } finally {
            end();
          }
        };
      },
    });
  }

  /** Counts the bot's messages of one turn by what they do. */
  observeReplies(turn: Turn, messages: readonly OutMessage[]): void {
    for (const m of messages) this.replies.inc({ channel: turn.channel, act: m.act });
  }

  /** Counts one seller turn and what the core reported for it. */
  observeTurn(turn: Turn, events: CoreEvent[]): void {
    this.messages.inc({ channel: turn.channel, decision: decisionOf(turn, events) });
    for (const e of events) {
      switch (e.type) {
        case 'matched':
          break;
        case 'handover-offered':
          this.handovers.inc({ what: `offered:${e.reason}` });
          break;
        case 'ticket':
          this.handovers.inc({ what: e.limited ? 'ticket-limited' : e.existing ? 'ticket-existing' : 'ticket-new' });
          break;
        case 'status-checked':
          this.statusChecks.inc({ result: e.ok ? 'ok' : 'failed' });
          break;
        default:
          this.turnEvents.inc({ channel: turn.channel, event: e.type });
      }
    }
  }
}

function decisionOf(turn: Turn, events: CoreEvent[]): string {
  if (turn.kind === 'action') return 'button';
  if (turn.kind !== 'message') return turn.kind;
  const matched = events.find((e): e is Extract<CoreEvent, { type: 'matched' }> => e.type === 'matched');
  return matched?.decision ?? 'reply';
}
