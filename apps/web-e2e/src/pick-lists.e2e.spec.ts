import type { Page } from 'playwright-core';
import { openBrowser, type Browser } from './browser';
import { callApi, startService, type RunningService } from './service';

let service: RunningService;
let browser: Browser;
let page: Page;

const api = (method: string, path: string, body?: unknown) =>
  callApi(service.base, method, path, body);

beforeAll(async () => {
  service = await startService();
  browser = await openBrowser();
  page = browser.page;
  // Stock and allocations arrive through the API: the page under test is the pick lists one.
  await api('POST', '/api/batches', { reference: 'pk-shelf', sku: 'PK-LAMP', quantity: 10 });
  await api('POST', '/api/batches', {
    reference: 'pk-ship',
    sku: 'PK-LAMP',
    quantity: 10,
    eta: '2027-01-15',
  });
  await api('POST', '/api/batches', { reference: 'pk-rugs', sku: 'PK-RUG', quantity: 5 });
  for (const [orderId, sku, quantity] of [
    ['web-o1', 'PK-LAMP', 6],
    ['web-o2', 'PK-LAMP', 7],
    ['web-o3', 'PK-RUG', 2],
  ] as const) {
    expect((await api('POST', '/api/allocations', { orderId, sku, quantity })).status).toBe(201);
  }
});

afterAll(async () => {
  await browser?.close();
  await service?.stop();
});

const status = () => page.getByRole('status');

