import { source as axeSource } from 'axe-core';
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
  // Something on every list, so tables, pagers and buttons are all there to check.
  const post = (path: string, body: unknown) =>
    fetch(`${service.base}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  await post('/api/batches', { reference: 'a11y-b1', sku: 'A11Y-LAMP', quantity: 5 });
  await post('/api/allocations', { orderId: 'a11y-o1', sku: 'A11Y-LAMP', quantity: 2 });
  await post('/api/pick-lists', { orderIds: ['a11y-o1'] });
});

afterAll(async () => {
  await browser?.close();
  await service?.stop();
});

interface Violation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: ReadonlyArray<{ readonly target: ReadonlyArray<string> }>;
}

/** axe-core's findings on the page as it stands, the serious and critical ones. */
const seriousFindings = async (): Promise<string[]> => {
  // Evaluated through the browser's debugging protocol, which the page's CSP does not govern.
  await page.evaluate(axeSource);
  const violations = await page.evaluate<Violation[]>(
    `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)`,
  );
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
};

describe('every page, checked by axe-core', () => {
  it.each(['/', '/orders.html', '/prices.html', '/pick-lists.html'])(
    '%s has no serious or critical accessibility finding, at desk and phone widths',
    async (path) => {
      for (const width of [1280, 390]) {
        await page.setViewportSize({ width, height: 900 });
        await page.goto(`${service.base}${path}`);
        await page.getByRole('banner').waitFor();
        // Let the page load its lists first.
        await page.waitForLoadState('networkidle');
        expect({ path, width, findings: await seriousFindings() }).toEqual({
          path,
          width,
          findings: [],
        });
      }
    },
  );

  it('would catch a finding: the check itself is live', async () => {
    await page.goto(service.base);
    await page.getByRole('banner').waitFor();
    await page.evaluate(
      `document.querySelector('main').append(Object.assign(document.createElement('img'), { src: '/favicon.svg' }))`,
    );
    expect((await seriousFindings()).join('\n')).toMatch(/^image-alt \(critical\)/);
  });

  it('shows where the keyboard is: a visible focus ring on every control', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(service.base);
    await page.keyboard.press('Tab');
    const outline = await page.evaluate<string>(
      `getComputedStyle(document.activeElement).outlineStyle`,
    );
    expect(outline).not.toBe('none');
  });
});
