import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { eventually } from '../support/eventually';
import { startTestApi, type TestApi } from '../support/test-api';
import { useTemporalHarness } from '../support/temporal-harness';
import { openTestDatabase, type TestDatabase } from '../support/test-database';

/**
 * /docs in a real browser (Debian's chromium, headless, through
 * playwright-core): Swagger UI renders every operation under the page's CSP
 * without a single violation, "Try it out" reaches the API, and the key typed
 * into "Authorize" is not left in the browser's storage.
 *
 * Needs `chromium` (apt-get install chromium); where it is missing this file
 * is skipped and says so. Playwright's own browser download is not used.
 */
const CHROMIUM = '/usr/bin/chromium';
const browserTests = existsSync(CHROMIUM) ? describe : describe.skip;
if (!existsSync(CHROMIUM)) process.stderr.write(`docs-page tests skipped: no ${CHROMIUM}\n`);

let db: TestDatabase;
let api: TestApi;
let browser: Browser;

function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

browserTests('the /docs page in a browser', () => {
  const harness = useTemporalHarness({ per: 'file' });

  beforeAll(async () => {
    [db, browser] = await Promise.all([
      openTestDatabase(),
      chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] }),
    ]);
    api = await startTestApi({ prisma: db.prisma, temporal: harness.env.client, taskQueue: 'unused' });
  });

  afterAll(async () => {
    await browser.close();
    await api.close();
    await db.close();
  });

  /**
   * A page that records every CSP violation the document reports. The scripts
   * that run in the browser are strings: they are the page's JavaScript, not
   * this file's TypeScript (which has no DOM types).
   */
  async function openDocs(): Promise<{ page: Page; violations: () => Promise<string[]> }> {
    const page = await browser.newPage();
    await page.addInitScript({
      content: `window.__cspViolations = [];
        document.addEventListener('securitypolicyviolation', (e) =>
          window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));`,
    });
    await page.goto(`${api.base}/docs/`, { waitUntil: 'networkidle' });
    return {
      page,
      violations: async () => stringsOf(await page.evaluate('window.__cspViolations')),
    };
  }

  test('renders every operation with no CSP violation; an injected inline script is blocked and seen', async () => {
    const { page, violations } = await openDocs();
    try {
      await page.locator('.opblock').first().waitFor();
      const documented = (await (await fetch(`${api.base}/openapi.json`)).json()) as {
        paths: Record<string, Record<string, unknown>>;
      };
      const operations = Object.values(documented.paths).reduce((n, item) => n + Object.keys(item).length, 0);
      expect(await page.locator('.opblock').count()).toBe(operations);
      expect(await violations()).toEqual([]);

      // The policy is really in force, and the listener really hears it: an inline script does not run.
      await page.evaluate(`{
        const script = document.createElement('script');
        script.textContent = 'window.__injectedRan = true';
        document.head.append(script);
      }`);
      const heard = await eventually(violations, (seen) => seen.length > 0);
      expect(heard).toEqual([expect.stringContaining('script-src') as unknown]);
      expect(await page.evaluate('window.__injectedRan === true')).toBe(false);
    } finally {
      await page.close();
    }
  });

  test('"Try it out" calls the API with the key, and the key is not persisted', async () => {
    const { page, violations } = await openDocs();
    try {
      const key = api.auth.authorization?.replace(/^Bearer /, '') ?? '';
      await page.getByRole('button', { name: 'Authorize' }).first().click();
      await page
        .locator('.auth-container input[type=text], .auth-container input[type=password]')
        .first()
        .fill(key);
      await page.locator('.auth-btn-wrapper button.authorize').first().click();
      await page.locator('.btn-done').first().click();

      const plans = page.locator('#operations-default-get_v1_plans');
      await plans.locator('.opblock-summary').click();
      await plans.getByRole('button', { name: 'Try it out' }).click();
      await plans.getByRole('button', { name: 'Execute' }).click();
      const status = plans.locator('.live-responses-table tr.response .response-col_status').first();
      await status.waitFor();
      expect(await status.textContent()).toContain('200');

      const stored = stringsOf(
        await page.evaluate(
          '[...Object.keys(localStorage), ...Object.values(localStorage), ...Object.values(sessionStorage)]',
        ),
      );
      expect(stored.some((value) => value.includes(key))).toBe(false);
      expect(stored).not.toContain('authorized');
      expect(await violations()).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
