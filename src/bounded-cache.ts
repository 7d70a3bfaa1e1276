/**
 * A memo that forgets everything when full: simple, and enough for values that repeat a lot
 * (chat words, the bot's own texts and labels), where a least-recently-used order would cost
 * more bookkeeping than it saves.
 */
export class BoundedCache<K, V> {
  private readonly map = new Map<K, V>();
  constructor(private readonly max: number) {}
  get(k: K): V | undefined {
    return this.map.get(k);
  }
  set(k: K, v: V): void {
    if (this.map.size >= this.max) this.map.clear();
    this.map.set(k, v);
  }
}
