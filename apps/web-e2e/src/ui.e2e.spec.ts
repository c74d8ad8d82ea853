import type { Page } from 'playwright-core';
import { openBrowser, type Browser } from './browser';
import { startService, type RunningService } from './service';

let service: RunningService;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  service = await startService();
  browser = await openBrowser();
  page = browser.page;
  await page.goto(service.base);
});

afterAll(async () => {
  await browser?.close();
  await service?.stop();
});

const status = () => page.getByRole('status');
const section = (title: string) => page.getByRole('region', { name: title, exact: true });
const snapshot = (name: string) => browser.snapshot(name);

const addBatch = async (batch: {
  reference: string;
  sku: string;
  quantity: number;
  eta?: string;
}) => {
  const form = section('Add a batch');
  await form.getByLabel('Reference').fill(batch.reference);
  await form.getByLabel('SKU').fill(batch.sku);
  await form.getByLabel('Quantity').fill(String(batch.quantity));
  if (batch.eta !== undefined) await form.getByLabel('ETA').fill(batch.eta);
  await form.getByRole('button', { name: 'Add batch' }).click();
};

const allocate = async (line: { orderId: string; sku: string; quantity: number }) => {
  const form = section('Allocate an order line');
  await form.getByLabel('Order id').fill(line.orderId);
  await form.getByLabel('SKU').fill(line.sku);
  await form.getByLabel('Quantity').fill(String(line.quantity));
  await form.getByRole('button', { name: 'Allocate' }).click();
};

const batchRow = (reference: string) =>
  page
    .getByRole('table', { name: 'Batches', exact: true })
    .getByRole('row')
    .filter({ hasText: reference });

/**
 * A batch's row text once it matches, or as it is after 10 s: the table is fetched again after
 * the status line appears, so a row read at once may still show the numbers before.
 */
const batchRowText = async (reference: string, expected: RegExp): Promise<string> => {
  for (let tries = 0; tries < 100; tries++) {
    const text = await batchRow(reference).innerText();
    if (expected.test(text)) return text;
    await page.waitForTimeout(100);
  }
  return batchRow(reference).innerText();
};

/** Waits until a batch's row reads as expected, without reloading anything. */
const rowShows = async (reference: string, pattern: RegExp) => {
  let text = '';
  for (let waited = 0; waited < 5_000; waited += 50) {
    text = await batchRow(reference).innerText();
    if (pattern.test(text)) return;
    await page.waitForTimeout(50);
  }
  throw new Error(`Row ${reference} still reads "${text}"`);
};

