import type { Page } from 'playwright-core';
import { openBrowser, type Browser } from './browser';
import { callApi, startService, type RunningService } from './service';

let service: RunningService;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  service = await startService();
  browser = await openBrowser();
  page = browser.page;
});

afterAll(async () => {
  await browser?.close();
  await service?.stop();
});

const status = () => page.getByRole('status');
const section = (title: string) => page.getByRole('region', { name: title, exact: true });

const api = (method: string, path: string, body?: unknown) =>
  callApi(service.base, method, path, body);

const fillBatch = async (reference: string, sku: string, quantity: number) => {
  const form = section('Add a batch');
  await form.getByLabel('Reference').fill(reference);
  await form.getByLabel('SKU').fill(sku);
  await form.getByLabel('Quantity').fill(String(quantity));
  return form.getByRole('button', { name: 'Add batch' });
};

/** Polls `read` until it satisfies `done`; a deadline only against a hang. */
const until = async <T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> => {
  for (const deadline = Date.now() + 10_000; ;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`still ${JSON.stringify(value)}`);
    await page.waitForTimeout(50);
  }
};

describe('feedback while a request is in flight', () => {
  beforeAll(async () => {
    await page.goto(service.base);
  });

  it('takes a double click on a slow answer once: one batch, no "already exists"', async () => {
    let posts = 0;
    await page.route('**/api/batches', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      posts += 1;
      await new Promise((resolve) => setTimeout(resolve, 600));
      return route.continue();
    });
    const add = await fillBatch('slow-1', 'SLOW-LAMP', 5);
    await add.dblclick();
    // While the answer is on its way the page says so and the form is busy.
    await status().getByText('Working…').waitFor();
    expect(await section('Add a batch').locator('form').getAttribute('aria-busy')).toBe('true');
    await status().getByText('Batch slow-1 added: 5 × SLOW-LAMP.').waitFor();
    await page.unroute('**/api/batches');
    expect(posts).toBe(1);
    expect(await page.getByText('already exists').count()).toBe(0);
    expect(await section('Add a batch').locator('form').getAttribute('aria-busy')).toBeNull();
  });

  it('clears the last message as soon as the next action starts', async () => {
    const form = section('Allocate an order line');
    await form.getByLabel('Order id').fill('fb-o1');
    await form.getByLabel('SKU').fill('NO-SUCH');
    await form.getByLabel('Quantity').fill('1');
    await form.getByRole('button', { name: 'Allocate' }).click();
    await status().getByText('Invalid sku NO-SUCH.').waitFor();
    // Filtering says nothing of its own: the old error must not stay beside its result.
    const filter = section('Batches');
    await filter.getByLabel('Filter by SKU').fill('SLOW-LAMP');
    await filter.getByRole('button', { name: 'Filter' }).click();
    // The status line is empty (and so hidden) once the filter is done.
    await until(
      async () => (await page.locator('#status').textContent()) ?? '',
      (text) => text === '',
    );
  });

  it('refuses a SKU longer than 64 characters in words, instead of cutting it short', async () => {
    const long = `L${'x'.repeat(69)}`;
    await (await fillBatch('long-1', long, 1)).click();
    await status().getByText('Please check the form: Sku must be at most 64 characters.').waitFor();
    expect((await api('GET', '/api/batches/long-1')).status).toBe(404);
  });

  it('keeps the batch table current while a quantity is being typed in it', async () => {
    await api('POST', '/api/batches', { reference: 'typed-1', sku: 'TYPED', quantity: 4 });
    await page.reload();
    const filter = section('Batches');
    await filter.getByLabel('Filter by SKU').fill('TYPED');
    await filter.getByRole('button', { name: 'Filter' }).click();
    const input = page.getByLabel('New quantity for typed-1');
    await input.fill('9');
    // Someone else allocates from the batch while the quantity is being typed.
    await api('POST', '/api/allocations', { orderId: 'typed-o1', sku: 'TYPED', quantity: 1 });
    const row = page.getByRole('table', { name: 'Batches', exact: true }).getByRole('row', {
      name: /typed-1/,
    });
    await until(
      () => row.innerText(),
      (text) => /4\s+1\s+3/.test(text),
    );
    expect(await input.inputValue()).toBe('9');
    expect(await page.evaluate("document.activeElement?.getAttribute('aria-label')")).toBe(
      'New quantity for typed-1',
    );
  });

  it('keeps what is being typed, and the focus, when another batch joins the table', async () => {
    await api('POST', '/api/batches', { reference: 'joined-1', sku: 'JOINED', quantity: 4 });
    await page.reload();
    const filter = section('Batches');
    await filter.getByLabel('Filter by SKU').fill('JOINED');
    await filter.getByRole('button', { name: 'Filter' }).click();
    const table = page.getByRole('table', { name: 'Batches', exact: true });
    await until(
      () => table.innerText(),
      (text) => /joined-1/.test(text) && !/typed-1/.test(text),
    );
    const input = page.getByLabel('New quantity for joined-1');
    await input.fill('7');
    // Someone else adds a batch of the same SKU: the table gets a row more.
    await api('POST', '/api/batches', { reference: 'joined-2', sku: 'JOINED', quantity: 2 });
    await until(
      () => table.innerText(),
      (text) => /joined-2/.test(text),
    );
    expect(await input.inputValue()).toBe('7');
    expect(await page.evaluate("document.activeElement?.getAttribute('aria-label')")).toBe(
      'New quantity for joined-1',
    );
  });
});

