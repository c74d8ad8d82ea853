import type { Page } from 'playwright-core';
import { openBrowser, type Browser } from './browser';
import { startService, type RunningService } from './service';

// With API_TOKENS set, the UI asks for a token the first time a change is refused, keeps it for
// the session, and everything (the UI and Swagger UI) works under the service's CSP.
const TOKEN = 'warehouse-token-0123456789';

let service: RunningService;
let browser: Browser;
let page: Page;
const violations: string[] = [];

beforeAll(async () => {
  service = await startService({ API_TOKENS: TOKEN });
  browser = await openBrowser();
  page = browser.page;
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
  });
});

afterAll(async () => {
  await browser?.close();
  await service?.stop();
});

const section = (title: string) => page.getByRole('region', { name: title, exact: true });

const addBatch = async (reference: string) => {
  const form = section('Add a batch');
  await form.getByLabel('Reference').fill(reference);
  await form.getByLabel('SKU').fill('TOKEN-LAMP');
  await form.getByLabel('Quantity').fill('10');
  await form.getByRole('button', { name: 'Add batch' }).click();
};

describe('the web UI with access tokens', () => {
  it('asks for the token when a change is refused, then makes the change', async () => {
    await page.goto(service.base);
    await addBatch('tok-1');
    const dialog = page.getByRole('dialog');
    await dialog.getByText('needs an access token').waitFor();
    await browser.snapshot('token-dialog');
    await dialog.getByLabel('Access token').fill(TOKEN);
    await dialog.getByRole('button', { name: 'Use token' }).click();
    await page.getByRole('status').getByText('Batch tok-1 added').waitFor();
  });

  it('keeps the token for the session: the next change needs no asking', async () => {
    await page.reload();
    await addBatch('tok-2');
    await page.getByRole('status').getByText('Batch tok-2 added').waitFor();
    expect(await page.getByRole('dialog').count()).toBe(0);
  });

  it('says so, and changes nothing, when the token is refused and the user cancels', async () => {
    // Runs in the page, where sessionStorage exists (this project's types know no DOM).
    await page.evaluate("sessionStorage.setItem('allocation.apiToken', 'not-the-token-000000')");
    await addBatch('tok-3');
    const dialog = page.getByRole('dialog');
    await dialog.getByText('was not accepted').waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('status').getByText('This needs a valid access token').waitFor();
    const batches = (await (await fetch(`${service.base}/api/batches`)).json()) as {
      items: Array<{ reference: string }>;
    };
    expect(batches.items.map((b) => b.reference).sort()).toEqual(['tok-1', 'tok-2']);
  });

  it('serves Swagger UI that renders under the CSP and shows the bearer scheme', async () => {
    await page.goto(`${service.base}/docs`);
    await page.locator('.swagger-ui .info .title').getByText('Allocation service').waitFor();
    await page.getByRole('button', { name: /Authorize/ }).waitFor();
    await browser.snapshot('swagger-ui');
  });

  it('met no Content Security Policy violation on any page', () => {
    expect(violations).toEqual([]);
  });
});