describe('the web UI', () => {
  it('has a favicon', async () => {
    const icon = await page.locator('link[rel="icon"]').getAttribute('href');
    const response = await page.request.get(`${service.base}${icon}`);
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toContain('image/svg+xml');
  });

  it('adds a batch, shows it, and clears the form', async () => {
    await addBatch({ reference: 'ui-now', sku: 'UI-LAMP', quantity: 10 });
    await status().getByText('Batch ui-now added: 10 × UI-LAMP.').waitFor();
    await batchRow('ui-now').waitFor();
    expect(await batchRowText('ui-now', /ui-now\s+UI-LAMP\s+—\s+10\s+0\s+10/)).toMatch(
      /ui-now\s+UI-LAMP\s+—\s+10\s+0\s+10/,
    );
    expect(await section('Add a batch').getByLabel('Reference').inputValue()).toBe('');
    await addBatch({ reference: 'ui-later', sku: 'UI-LAMP', quantity: 10, eta: '2027-03-01' });
    await status().getByText('Batch ui-later added').waitFor();
  });

  it('allocates a line and clears the form', async () => {
    await allocate({ orderId: 'ui-o1', sku: 'UI-LAMP', quantity: 4 });
    await status().getByText('Order ui-o1: 4 × UI-LAMP allocated (4 from ui-now).').waitFor();
    await allocate({ orderId: 'ui-o2', sku: 'UI-LAMP', quantity: 3 });
    await status().getByText('Order ui-o2: 3 × UI-LAMP allocated (3 from ui-now).').waitFor();
    expect(await section('Allocate an order line').getByLabel('Order id').inputValue()).toBe('');
    expect(await batchRowText('ui-now', /10\s+7\s+3/)).toMatch(/10\s+7\s+3/);
  });

  it("edits a batch's quantity and says which lines were reallocated", async () => {
    await batchRow('ui-now').getByLabel('New quantity for ui-now').fill('5');
    // Below what it holds: the page asks first, saying what will happen.
    let asked = '';
    page.once('dialog', (dialog) => {
      asked = dialog.message();
      void dialog.accept();
    });
    await batchRow('ui-now').getByRole('button', { name: 'Save quantity of ui-now' }).click();
    await page
      .getByText(
        'Batch ui-now now holds 5. Lines that had to leave it: order ui-o2 (3 × UI-LAMP) moved to ui-later.',
      )
      .waitFor();
    expect(asked).toBe('Set batch ui-now to 5? Order ui-o2 (3 × UI-LAMP) will move to ui-later.');
    expect(await batchRowText('ui-later', /10\s+3\s+7/)).toMatch(/10\s+3\s+7/);
    await snapshot('edit-quantity');
  });

  it("looks up an order's allocations", async () => {
    const form = section('Find an order');
    await form.getByLabel('Order id').fill('ui-o2');
    await form.getByRole('button', { name: 'Show allocations' }).click();
    await status().getByText('Order ui-o2 has 1 allocation.').waitFor();
    const rows = page.getByRole('table', { name: 'Order allocations' }).getByRole('row');
    expect(await rows.nth(1).innerText()).toMatch(/UI-LAMP\s+ui-later\s+3/);
  });

  it('shows a product: its version, what is available and its batches', async () => {
    const form = section('Product');
    await form.getByLabel('Product SKU').fill('UI-LAMP');
    await form.getByRole('button', { name: 'Show product' }).click();
    await status().getByText('Product UI-LAMP: 8 available.').waitFor();
    // Two batches added, two lines allocated, one quantity changed (reallocating a line with it).
    expect(await page.locator('#product-version').innerText()).toBe('5');
    expect(await page.locator('#product-available').innerText()).toBe('8');
    expect(await page.locator('#product-backorders').innerText()).toBe('none');
    const rows = page.getByRole('table', { name: 'Product batches' }).getByRole('row');
    expect(await rows.count()).toBe(3);
    await snapshot('product');
  });

  it('deletes a batch, reallocating its lines', async () => {
    page.once('dialog', (dialog) => void dialog.accept());
    await batchRow('ui-now').getByRole('button', { name: 'Delete ui-now' }).click();
    await status().getByText('Batch ui-now deleted').waitFor();
    expect(await batchRow('ui-now').count()).toBe(0);
    expect(await batchRowText('ui-later', /10\s+7\s+3/)).toMatch(/10\s+7\s+3/);
  });

  it('says what went wrong in words, not codes', async () => {
    await allocate({ orderId: 'ui-o3', sku: 'NO-SUCH-SKU', quantity: 1 });
    await status().getByText('Invalid sku NO-SUCH-SKU.').waitFor();

    await allocate({ orderId: 'ui-o4', sku: 'UI-LAMP', quantity: 50 });
    await page
      .getByText('Out of stock for sku UI-LAMP. Add stock or allow the line to be split.')
      .waitFor();

    await addBatch({ reference: 'ui-later', sku: 'UI-LAMP', quantity: 1 });
    await status().getByText('Batch ui-later already exists.').waitFor();

    await addBatch({ reference: 'has space', sku: 'UI-LAMP', quantity: 1 });
    await page
      .getByText(/^Please check the form: Reference must start with a letter or digit/)
      .waitFor();

    const form = section('Find an order');
    await form.getByLabel('Order id').fill('nobody');
    await form.getByRole('button', { name: 'Show allocations' }).click();
    await status().getByText('Order nobody has no allocations.').waitFor();

    const shown = await status().innerText();
    expect(shown).not.toMatch(/\b(400|404|409)\b|[A-Z]+_[A-Z]+/);
    expect(await status().getAttribute('class')).toBe('error');
    await snapshot('error');
  });

  it('pages through more than 100 batches', async () => {
    // 120 more batches through the API: the UI is what is under test here, not the adding.
    for (let i = 1; i <= 120; i++) {
      const response = await page.request.post(`${service.base}/api/batches`, {
        data: { reference: `page-${String(i).padStart(3, '0')}`, sku: 'PAGED', quantity: 1 },
      });
      expect(response.status()).toBe(201);
    }
    await page.reload();
    const info = page.locator('#page-info');
    await page.getByText('Page 1 of 3 · batches 1–50 of 121').waitFor();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Page 2 of 3 · batches 51–100 of 121').waitFor();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Page 3 of 3 · batches 101–121 of 121').waitFor();
    expect(await page.getByRole('button', { name: 'Next' }).isDisabled()).toBe(true);
    expect(
      await page.getByRole('table', { name: 'Batches', exact: true }).getByRole('row').count(),
    ).toBe(22);
    await batchRow('UI-LAMP').waitFor();
    await snapshot('paging');
    await page.getByRole('button', { name: 'Previous' }).click();
    await page.getByText('Page 2 of 3').waitFor();
    expect(await info.innerText()).toContain('51–100');
  });

  it('shows activity live, from this page and from other clients, and keeps the table current', async () => {
    const filter = section('Batches').getByLabel('Filter by SKU');
    await filter.fill('ACT-LAMP');
    await section('Batches').getByRole('button', { name: 'Filter' }).click();
    const panel = section('Activity');
    await panel.getByText('live', { exact: true }).waitFor();
    await addBatch({ reference: 'act-b1', sku: 'ACT-LAMP', quantity: 5 });
    await panel.getByText('Batch act-b1 added: 5 × ACT-LAMP').waitFor();

    // Another client, not this page, allocates: the page hears of it and its table follows.
    const other = (body: object) =>
      fetch(`${service.base}/api/allocations`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await other({ orderId: 'act-o1', sku: 'ACT-LAMP', quantity: 2 })).status).toBe(201);
    expect((await other({ orderId: 'act-o2', sku: 'ACT-LAMP', quantity: 9 })).status).toBe(409);
    await panel.getByText('Out of stock: order act-o2 wanted 9 × ACT-LAMP').waitFor();
    const entries = await panel.locator('li span').allInnerTexts();
    expect(entries.slice(0, 3)).toEqual([
      'Out of stock: order act-o2 wanted 9 × ACT-LAMP',
      'Order act-o1: 2 × ACT-LAMP allocated from act-b1',
      'Batch act-b1 added: 5 × ACT-LAMP',
    ]);
    // The table was not reloaded by this page's own action: it followed the stream.
    await rowShows('act-b1', /act-b1\s+ACT-LAMP\s+—\s+5\s+2\s+3/);

    // Orders show up too, in words.
    const api = (method: string, path: string, body?: object) =>
      fetch(`${service.base}${path}`, {
        method,
        headers: { 'Content-Type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    await api('PUT', '/api/prices/ACT-LAMP', { amountMinor: 1999, currency: 'EUR' });
    await api('POST', '/api/orders', { customerId: 'act-customer', orderId: 'act-ord' });
    await api('POST', '/api/orders/act-ord/items', { sku: 'ACT-LAMP', quantity: 1 });
    await api('POST', '/api/orders/act-ord/place');
    await panel.getByText('Order act-ord placed: 1 line, 19.99 EUR').waitFor();
    await panel.getByText('Order act-ord: 1 × ACT-LAMP added at 19.99 EUR').waitFor();
    // Allocation takes the placed order's line from the outbox; the table follows.
    await panel.getByText('Order act-ord: 1 × ACT-LAMP allocated from act-b1').waitFor();
    await rowShows('act-b1', /act-b1\s+ACT-LAMP\s+—\s+5\s+3\s+2/);

    // Picking and shipping, in words with their details rather than event names.
    const list = (await (
      await api('POST', '/api/pick-lists', { orderIds: ['act-o1'] })
    ).json()) as { id: string };
    await panel.getByText(`Pick list ${list.id} made: 2 units from 1 batch`).waitFor();
    await api('POST', `/api/pick-lists/${list.id}/confirm`);
    await panel
      .getByText(`Order act-o1: 2 × ACT-LAMP shipped from act-b1 (pick list ${list.id})`)
      .waitFor();
    await panel.getByText(`Pick list ${list.id} confirmed: 2 units shipped`).waitFor();
    expect(await panel.getByText(/PickList|^Shipped$/).count()).toBe(0);
    await snapshot('activity');
  });
});
