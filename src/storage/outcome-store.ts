import type { EpisodeMeta, EpisodeSummary, TurnFact } from '../analytics/outcomes';
import { writeCommitted, type Db } from './sqlite';

/**
 * The records of what became of conversations (src/analytics/): each episode's facts, appended
 * turn by turn and never rewritten, and its summary once the finalising job has written it.
 * Redacted before they get here; they never hold a secret.
 */
export interface OutcomeStore {
  /** Appends one turn's fact to its episode (created on its first fact); an episode finalised already is opened again. */
  append(meta: EpisodeMeta, fact: TurnFact): Promise<void>;
  /** Episodes not finalised whose last fact is older than `idleBefore`, at most `limit`. */
  idle(idleBefore: Date, limit: number): Promise<EpisodeRecord[]>;
  /** Keeps the summary the job worked out (final: the report reads it instead of the facts). */
  finalise(id: string, summary: EpisodeSummary): Promise<void>;
  /** Episodes started in [from, to): with their summary when final, with their facts otherwise. */
  started(from: Date, to: Date): Promise<EpisodeRecord[]>;
  /** Deletes episodes that started before `before`, facts and all; returns how many. */
  purge(before: Date): Promise<number>;
  /** Every episode of one conversation key (a seller's data exported). */
  ofConversation(conversation: string): Promise<EpisodeRecord[]>;
  /** Deletes every episode of one conversation key (a seller's data deleted); returns how many. */
  forgetConversation(conversation: string): Promise<number>;
}

export interface EpisodeRecord {
  meta: EpisodeMeta;
  lastAt: string;
  /** Present when the episode is finalised. */
  summary?: EpisodeSummary;
  /** Present when it is not: oldest first. */
  facts?: TurnFact[];
}

interface EpisodeRow {
  id: string;
  channel: string;
  conversation: string;
  user_id: string;
  started_at: string;
  last_at: string;
  summary: string | null;
}

export class SqliteOutcomeStore implements OutcomeStore {
  private readonly appendEpisode;
  private readonly appendFact;

  constructor(private readonly db: Db) {
    db.exec(`CREATE TABLE IF NOT EXISTS outcome_episodes (
      id TEXT PRIMARY KEY,
      channel TEXT NOT NULL,
      conversation TEXT NOT NULL,
      user_id TEXT NOT NULL,
      started_at TEXT NOT NULL,
      last_at TEXT NOT NULL,
      summary TEXT
    );
    CREATE INDEX IF NOT EXISTS outcome_episodes_started ON outcome_episodes (started_at);
    CREATE INDEX IF NOT EXISTS outcome_episodes_open ON outcome_episodes (last_at) WHERE summary IS NULL;
    CREATE INDEX IF NOT EXISTS outcome_episodes_conversation ON outcome_episodes (conversation);
    CREATE TABLE IF NOT EXISTS outcome_facts (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      episode TEXT NOT NULL,
      fact TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS outcome_facts_episode ON outcome_facts (episode, seq);`);
    this.appendEpisode = db.prepare(`INSERT INTO outcome_episodes (id, channel, conversation, user_id, started_at, last_at) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET last_at = max(last_at, excluded.last_at), summary = NULL`);
    this.appendFact = db.prepare('INSERT INTO outcome_facts (episode, fact) VALUES (?, ?)');
  }

  async append(meta: EpisodeMeta, fact: TurnFact): Promise<void> {
    await writeCommitted(this.db, () => {
      this.appendEpisode.run(meta.id, meta.channel, meta.conversation, meta.userId, meta.startedAt, fact.at);
      this.appendFact.run(meta.id, JSON.stringify(fact));
    });
  }

  async idle(idleBefore: Date, limit: number): Promise<EpisodeRecord[]> {
    const rows = this.db.prepare<[string, number], EpisodeRow>('SELECT * FROM outcome_episodes WHERE summary IS NULL AND last_at < ? ORDER BY last_at LIMIT ?').all(idleBefore.toISOString(), limit);
    return rows.map((r) => this.record(r));
  }

  async finalise(id: string, summary: EpisodeSummary): Promise<void> {
    // Only if no fact came meanwhile: a later turn opened it again, and the job will come back.
    await writeCommitted(this.db, () => this.db.prepare('UPDATE outcome_episodes SET summary = ? WHERE id = ? AND last_at = ?').run(JSON.stringify(summary), id, summary.lastAt));
  }

  async started(from: Date, to: Date): Promise<EpisodeRecord[]> {
    const rows = this.db.prepare<[string, string], EpisodeRow>('SELECT * FROM outcome_episodes WHERE started_at >= ? AND started_at < ? ORDER BY started_at').all(from.toISOString(), to.toISOString());
    return rows.map((r) => this.record(r));
  }

  async ofConversation(conversation: string): Promise<EpisodeRecord[]> {
    return this.db
      .prepare<[string], EpisodeRow>('SELECT * FROM outcome_episodes WHERE conversation = ? ORDER BY started_at')
      .all(conversation)
      .map((r) => this.record(r));
  }

  async purge(before: Date): Promise<number> {
    return this.deleteWhere('started_at < ?', before.toISOString());
  }

  async forgetConversation(conversation: string): Promise<number> {
    return this.deleteWhere('conversation = ?', conversation);
  }

  private deleteWhere(where: string, value: string): Promise<number> {
    return writeCommitted(this.db, () => {
      this.db.prepare(`DELETE FROM outcome_facts WHERE episode IN (SELECT id FROM outcome_episodes WHERE ${where})`).run(value);
      return this.db.prepare(`DELETE FROM outcome_episodes WHERE ${where}`).run(value).changes;
    });
  }

  private record(r: EpisodeRow): EpisodeRecord {
    const meta: EpisodeMeta = { id: r.id, channel: r.channel as EpisodeMeta['channel'], conversation: r.conversation, userId: r.user_id, startedAt: r.started_at };
    if (r.summary) return { meta, lastAt: r.last_at, summary: JSON.parse(r.summary) as EpisodeSummary };
    const facts = this.db.prepare<[string], { fact: string }>('SELECT fact FROM outcome_facts WHERE episode = ? ORDER BY seq').all(r.id);
    return { meta, lastAt: r.last_at, facts: facts.map((f) => JSON.parse(f.fact) as TurnFact) };
  }
}
