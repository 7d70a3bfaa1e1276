/**
 * The states a store saved last, kept parsed in memory, oldest first, at most `limit` of them.
 * Taking one hands the object over (it leaves the map: the caller may change it); keeping one
 * puts it last. See the conversation stores for why and when what they keep is still true.
 */
export class RecentStates<T> {
  private readonly kept = new Map<string, T>();

  constructor(private readonly limit = 2_000) {}

  take(key: string): T | undefined {
    const value = this.kept.get(key);
    this.kept.delete(key);
    return value;
  }

  keep(key: string, value: T): void {
    this.kept.delete(key);
    this.kept.set(key, value);
    if (this.kept.size > this.limit) this.kept.delete(this.kept.keys().next().value as string);
  }

  drop(key: string): void {
    this.kept.delete(key);
  }

  dropWhere(stale: (value: T) => boolean): void {
    for (const [key, value] of this.kept) if (stale(value)) this.kept.delete(key);
  }
}
