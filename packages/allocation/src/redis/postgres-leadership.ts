import type { Client } from 'pg';
import { connectTo } from '@allocation/platform';
import type { Leadership } from './inbound-commands';

/**
 * The lead as a PostgreSQL session advisory lock, held on a connection of its own: waiting for
 * it blocks in the database, so a standby takes over the moment the leader lets go or its
 * connection dies (the server drops a dead session's locks).
 */
export class PostgresLeadership implements Leadership {
  private client: Client | undefined;
  private leading = false;
  /** Counts acquires and releases: a release while connecting cancels that acquire. */
  private attempts = 0;
  private readonly lost: Array<() => void> = [];

  constructor(
    private readonly url: string,
    /** Names the lock; every instance taking the same commands uses the same name. */
    private readonly name: string,
  ) {}

  async acquire(): Promise<void> {
    // On a multi-host URL, the server that takes writes: a lock taken on a standby would let a
    // second instance lead on the primary.
    const attempt = ++this.attempts;
    const client = await connectTo(this.url, { application_name: `lead:${this.name}` });
    if (attempt !== this.attempts) {
      await client.end().catch(() => undefined);
      throw new Error('released while connecting for the lead');
    }
    this.client = client;
    const dropped = () => {
      if (this.client !== client) return;
      this.client = undefined;
      if (this.leading) {
        this.leading = false;
        for (const listener of this.lost) listener();
      }
    };
    // Heard, always: an unheard 'error' would end the process.
    client.on('error', dropped);
    client.on('end', dropped);
    await client.query(`SELECT pg_advisory_lock(hashtext('allocation-lead'), hashtext($1))`, [
      this.name,
    ]);
    if (this.client !== client) throw new Error('released while waiting for the lead');
    this.leading = true;
  }

  onLost(listener: () => void): void {
    this.lost.push(listener);
  }

  async release(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.leading = false;
    this.attempts++;
    // Ending the session lets go of the lock, and cancels a wait for it.
    await client?.end().catch(() => undefined);
  }
}
