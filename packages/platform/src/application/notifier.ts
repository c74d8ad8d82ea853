/** A message for people (those who restock, say): mail when configured, a log line otherwise. */
export interface Notification {
  readonly subject: string;
  readonly text: string;
}

export interface Notifier {
  send(notification: Notification): Promise<void>;
}
