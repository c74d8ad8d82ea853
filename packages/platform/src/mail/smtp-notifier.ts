import { createTransport, type Transporter } from 'nodemailer';
import type { MailConfig } from '../config/app-config';
import type { Notification, Notifier } from '../application/notifier';

/** Sends each notification as one plain-text mail; a refusal by the server is a throw. */
export class SmtpNotifier implements Notifier {
  private readonly transport: Transporter;

  constructor(private readonly config: MailConfig) {
    this.transport = createTransport({
      url: config.smtpUrl,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    });
  }

  async send(notification: Notification): Promise<void> {
    await this.transport.sendMail({
      from: this.config.from,
      to: this.config.to,
      subject: notification.subject,
      text: notification.text,
    });
  }

  close(): void {
    this.transport.close();
  }
}

/** Without mail settings the notification is still seen: as a warning in the log. */
export class LogNotifier implements Notifier {
  constructor(private readonly log: { warn(message: string): void }) {}

  async send(notification: Notification): Promise<void> {
    this.log.warn(
      `${notification.subject} (no SMTP_URL/NOTIFY_EMAIL set to mail it): ${notification.text.replace(/\n/g, ' ')}`,
    );
  }
}
