import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  readonly from: string;
  readonly to: ReadonlyArray<string>;
  /** The message as sent: headers, a blank line, the body. */
  readonly raw: string;
}

/**
 * A real SMTP server on a free local port that keeps what it receives. `refuseNext` makes it
 * answer the next messages with a temporary failure, as a busy mail server would.
 */
export class TestSmtpServer {
  readonly received: ReceivedMail[] = [];
  refusals = 0;
  private refuse = 0;

  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
  ) {}

  static async start(): Promise<TestSmtpServer> {
    // The handler below needs the instance, which needs the server: it is filled in after.
    const holder: { self?: TestSmtpServer } = {};
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const self = holder.self;
          if (self !== undefined && self.refuse > 0) {
            self.refuse -= 1;
            self.refusals += 1;
            const busy = Object.assign(new Error('Try again later'), { responseCode: 451 });
            callback(busy);
            return;
          }
          self?.received.push({
            from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        });
      },
    });
    const port = await new Promise<number>((resolve, reject) => {
      server.on('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.server.address();
        resolve(typeof address === 'object' && address !== null ? address.port : 0);
      });
    });
    const self = new TestSmtpServer(server, port);
    holder.self = self;
    return self;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  refuseNext(count: number): void {
    this.refuse = count;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
