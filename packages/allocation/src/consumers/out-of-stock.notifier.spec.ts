import { type FeedItem, LogNotifier } from '@allocation/platform';
import { outOfStockNotifier } from './out-of-stock.notifier';

const item = (id: number, type: string, data: Record<string, unknown>): FeedItem => ({
  id,
  type,
  data,
  occurredAt: '2026-11-25T09:00:00.000Z',
  position: { xid: '1', id },
});

describe('the out-of-stock notifier', () => {
  it('without mail settings, warns in the log about each OutOfStock and nothing else', async () => {
    const warnings: string[] = [];
    const notifier = outOfStockNotifier(new LogNotifier({ warn: (m) => warnings.push(m) }));
    await notifier.handle([
      item(1, 'Allocated', { orderId: 'o1', sku: 'LAMP', quantity: 1, batchReference: 'b1' }),
      item(2, 'OutOfStock', { orderId: 'o2', sku: 'LAMP', quantity: 4 }),
      item(3, 'OrderShipped', { orderId: 'o3' }),
    ]);
    expect(warnings).toEqual([
      'Out of stock for LAMP (no SMTP_URL/NOTIFY_EMAIL set to mail it): Order o2 asked for 4 of LAMP and no batch could take it. Event 2, 2026-11-25T09:00:00.000Z.',
    ]);
  });

  it('fails the whole turn when a notification cannot be sent, so it comes again', async () => {
    const notifier = outOfStockNotifier({
      send: async () => {
        throw new Error('mail server down');
      },
    });
    await expect(
      notifier.handle([item(1, 'OutOfStock', { orderId: 'o1', sku: 'LAMP', quantity: 1 })]),
    ).rejects.toThrow('mail server down');
  });
});