describe('asking before what cannot be undone', () => {
  it('asks before deallocating an order, and does nothing when declined', async () => {
    await page.goto(service.base);
    await api('POST', '/api/allocations', { orderId: 'ask-o1', sku: 'TYPED', quantity: 1 });
    const form = section('Find an order');
    await form.getByLabel('Order id').fill('ask-o1');
    let asked = '';
    page.once('dialog', (dialog) => {
      asked = dialog.message();
      void dialog.dismiss();
    });
    await form.getByRole('button', { name: 'Deallocate order' }).click();
    await until(
      async () => asked,
      (text) => text !== '',
    );
    expect(asked).toBe('Deallocate order ask-o1? Its stock goes back to its batches.');
    expect((await api('GET', '/api/allocations/ask-o1')).status).toBe(200);
  });

  it('asks before a price of 0, and words the decimals of a currency that has none', async () => {
    await page.goto(`${service.base}/prices.html`);
    const form = section('Set a price');
    await form.getByLabel('SKU').fill('FREE-THING');
    await form.getByLabel('Unit price').fill('0');
    page.once('dialog', (dialog) => void dialog.dismiss());
    await form.getByRole('button', { name: 'Set price' }).click();
    await status().getByText('The price of FREE-THING was not changed.').waitFor();
    expect((await api('GET', '/api/prices/FREE-THING')).status).toBe(404);

    await form.getByLabel('Currency').selectOption('JPY');
    await form.getByLabel('Unit price').fill('19.5');
    await form.getByRole('button', { name: 'Set price' }).click();
    await status()
      .getByText('Please write the price as a whole number of JPY, like 1999: it has no decimals.')
      .waitFor();
  });
});

describe('deleting a batch', () => {
  it('says where each of its lines went: another batch, or the queue', async () => {
    await api('POST', '/api/batches', { reference: 'del-a', sku: 'DEL', quantity: 3 });
    await api('POST', '/api/batches', {
      reference: 'del-b',
      sku: 'DEL',
      quantity: 2,
      eta: '2031-01-01',
    });
    await api('POST', '/api/allocations', { orderId: 'del-o1', sku: 'DEL', quantity: 2 });
    await api('POST', '/api/allocations', { orderId: 'del-o2', sku: 'DEL', quantity: 1 });
    await page.goto(service.base);
    await section('Activity').getByText('live', { exact: true }).waitFor();
    const filter = section('Batches');
    await filter.getByLabel('Filter by SKU').fill('DEL');
    await filter.getByRole('button', { name: 'Filter' }).click();
    let asked = '';
    page.once('dialog', (dialog) => {
      asked = dialog.message();
      void dialog.accept();
    });
    await page.getByRole('button', { name: 'Delete del-a' }).click();
    await status()
      .getByText(
        'Batch del-a deleted. Lines that had to leave it: order del-o2 (1 × DEL) is backordered until stock arrives; order del-o1 (2 × DEL) moved to del-b.',
      )
      .waitFor();
    // Asked before, with what would happen to each line: the service's own preview.
    expect(asked).toBe(
      'Delete batch del-a? Order del-o2 (1 × DEL) will be backordered; order del-o1 (2 × DEL) will move to del-b. (1 line backordered in all.)',
    );
  });
});

