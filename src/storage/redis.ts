/**
 * The shared storage for running several instances (REDIS_URL): the same interfaces as the
 * SQLite stores, so every instance sees every conversation. Keys expire on their own, so there
 * is nothing to sweep.
 */

export { connectRedis } from './redis-connection';
export { HOLD, RedisConversationStore, type HoldOptions } from './redis-conversation-store';
export { RedisDirectLineStore } from './redis-directline-store';
export { RedisEventDedupStore, RedisEventInbox } from './redis-event-stores';
