/**
 * Set when the process has been asked to stop. Health then answers 503 so a load balancer stops
 * sending traffic, while requests already on their way are still served.
 */
export class ShutdownState {
  private stopping = false;
  private readonly listeners = new Set<() => void>();

  begin(): void {
    if (this.stopping) return;
    this.stopping = true;
    for (const listener of this.listeners) listener();
  }

  /** Called once when the stop begins, e.g. to end long-lived streams; returns a remover. */
  onStop(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get isStopping(): boolean {
    return this.stopping;
  }
}