describe('shrinking a batch below what it holds', () => {
  it('asks first, saying which lines will move or be backordered; declined, nothing changes', async () => {
    await api('POST', '/api/batches', { reference: 'shr-a', sku: 'SHR', quantity: 4 });
    await api('POST', '/api/allocations', { orderId: 'shr-o1', sku: 'SHR', quantity: 3 });
    await page.goto(service.base);
    const filter = section('Batches');
    await filter.getByLabel('Filter by SKU').fill('SHR');
    await filter.getByRole('button', { name: 'Filter' }).click();
    await page.getByLabel('New quantity for shr-a').fill('1');
    let asked = '';
    page.once('dialog', (dialog) => {
      asked = dialog.message();
      void dialog.dismiss();
    });
    await page.getByRole('button', { name: 'Save quantity of shr-a' }).click();
    await status().getByText('Batch shr-a was not changed.').waitFor();
    expect(asked).toBe(
      'Set batch shr-a to 1? Order shr-o1 (3 × SKU) will be backordered. (1 line backordered in all.)'.replace(
        'SKU',
        'SHR',
      ),
    );
    expect((await api('GET', '/api/batches/shr-a')).body).toMatchObject({
      purchasedQuantity: 4,
      allocatedQuantity: 3,
    });
    // Accepted, it says what happened in the same words: backordered, not "out of stock".
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Save quantity of shr-a' }).click();
    await status()
      .getByText(
        'Batch shr-a now holds 1. Lines that had to leave it: order shr-o1 (3 × SHR) is backordered until stock arrives.',
      )
      .waitFor();
  });

  it('says "1 unit" when a pick list holds one unit of the batch', async () => {
    await api('POST', '/api/batches', { reference: 'one-a', sku: 'ONE', quantity: 2 });
    await api('POST', '/api/allocations', { orderId: 'one-o1', sku: 'ONE', quantity: 1 });
    expect((await api('POST', '/api/pick-lists', { orderIds: ['one-o1'] })).status).toBe(201);
    await page.goto(service.base);
    const filter = section('Batches');
    await filter.getByLabel('Filter by SKU').fill('ONE');
    await filter.getByRole('button', { name: 'Filter' }).click();
    await page.getByLabel('New quantity for one-a').fill('0');
    await page.getByRole('button', { name: 'Save quantity of one-a' }).click();
    await status()
      .getByText('Batch one-a has 1 unit on open pick lists; its quantity cannot go below 1.')
      .waitFor();
  });
});

describe('the price catalogue', () => {
  it('is paged, 50 prices a page', async () => {
    for (let i = 1; i <= 55; i++) {
      const sku = `CAT-${String(i).padStart(2, '0')}`;
      await api('PUT', `/api/prices/${sku}`, { amountMinor: 100 + i, currency: 'EUR' });
    }
    await page.goto(`${service.base}/prices.html`);
    const catalogue = section('Price catalogue');
    await catalogue.getByText(/^Page 1 of 2 · prices 1–50 of \d+$/).waitFor();
    await catalogue.getByRole('button', { name: 'Next' }).click();
    await catalogue.getByText(/^Page 2 of 2 · prices 51–\d+ of \d+$/).waitFor();
    expect(await catalogue.getByRole('button', { name: 'Next' }).isDisabled()).toBe(true);
    // Filtered by the start of the SKU, in any case: from page 2 back to a list of one.
    await catalogue.getByLabel('SKU starts with').fill('cat-5');
    await catalogue.getByRole('button', { name: 'Filter' }).click();
    await catalogue.getByText('Page 1 of 1 · prices 1–6 of 6').waitFor();
    const skus = await catalogue.getByRole('table').getByRole('row').allInnerTexts();
    expect(skus.slice(1).map((row) => row.split('\t')[0])).toEqual([
      'CAT-50',
      'CAT-51',
      'CAT-52',
      'CAT-53',
      'CAT-54',
      'CAT-55',
    ]);
  });
});

