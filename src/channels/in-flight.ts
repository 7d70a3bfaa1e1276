/**
 * Work a channel finishes after it has answered the HTTP request (a LINE reply, a Direct Line
 * turn). A stopping process waits for it, so a seller's message is never dropped half-way.
 */
export class InFlight {
  private readonly pending = new Set<Promise<unknown>>();

  track<T>(p: Promise<T>): Promise<T> {
    this.pending.add(p);
    const done = () => this.pending.delete(p);
    p.then(done, done);
    return p;
  }

  get size(): number {
    return this.pending.size;
  }

  /** Resolves once nothing is in flight, including work started while waiting. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }
}