describe('the Pick lists page', () => {
  it('makes a pick list by batch, prints it, and confirms it shipped', async () => {
    await page.goto(`${service.base}/pick-lists.html`);
    await page.getByText('No open pick lists.').waitFor();
    await page.getByRole('button', { name: 'Make pick list' }).click();
    await status()
      .getByText(/^Pick list .+ made: 15 units from 3 batches\.$/)
      .waitFor();

    const list = page.locator('article.pick-list');
    // The page re-renders when the stream reports the new list: read the rows once they settle.
    const expected = [
      'pk-shelf | PK-LAMP | — | 6 | web-o1 × 6',
      'pk-ship | PK-LAMP | 2027-01-15 | 7 | web-o2 × 7',
      'pk-rugs | PK-RUG | — | 2 | web-o3 × 2',
    ];
    let rows: string[] = [];
    for (let waited = 0; waited < 10_000; waited += 100) {
      const texts = await list.getByRole('row').allInnerTexts();
      rows = texts.slice(1).map((row) => row.split('\t').slice(1).join(' | '));
      if (JSON.stringify(rows) === JSON.stringify(expected)) break;
      await page.waitForTimeout(100);
    }
    expect(rows).toEqual(expected);
    // Progress, picked against to pick, follows the ticks.
    await list.getByText('0 of 15 units picked').waitFor();
    await list.getByRole('checkbox', { name: 'Picked 6 × PK-LAMP from pk-shelf' }).check();
    await list.getByText('6 of 15 units picked').waitFor();
    expect(await list.locator('progress').evaluate((bar) => (bar as { value: number }).value)).toBe(
      6,
    );

    // The printed page: the list alone, with its tick column, no buttons or forms.
    await page.emulateMedia({ media: 'print' });
    expect(await page.getByRole('button', { name: 'Confirm shipped' }).isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'Make pick list' }).isVisible()).toBe(false);
    expect(await list.getByRole('table').isVisible()).toBe(true);
    await browser.snapshot('pick-list-print');
    await page.emulateMedia({ media: 'screen' });
    await browser.snapshot('pick-lists');

    // Shipping is for good: the page asks first, saying what will happen.
    let asked = '';
    page.once('dialog', (dialog) => {
      asked = dialog.message();
      void dialog.accept();
    });
    await page.getByRole('button', { name: 'Confirm shipped' }).click();
    await status()
      .getByText(/^Pick list .+ confirmed: 15 units shipped\.$/)
      .waitFor();
    expect(asked).toMatch(
      /^Confirm pick list .+ as shipped\? 15 units leave their batches for good\.$/,
    );
    await page.getByText('No open pick lists.').waitFor();
    const shelf = (await api('GET', '/api/batches/pk-shelf')).body;
    expect(shelf).toMatchObject({ purchasedQuantity: 4, allocatedQuantity: 0 });

    // Shipped lists are still there to look at, without the actions of an open one.
    await page.getByLabel('Status').selectOption('confirmed');
    await page.getByRole('button', { name: 'Show' }).click();
    const shipped = page.locator('article.pick-list');
    await shipped.getByText(/· confirmed$/).waitFor();
    expect(await shipped.getByRole('button', { name: 'Confirm shipped' }).isVisible()).toBe(false);
    await page.getByText('Page 1 of 1 · lists 1–1 of 1').waitFor();
    await page.getByLabel('Status').selectOption('open');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByText('No open pick lists.').waitFor();
  });

  it('says when there is nothing left to pick', async () => {
    await page.getByRole('button', { name: 'Make pick list' }).click();
    await status()
      .getByText('Nothing is left to pick: every allocated line is on a pick list already.')
      .waitFor();
    expect(await status().getAttribute('class')).toBe('error');
  });

  const listMadeElsewhere = async (orderId: string) => {
    await api('POST', '/api/allocations', { orderId, sku: 'PK-RUG', quantity: 1 });
    const made = await api('POST', '/api/pick-lists', { orderIds: [orderId] });
    expect(made.status).toBe(201);
    const list = page.getByRole('article', { name: `Pick list ${String(made.body?.['id'])}` });
    await list.waitFor();
    return list;
  };

  it('cancels a list made for some orders, and shows lists made elsewhere without a reload', async () => {
    const list = await listMadeElsewhere('web-o4');
    // Declined, nothing happens; accepted, the list is cancelled.
    page.once('dialog', (dialog) => void dialog.dismiss());
    await list.getByRole('button', { name: 'Cancel' }).click();
    expect((await api('GET', '/api/batches/pk-rugs')).body).toMatchObject({ reservedQuantity: 1 });
    page.once('dialog', (dialog) => void dialog.accept());
    await list.getByRole('button', { name: 'Cancel' }).click();
    await status()
      .getByText(/cancelled: its lines are free to pick again\.$/)
      .waitFor();
    expect((await api('GET', '/api/batches/pk-rugs')).body).toMatchObject({
      allocatedQuantity: 1,
      reservedQuantity: 0,
    });
  });

  it('keeps what the picker ticked, and where the keyboard was, when lists made elsewhere redraw the page, and ticks through a reload', async () => {
    const first = await listMadeElsewhere('web-o5');
    const tick = first.getByRole('checkbox', { name: 'Picked 1 × PK-RUG from pk-rugs' });
    await tick.focus();
    await page.keyboard.press('Space');
    await first.getByText('1 of 1 unit picked').waitFor();

    const second = await listMadeElsewhere('web-o6');
    expect(await tick.isChecked()).toBe(true);
    await first.getByText('1 of 1 unit picked').waitFor();
    // Read in one step in the page: a handle taken first could be the box a later redraw (the
    // stream's events come a little late) replaced by then.
    expect(
      await page.evaluate(
        `[document.activeElement?.closest('article')?.getAttribute('aria-label'),
          document.activeElement?.getAttribute('aria-label')]`,
      ),
    ).toEqual([await first.getAttribute('aria-label'), 'Picked 1 × PK-RUG from pk-rugs']);
    expect(await second.getByRole('checkbox').isChecked()).toBe(false);

    await page.reload();
    await first.getByText('1 of 1 unit picked').waitFor();
    expect(await tick.isChecked()).toBe(true);
    await second.getByText('0 of 1 unit picked').waitFor();

    // Ticks stored unreadably are dropped, not a page that no longer works.
    await page.evaluate(`sessionStorage.setItem('pick-list-ticks', '{"x": 1')`);
    await page.reload();
    await first.getByText('0 of 1 unit picked').waitFor();
  });
});