describe("a product's stock over time", () => {
  it('charts stock on hand and on order against demand, and lists the queue in serving order', async () => {
    await api('POST', '/api/batches', { reference: 'ch-now', sku: 'CHART', quantity: 4 });
    await api('POST', '/api/batches', {
      reference: 'ch-june',
      sku: 'CHART',
      quantity: 6,
      eta: '2031-06-01',
    });
    await api('POST', '/api/batches', {
      reference: 'ch-jan',
      sku: 'CHART',
      quantity: 5,
      eta: '2031-01-01',
    });
    await api('POST', '/api/allocations', { orderId: 'ch-o1', sku: 'CHART', quantity: 4 });
    await api('POST', '/api/allocations', { orderId: 'ch-o2', sku: 'CHART', quantity: 5 });
    await api('POST', '/api/allocations', { orderId: 'ch-o3', sku: 'CHART', quantity: 6 });
    // The January batch goes: its line waits for stock.
    await api('DELETE', '/api/batches/ch-jan');
    await page.goto(service.base);
    const product = section('Product');
    await product.getByLabel('Product SKU').fill('CHART');
    await product.getByRole('button', { name: 'Show product' }).click();
    const chart = product.getByRole('img', { name: /^Stock over time for CHART\./ });
    await chart.waitFor();
    // On hand now 4, then 10 in June; 10 allocated and 5 waiting: 5 units short.
    expect(await product.locator('#product-chart-summary').innerText()).toBe(
      '5 units backordered: stock on hand and on order is 5 units short; they are served as soon as that much arrives.',
    );
    const labels = await chart.locator('text').allTextContents();
    expect(labels).toEqual(
      expect.arrayContaining([
        'now',
        '2031-06-01',
        '4',
        '10',
        'allocated 10',
        'allocated + backordered 15',
      ]),
    );
    expect(await product.locator('#product-backorders li').allInnerTexts()).toEqual([
      'order ch-o2: 5 units',
    ]);
    // The product's table and chart stay inside their card.
    expect(await product.evaluate((card) => card.scrollWidth <= card.clientWidth)).toBe(true);
    await browser.snapshot('stock-chart');
    // Five more units on order: the waiting line takes them at once, and nothing waits.
    await api('POST', '/api/batches', {
      reference: 'ch-july',
      sku: 'CHART',
      quantity: 5,
      eta: '2031-07-01',
    });
    await product.getByRole('button', { name: 'Show product' }).click();
    await product
      .getByText('No backorders: 4 units on hand now, 11 more units on order.')
      .waitFor();
    expect(await product.locator('#product-backorders').innerText()).toBe('none');
  });
});

