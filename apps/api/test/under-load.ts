import type { Response } from 'supertest';

export interface Answer {
  readonly orderId: string;
  readonly status: number;
  readonly retryAfter?: string;
}

/** Resolves once `count` more answers have come; the deadline only stops a hang. */
export type MoreAnswers = (count: number) => Promise<void>;

const HANG_DEADLINE_MS = 60_000;

/**
 * Keeps `clients` loops sending (each request named by an order id unique to client and turn)
 * while `disturb` runs, then stops them: every answer, to check what the fault did. `disturb`
 * paces itself by answers (`moreAnswers(n)`), never by the clock, so a slow machine proves
 * the same as a fast one.
 */
export const answersUnderLoad = async (
  clients: number,
  send: (client: number, turn: number, orderId: string) => Promise<Response>,
  disturb: (moreAnswers: MoreAnswers) => Promise<void>,
): Promise<Answer[]> => {
  const answers: Answer[] = [];
  let sending = true;
  const moreAnswers: MoreAnswers = async (count) => {
    const deadline = Date.now() + HANG_DEADLINE_MS;
    const target = answers.length + count;
    while (answers.length < target) {
      if (Date.now() > deadline) {
        throw new Error(`only ${answers.length} of ${target} answers in ${HANG_DEADLINE_MS} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  const loop = async (c: number) => {
    for (let i = 0; sending; i++) {
      const orderId = `o-${c}-${i}`;
      const response = await send(c, i, orderId);
      answers.push({
        orderId,
        status: response.status,
        retryAfter: response.headers['retry-after'],
      });
    }
  };
  const running = Promise.all(Array.from({ length: clients }, (_, c) => loop(c)));
  try {
    await disturb(moreAnswers);
  } finally {
    sending = false;
    await running;
  }
  return answers;
};
