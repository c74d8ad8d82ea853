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
  // Stock arrives through the API: the pages under test here are Prices and Orders.
  for (const [reference, sku] of [
    ['web-b1', 'WEB-LAMP'],
    ['web-b2', 'WEB-SOFA'],
  ]) {
    const response = await fetch(`${service.base}/api/batches`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ reference, sku, quantity: 10 }),
    });
    expect(response.status).toBe(201);
  }
});

afterAll(async () => {
  await browser?.close();
  await service?.stop();
});

const status = () => page.getByRole('status');
const section = (title: string) => page.getByRole('region', { name: title, exact: true });

const setPrice = async (sku: string, amount: string) => {
  const form = section('Set a price');
  await form.getByLabel('SKU').fill(sku);
  await form.getByLabel('Unit price').fill(amount);
  await form.getByRole('button', { name: 'Set price' }).click();
};

/** Waits until an item's row reads as expected, without reloading anything. */
const itemShows = async (sku: string, pattern: RegExp) => {
  const row = page
    .getByRole('table', { name: 'Order items' })
    .getByRole('row')
    .filter({ hasText: sku });
  let text = '';
  for (let waited = 0; waited < 10_000; waited += 50) {
    text = await row.innerText();
    if (pattern.test(text)) return;
    await page.waitForTimeout(50);
  }
  throw new Error(`${sku} still reads "${text}"`);
};

describe('the Prices page', () => {
  it('sets prices written as decimals, and lists them', async () => {
    await page.goto(`${service.base}/prices.html`);
    await setPrice('WEB-LAMP', '19.99');
    await status().getByText('WEB-LAMP now costs 19.99 EUR.').waitFor();
    await setPrice('WEB-SOFA', '450');
    await status().getByText('WEB-SOFA now costs 450.00 EUR.').waitFor();
    const rows = await page
      .getByRole('table', { name: 'Price catalogue' })
      .getByRole('row')
      .allInnerTexts();
    expect(rows.slice(1).map((row) => row.split('\t').slice(0, 2).join(' '))).toEqual([
      'WEB-LAMP 19.99 EUR',
      'WEB-SOFA 450.00 EUR',
    ]);
  });

  it('says what is wrong with a price, and sets nothing', async () => {
    await setPrice('WEB-LAMP', '19.999');
    await status()
      .getByText('Please write the price as a number with at most 2 decimals, like 19.99.')
      .waitFor();
    expect(await status().getAttribute('class')).toBe('error');
    await browser.snapshot('prices');
  });
});

