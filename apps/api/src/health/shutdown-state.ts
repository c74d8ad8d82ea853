/**
 * Set when the process has been asked to stop. Health then answers 503 so a load balancer stops
 * sending traffic, while requests already on their way are still served.
 */
export class ShutdownState {
  private stopping = false;

  begin(): void {
    this.stopping = true;
  }

  get isStopping(): boolean {
    return this.stopping;
  }
}
