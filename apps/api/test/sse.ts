import { request, type IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

export interface StreamedEvent {
  readonly id: string;
  readonly data: { id: number; type: string; occurredAt: string; data: Record<string, unknown> };
}

/** A Server-Sent Events client for tests: collects events, waits for them, and closes. */
export class EventStream {
  readonly events: StreamedEvent[] = [];
  ended = false;
  private buffered = '';

  private constructor(
    readonly response: IncomingMessage,
    private readonly abort: () => void,
  ) {
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => this.receive(chunk));
    response.on('end', () => (this.ended = true));
    response.on('error', () => (this.ended = true));
  }

  static open(url: string, headers: Record<string, string> = {}): Promise<EventStream> {
    return new Promise((resolve, reject) => {
      const req = request(url, { headers: { Accept: 'text/event-stream', ...headers } });
      req.on('response', (response) => resolve(new EventStream(response, () => req.destroy())));
      req.on('error', reject);
      req.end();
    });
  }

  async waitFor(count: number, ms = 5_000): Promise<StreamedEvent[]> {
    for (let waited = 0; this.events.length < count; waited += 10) {
      if (waited >= ms) {
        throw new Error(`Only ${this.events.length} of ${count} events arrived within ${ms} ms`);
      }
      await sleep(10);
    }
    return this.events;
  }

  async waitForEnd(ms = 5_000): Promise<void> {
    for (let waited = 0; !this.ended; waited += 10) {
      if (waited >= ms) throw new Error(`The stream did not end within ${ms} ms`);
      await sleep(10);
    }
  }

  close(): void {
    this.abort();
  }

  private receive(chunk: string): void {
    this.buffered += chunk;
    let end = this.buffered.indexOf('\n\n');
    while (end >= 0) {
      const frame = this.buffered.slice(0, end);
      this.buffered = this.buffered.slice(end + 2);
      const field = (name: string) =>
        frame
          .split('\n')
          .find((line) => line.startsWith(`${name}: `))
          ?.slice(name.length + 2);
      const id = field('id');
      const data = field('data');
      if (id !== undefined && data !== undefined) {
        this.events.push({ id, data: JSON.parse(data) as StreamedEvent['data'] });
      }
      end = this.buffered.indexOf('\n\n');
    }
  }
}
