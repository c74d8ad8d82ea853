import type { Response } from 'supertest';

export interface Answer {
  readonly orderId: string;
  readonly status: number;
  readonly retryAfter?: string;
}

/**
 * Keeps `clients` loops sending (each request named by an order id unique to client and turn)
 * while `disturb` runs, then stops them: every answer, to check what the fault did.
 */
export const answersUnderLoad = async (
  clients: number,
  send: (client: number, turn: number, orderId: string) => Promise<Response>,
  disturb: () => Promise<void>,
): Promise<Answer[]> => {
  const answers: Answer[] = [];
  let sending = true;
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
    await disturb();
  } finally {
    sending = false;
    await running;
  }
  return answers;
};
