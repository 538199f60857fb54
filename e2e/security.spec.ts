import { expect, type Page, test } from '@playwright/test';
import { E2E_BASE_URL, VIEWER_TOKEN } from './config';
import { EXPLORER } from './fixtures/dataset';

const PAGES = ['/', '/explorer', '/explorer?store=postgres', '/explorer?state=stuck', `/explorer/redis/${encodeURIComponent(EXPLORER.stuckKey)}`, '/audit'];

/** Every CSP violation the page reports, from the console and from the DOM event, which also catches blocked inline styles and scripts. */
async function watchViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Content-Security-Policy/i.test(message.text())) violations.push(message.text());
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(`Content Security Policy violation: ${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  return violations;
}

test.describe('security headers and CSP', () => {
  test('every page renders under its CSP with no violation, and carries the headers', async ({ page }) => {
    const violations = await watchViolations(page);
    for (const path of PAGES) {
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(200);
      const headers = response!.headers();
      expect(headers['content-security-policy'], path).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
      expect(headers['content-security-policy'], path).toContain("frame-ancestors 'none'");
      expect(headers['x-frame-options'], path).toBe('DENY');
      expect(headers['referrer-policy'], path).toBe('same-origin');
      expect(headers['x-content-type-options'], path).toBe('nosniff');
      await expect(page.getByRole('main')).toBeVisible();
      // Let client components hydrate, fetch and draw their charts before judging.
      await page.waitForLoadState('networkidle');
    }
    expect(violations).toEqual([]);
  });

  test('a page cannot be framed', async ({ page }) => {
    const violations: string[] = [];
    page.on('console', (message) => violations.push(message.text()));
    await page.setContent(`<iframe src="${E2E_BASE_URL}/explorer" title="framed"></iframe>`);
    const frame = page.frameLocator('iframe[title="framed"]');
    await expect(frame.getByRole('heading')).toHaveCount(0);
  });

  test('API answers and build assets carry the headers too', async ({ request, page }) => {
    const api = await request.get('/api/v1/overview');
    expect(api.headers()['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
    expect(api.headers()['x-content-type-options']).toBe('nosniff');
    await page.goto('/');
    const script = await page.locator('script[src^="/_next/static/"]').first().getAttribute('src');
    const asset = await request.get(script!);
    expect(asset.headers()['x-content-type-options']).toBe('nosniff');
    expect(asset.headers()['x-frame-options']).toBe('DENY');
  });
});

test.describe('after sign-in', () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  // The reproductions of the open redirect: browsers drop the tab or newline and would go to //evil.example/x.
  for (const next of ['/%09/evil.example/x', '/%0A/evil.example/x']) {
    test(`stays on this site for next=${next}`, async ({ page }) => {
      const requested: string[] = [];
      page.on('request', (request) => requested.push(new URL(request.url()).host));
      await page.goto(`/login?next=${next}`);
      await page.getByLabel('Access token').fill(VIEWER_TOKEN);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
      expect(new URL(page.url()).origin).toBe(E2E_BASE_URL);
      expect(new URL(page.url()).pathname).toBe('/');
      expect(requested.filter((host) => host.includes('evil.example'))).toEqual([]);
    });
  }
});
