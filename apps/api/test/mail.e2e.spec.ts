import { setTimeout as sleep } from 'node:timers/promises';
import { TestSmtpServer } from '@allocation/platform/testing';
import { startTestApp, type TestApp } from './support';

let smtp: TestSmtpServer;
let t: TestApp;

beforeAll(async () => {
  smtp = await TestSmtpServer.start();
  t = await startTestApp({
    config: {
      events: {
        retentionDays: 30,
        mail: {
          smtpUrl: smtp.url,
          to: 'stock@warehouse.example',
          from: 'allocation@warehouse.example',
        },
      },
    },
  });
  await t.http.post('/api/batches').send({ reference: 'mail-b1', sku: 'MAIL-LAMP', quantity: 2 });
});

afterAll(async () => {
  await t.close();
  await smtp.close();
});

const mailsAbout = async (orderId: string, count = 1, ms = 5_000) => {
  for (let waited = 0; ; waited += 20) {
    const found = smtp.received.filter((mail) => mail.raw.includes(`Order ${orderId} `));
    if (found.length >= count) return found;
    if (waited >= ms) throw new Error(`${found.length} of ${count} mails about ${orderId} arrived`);
    await sleep(20);
  }
};

describe('out-of-stock mail', () => {
  it('mails "Out of stock for <sku>" to NOTIFY_EMAIL when an allocation finds no stock', async () => {
    const refused = await t.http
      .post('/api/allocations')
      .send({ orderId: 'mail-o1', sku: 'MAIL-LAMP', quantity: 5 });
    expect(refused.status).toBe(409);
    const [mail] = await mailsAbout('mail-o1');
    expect(mail?.from).toBe('allocation@warehouse.example');
    expect(mail?.to).toEqual(['stock@warehouse.example']);
    expect(mail?.raw).toMatch(/^Subject: Out of stock for MAIL-LAMP$/m);
    expect(mail?.raw).toContain(
      'Order mail-o1 asked for 5 of MAIL-LAMP and no batch could take it.',
    );
  });

  it('mails a line that a shrinking batch pushes out with nowhere to go', async () => {
    await t.http
      .post('/api/allocations')
      .send({ orderId: 'mail-o2', sku: 'MAIL-LAMP', quantity: 2 });
    await t.http.patch('/api/batches/mail-b1').send({ quantity: 1 });
    const [mail] = await mailsAbout('mail-o2');
    expect(mail?.raw).toMatch(/^Subject: Out of stock for MAIL-LAMP$/m);
  });

  it('sends again what the mail server refused, so each is delivered at least once', async () => {
    smtp.refuseNext(2);
    await t.http
      .post('/api/allocations')
      .send({ orderId: 'mail-o3', sku: 'MAIL-LAMP', quantity: 9 });
    const [mail] = await mailsAbout('mail-o3');
    expect(smtp.refusals).toBe(2);
    expect(mail?.raw).toContain('Order mail-o3 asked for 9');
  });

  it('mails nothing for allocations that succeed', async () => {
    await t.http.post('/api/batches').send({ reference: 'mail-b2', sku: 'MAIL-SOFA', quantity: 5 });
    await t.http
      .post('/api/allocations')
      .send({ orderId: 'mail-o4', sku: 'MAIL-SOFA', quantity: 1 });
    await sleep(500);
    expect(smtp.received.filter((mail) => mail.raw.includes('MAIL-SOFA'))).toEqual([]);
  });
});