describe('the Orders page', () => {
  it('creates an order, adds priced items, places it and shows each line allocated live', async () => {
    await page.goto(`${service.base}/orders.html`);
    await section('New order').getByLabel('Customer').fill('web-customer');
    await section('New order').getByRole('button', { name: 'Create order' }).click();
    await status()
      .getByText(/^Order .+ created for web-customer\. Add its items\.$/)
      .waitFor();

    const addItem = async (sku: string, quantity: number) => {
      await page.getByLabel('SKU', { exact: true }).fill(sku);
      await page.getByLabel('Quantity').fill(String(quantity));
      await page.getByRole('button', { name: 'Add item' }).click();
    };
    await addItem('WEB-LAMP', 2);
    await status()
      .getByText(/now totals 39\.98 EUR\.$/)
      .waitFor();
    await addItem('WEB-SOFA', 1);
    await status()
      .getByText(/now totals 489\.98 EUR\.$/)
      .waitFor();
    await addItem('WEB-CHAIR', 1);
    await status().getByText('WEB-CHAIR has no price. Set it on the Prices page first.').waitFor();

    await page.getByRole('button', { name: 'Place order' }).click();
    // Allocation decides after the commit; the page hears of it on the event stream, and says
    // how it went once every line is decided (no "being allocated" left behind).
    await itemShows('WEB-LAMP', /allocated: 2 from web-b1/);
    await itemShows('WEB-SOFA', /allocated: 1 from web-b2/);
    await status()
      .getByText(/^Order .+: 2 lines allocated\.$/)
      .waitFor();
    expect(await page.locator('#order-status').innerText()).toBe('placed');
    expect(await page.getByRole('button', { name: 'Place order' }).isDisabled()).toBe(true);
    // A placed order's items are frozen: no form to add to it, no removing.
    expect(await page.locator('#add-item-form').isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'Remove WEB-LAMP' }).isDisabled()).toBe(true);
    await browser.snapshot('order-placed');
  });

  it('cancels the placed order, freeing its stock', async () => {
    let asked = '';
    page.once('dialog', (dialog) => {
      asked = dialog.message();
      void dialog.accept();
    });
    await page.getByRole('button', { name: 'Cancel order' }).click();
    await status()
      .getByText(/cancelled\.$/)
      .waitFor();
    // It was asked first, saying what cancelling a placed order does.
    expect(asked).toMatch(/^Cancel order .+\? Its allocated lines go back to stock\.$/);
    for (let waited = 0; ; waited += 50) {
      const response = await fetch(`${service.base}/api/batches/web-b1`);
      const batch = (await response.json()) as { allocatedQuantity: number };
      if (batch.allocatedQuantity === 0) break;
      if (waited > 10_000) throw new Error('the cancelled order was never deallocated');
      await page.waitForTimeout(50);
    }
    // The list follows the stream and may be re-rendered while it is read: read until it settles.
    let orders: string[] = [];
    for (let waited = 0; waited < 10_000; waited += 50) {
      orders = await page
        .getByRole('table', { name: 'Recent orders' })
        .getByRole('row')
        .allInnerTexts();
      if (/web-customer\s+cancelled\s+2\s+489\.98 EUR/.test(orders[1] ?? '')) break;
      await page.waitForTimeout(50);
    }
    expect(orders[1]).toMatch(/web-customer\s+cancelled\s+2\s+489\.98 EUR/);
  });

  it('shows a line with no stock as backordered, then allocated when stock arrives', async () => {
    await section('New order').getByLabel('Customer').fill('web-waiting');
    await section('New order').getByRole('button', { name: 'Create order' }).click();
    await status()
      .getByText(/^Order .+ created for web-waiting\. Add its items\.$/)
      .waitFor();
    await page.getByLabel('SKU', { exact: true }).fill('WEB-SOFA');
    await page.getByLabel('Quantity').fill('25');
    await page.getByRole('button', { name: 'Add item' }).click();
    await status()
      .getByText(/now totals 11250\.00 EUR\.$/)
      .waitFor();
    await page.getByRole('button', { name: 'Place order' }).click();
    // Only 10 sofas are in stock: the line waits, and the page says so.
    await itemShows('WEB-SOFA', /backordered: waiting for stock/);
    await status()
      .getByText(/^Order .+: 0 lines allocated, 1 line backordered until stock arrives\.$/)
      .waitFor();
    await browser.snapshot('order-backordered');

    const arrived = await fetch(`${service.base}/api/batches`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ reference: 'web-b3', sku: 'WEB-SOFA', quantity: 30 }),
    });
    expect(arrived.status).toBe(201);
    await itemShows('WEB-SOFA', /allocated: 25 from web-b3/);
    // The notice follows: it no longer says the line waits.
    await status()
      .getByText(/^Order .+: 1 line allocated\.$/)
      .waitFor();
  });

  it('follows the order to shipped, in its panel and in the list, without a reload', async () => {
    const orderId = await page.locator('#order-id').innerText();
    const post = (path: string, body?: unknown) =>
      fetch(`${service.base}${path}`, {
        method: 'POST',
        headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const list = await post('/api/pick-lists', { orderIds: [orderId] });
    expect(list.status).toBe(201);
    const { id } = (await list.json()) as { id: string };
    expect((await post(`/api/pick-lists/${id}/confirm`)).status).toBe(200);

    await itemShows('WEB-SOFA', /shipped: 25 from web-b3/);
    await page.locator('#order-status').getByText('shipped').waitFor();
    const row = page
      .getByRole('table', { name: 'Recent orders' })
      .getByRole('row')
      .filter({ hasText: orderId });
    await row.getByText('shipped').waitFor();
    await status()
      .getByText(/^Order .+ shipped\.$/)
      .waitFor();
    await browser.snapshot('order-shipped');
  });

  it('pages and filters the list of orders by customer and status', async () => {
    const post = (path: string, body?: unknown) =>
      fetch(`${service.base}${path}`, {
        method: 'POST',
        headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    for (let i = 1; i <= 25; i++) {
      await post('/api/orders', { customerId: 'many-orders', orderId: `many-${i}` });
    }
    await post('/api/orders/many-7/items', { sku: 'WEB-LAMP', quantity: 1 });
    await post('/api/orders/many-7/cancel');
    await page.goto(`${service.base}/orders.html`);
    const recent = section('Recent orders');
    await recent.getByLabel('Customer').fill('many-orders');
    await recent.getByRole('button', { name: 'Filter' }).click();
    await recent.getByText('Page 1 of 2 · orders 1–20 of 25').waitFor();
    await recent.getByRole('button', { name: 'Next' }).click();
    await recent.getByText('Page 2 of 2 · orders 21–25 of 25').waitFor();
    expect(await recent.getByRole('button', { name: 'Next' }).isDisabled()).toBe(true);
    // The order on page 2 can be opened from the list.
    const rows = recent.getByRole('table').getByRole('row');
    expect(await rows.count()).toBe(6);

    await recent.getByLabel('Status').selectOption('cancelled');
    await recent.getByRole('button', { name: 'Filter' }).click();
    await recent.getByText('Page 1 of 1 · orders 1–1 of 1').waitFor();
    await recent.getByRole('link', { name: 'many-7' }).click();
    await page.locator('#order-status').getByText('cancelled').waitFor();
    await browser.snapshot('orders-filtered');
  });
});