describe('every page at desk, tablet and phone widths', () => {
  const PAGES = ['/', '/orders.html', '/prices.html', '/pick-lists.html'];

  beforeAll(async () => {
    // A 64-character SKU: the longest the service takes, in the widest tables.
    const sku = `W${'I'.repeat(63)}`;
    expect(
      (await api('POST', '/api/batches', { reference: 'wide-1', sku, quantity: 3 })).status,
    ).toBe(201);
    await api('POST', '/api/allocations', { orderId: `o-${'9'.repeat(62)}`, sku, quantity: 1 });
  });

  afterAll(async () => {
    await page.setViewportSize({ width: 1280, height: 1000 });
  });

  it.each([
    [1280, 'desk'],
    [820, 'tablet'],
    [390, 'phone'],
  ])('never scrolls the page sideways at %i px (%s)', async (width, name) => {
    await page.setViewportSize({ width, height: 900 });
    for (const path of PAGES) {
      await page.goto(`${service.base}${path}`);
      await page.getByRole('banner').waitFor();
      // Run in the page (a string, so this file needs no DOM types).
      const { scrollWidth, innerWidth } = await page.evaluate<{
        scrollWidth: number;
        innerWidth: number;
      }>('({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth })');
      expect({ path, scrollWidth }).toEqual({ path, scrollWidth: innerWidth });
      if (path === '/' && width >= 1280) {
        // At a desk the batch table, 64-character SKU and all, fits inside its card.
        const fits = await page.evaluate<boolean>(`(() => {
          const table = document.getElementById('batch-table');
          return table.closest('section').scrollWidth <= table.closest('section').clientWidth;
        })()`);
        expect(fits).toBe(true);
      }
      const shown = path === '/' ? 'stock' : path.slice(1, -'.html'.length);
      await browser.snapshot(`${shown}-${name}`);
      // The header's title and its links never run into each other.
      const title = await page.getByRole('banner').getByRole('heading').boundingBox();
      const links = await page.getByRole('banner').getByRole('link').all();
      for (const link of links) {
        const box = await link.boundingBox();
        if (title === null || box === null) throw new Error('header not laid out');
        const overlaps =
          box.x < title.x + title.width &&
          title.x < box.x + box.width &&
          box.y < title.y + title.height &&
          title.y < box.y + box.height;
        expect({ path, link: await link.innerText(), overlaps }).toEqual({
          path,
          link: await link.innerText(),
          overlaps: false,
        });
      }
    }
  });

  it('adds a batch and allocates from it on a phone, by keyboard alone', async () => {
    await page.setViewportSize({ width: 390, height: 900 });
    await page.goto(service.base);
    await section('Add a batch').getByLabel('Reference').focus();
    for (const text of ['kb-1', 'KEYS', '7']) {
      await page.keyboard.type(text);
      await page.keyboard.press('Tab');
    }
    // Past the ETA (none: in stock) to the button, and press it.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await status().getByText('Batch kb-1 added: 7 × KEYS.').waitFor();
    await section('Allocate an order line').getByLabel('Order id').focus();
    for (const text of ['kb-o1', 'KEYS', '3']) {
      await page.keyboard.type(text);
      await page.keyboard.press('Tab');
    }
    await page.keyboard.press('Enter');
    await status().getByText('Order kb-o1: 3 × KEYS allocated (3 from kb-1).').waitFor();
  });

  it('takes an order from creation to a shipped pick list by keyboard alone, on a phone', async () => {
    await page.setViewportSize({ width: 390, height: 900 });
    await api('POST', '/api/batches', { reference: 'kb-2', sku: 'KEYS', quantity: 5 });
    await api('PUT', '/api/prices/KEYS', { amountMinor: 250, currency: 'EUR' });
    await page.goto(`${service.base}/orders.html`);
    await section('New order').getByLabel('Customer').focus();
    await page.keyboard.type('kb-customer');
    await page.keyboard.press('Enter');
    await status()
      .getByText(/^Order .+ created for kb-customer\. Add its items\.$/)
      .waitFor();
    await page.getByLabel('SKU', { exact: true }).focus();
    await page.keyboard.type('KEYS');
    await page.keyboard.press('Tab');
    await page.keyboard.type('2');
    await page.keyboard.press('Enter');
    await status()
      .getByText(/now totals 5\.00 EUR\.$/)
      .waitFor();
    await page.getByRole('button', { name: 'Place order' }).focus();
    await page.keyboard.press('Enter');
    await status()
      .getByText(/^Order .+: 1 line allocated\.$/)
      .waitFor();
    const orderId = await page.locator('#order-id').innerText();

    await page.goto(`${service.base}/pick-lists.html`);
    await page.getByLabel('Orders (optional)').focus();
    await page.keyboard.type(orderId);
    await page.keyboard.press('Enter');
    await status()
      .getByText(/^Pick list .+ made: 2 units from 1 batch\.$/)
      .waitFor();
    page.once('dialog', (dialog) => void dialog.accept());
    const list = page.getByRole('article').filter({ hasText: `${orderId} × 2` });
    await list.getByRole('button', { name: 'Confirm shipped' }).focus();
    await page.keyboard.press('Enter');
    await status()
      .getByText(/^Pick list .+ confirmed: 2 units shipped\.$/)
      .waitFor();

    // And a price, on the same phone.
    await page.goto(`${service.base}/prices.html`);
    await section('Set a price').getByLabel('SKU').focus();
    await page.keyboard.type('KEYS-2');
    await page.keyboard.press('Tab');
    await page.keyboard.type('3.50');
    await page.keyboard.press('Enter');
    await status().getByText('KEYS-2 now costs 3.50 EUR.').waitFor();
  });

  it('gives every button and field a touch target of at least 44 px on a phone', async () => {
    await page.setViewportSize({ width: 390, height: 900 });
    for (const path of PAGES) {
      await page.goto(`${service.base}${path}`);
      await page.getByRole('banner').waitFor();
      const small = await page.evaluate<string[]>(`
        [...document.querySelectorAll('button, input, select, header a')]
          .filter((element) => {
            const box = element.getBoundingClientRect();
            return box.width > 0 && box.height > 0 && box.height < 44;
          })
          .map((element) => element.outerHTML.slice(0, 80))`);
      expect({ path, small }).toEqual({ path, small: [] });
    }
  });
});
