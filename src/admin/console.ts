import path from 'node:path';
import type express from 'express';
import type Redis from 'ioredis';
import { OutcomeRecords } from '../analytics/outcome-records';
import type { Config } from '../config';
import type { CoreContext } from '../conversation/engine';
import { LiveKnowledge } from '../knowledge/live-knowledge';
import type { KnowledgeBase } from '../knowledge/load';
import { localeSection } from '../i18n';
import type { Logger } from '../logger';
import type { Matcher } from '../matching/matcher';
import { RedisLearningStore, SqliteLearningStore } from '../storage/learning-store';
import { SqliteOutcomeStore } from '../storage/outcome-store';
import { RedisOutcomeStore } from '../storage/redis-outcome-store';
import type { Db } from '../storage/sqlite';
import { RedisStaffStore, SqliteStaffStore } from '../storage/staff-store';
import { Learning } from './learning';
import { SellerData } from './seller-data';
import { purgeFilesBefore } from '../storage/file-retention';
import { SellerFiles } from '../storage/seller-files';
import type { ConversationStore } from '../conversation/ports';
import type { Outbox } from '../escalation/outbox';
import type { DirectLineStore } from '../storage/directline-store';
import { createAdminRouter } from './router';
import { StaffAuth } from './staff';

/** How often the outcome records are finalised and old records deleted. */
const RECORDS_PASS_MS = 10 * 60 * 1000;

export interface SupportConsole {
  /** What became of each conversation (BotService's onEvents writes them). */
  outcomes: OutcomeRecords;
  /** knowledge/ plus what support taught, swapped into the core's context as it changes. */
  live: LiveKnowledge;
  router: express.Router;
  close(): Promise<void>;
}

/**
 * The support team's side of the bot (docs/console.md): the outcome records and their report,
 * staff accounts, the review queue and the learned phrasings, on the same storage as the rest.
 * `core` is the conversation core's context: learned phrasings replace its kb and matcher.
 */
export interface ConsoleDeps {
  config: Config;
  db: Db;
  redis?: Redis;
  core: CoreContext;
  base: KnowledgeBase;
  wrapMatcher: (m: Matcher) => Matcher;
  /** The stores a seller's data is in besides the console's own. */
  stores: { conversations: ConversationStore; directLine: DirectLineStore; outbox: Outbox };
  log: Logger;
}

export function createSupportConsole(deps: ConsoleDeps): SupportConsole {
  const { config, db, redis, core, log } = deps;
  const learningStore = redis ? new RedisLearningStore(redis) : new SqliteLearningStore(db);
  const outcomeStore = redis ? new RedisOutcomeStore(redis) : new SqliteOutcomeStore(db);
  const outcomes = new OutcomeRecords({
    store: outcomeStore,
    log,
    retentionDays: config.analyticsRetentionDays,
    // The same limit for every store of a seller's words: review marks, hand-over cases done
    // with, saved mail and kept pictures (conversations and the Direct Line history are kept
    // for less anyway: a day, a week).
    alsoPurge: async (before) => {
      const counts = await Promise.all([
        learningStore.purgeReviewed(before),
        deps.stores.outbox.purgeBefore(before),
        purgeFilesBefore(path.join(config.dataDir, 'mail'), before),
        purgeFilesBefore(path.join(config.dataDir, 'screenshots'), before),
      ]);
      return counts.reduce((a, b) => a + b, 0);
    },
  });
  outcomes.schedule(RECORDS_PASS_MS);
  const live = new LiveKnowledge({ base: deps.base, store: learningStore, holder: core, wrap: deps.wrapMatcher, redis, log });
  void live.start();
  const learning = new Learning({
    outcomes,
    store: learningStore,
    live,
    kb: () => core.kb,
    tokens: (text) => core.matcher.analyse(text).content,
    days: config.analyticsRetentionDays,
  });
  const sellerFiles = new SellerFiles(config.dataDir, redis, log);
  sellerFiles.listen();
  const staff = new StaffAuth(redis ? new RedisStaffStore(redis) : new SqliteStaffStore(db));
  const router = createAdminRouter({
    staff,
    outcomes,
    learning,
    sellers: new SellerData({ ...deps.stores, outcomes: outcomeStore, files: sellerFiles }),
    topics: () => core.kb.topics.map((topic) => ({ id: topic.id, title: { th: topic.th.title, en: topic.en.title } })),
    texts: localeSection('console'),
    publicBaseUrl: config.publicBaseUrl,
    redis,
    log,
  });
  return {
    outcomes,
    live,
    router,
    close: async () => {
      await outcomes.close();
      await live.close();
      sellerFiles.close();
    },
  };
}
