import { expect, test } from '@playwright/test';
import { AUTH_FILES } from './config';
import { EXPLORER } from './fixtures/dataset';
import { horizontalOverflow, maybeScreenshot, PAGES, VIEWPORTS, widestCulprits } from './pages';

for (const viewport of VIEWPORTS) {
  test.describe(`at ${viewport.width} px`, () => {
    test.use({ viewport: { width: viewport.width, height: viewport.height } });

    for (const target of PAGES) {
      test(`${target.name} does not scroll sideways`, async ({ page }) => {
        await page.goto(target.path);
        await target.ready(page);
        await maybeScreenshot(page, `${target.name}-${viewport.width}`);
        expect(await horizontalOverflow(page), (await widestCulprits(page)).join('\n')).toBeLessThanOrEqual(0);
      });
    }

    test('the header keeps the sign-in state inside the bar', async ({ page }) => {
      await page.goto('/');
      const session = page.getByTestId('session');
      await expect(session).toBeVisible();
      const header = await page.locator('header').boundingBox();
      const box = await session.boundingBox();
      expect(box && header).toBeTruthy();
      expect(box!.x + box!.width).toBeLessThanOrEqual(viewport.width);
      expect(box!.y + box!.height).toBeLessThanOrEqual(header!.y + header!.height);
    });

    test.describe('signed out', () => {
      test.use({ storageState: { cookies: [], origins: [] } });
      test('the sign-in page does not scroll sideways', async ({ page }) => {
        await page.goto('/login');
        await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
        await maybeScreenshot(page, `login-${viewport.width}`);
        expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      });
    });

    test.describe('as operator', () => {
      test.use({ storageState: AUTH_FILES.operator });
      test('the release dialog fits the screen', async ({ page }) => {
        await page.goto(`/explorer/redis/${encodeURIComponent(EXPLORER.stuckKey)}`);
        await page.getByRole('button', { name: `Release ${EXPLORER.stuckKey}` }).click();
        const dialog = page.getByRole('dialog', { name: 'Release record' });
        await expect(dialog.getByTestId('preview-table')).toBeVisible();
        // The viewport as the user sees it: a full-page capture would stretch the fixed overlay.
        await maybeScreenshot(page, `release-dialog-${viewport.width}`, false);
        const box = await dialog.boundingBox();
        expect(box!.x).toBeGreaterThanOrEqual(0);
        expect(box!.y).toBeGreaterThanOrEqual(0);
        expect(box!.x + box!.width).toBeLessThanOrEqual(viewport.width);
        expect(box!.y + box!.height).toBeLessThanOrEqual(viewport.height);
        expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
        // Only a preview ran: cancelling leaves the key stuck for the other specs.
        await dialog.getByRole('button', { name: 'Cancel' }).click();
        await expect(dialog).toHaveCount(0);
      });
    });
  });
}
