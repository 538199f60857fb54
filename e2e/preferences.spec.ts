import { expect, test } from '@playwright/test';
import { EXPECTED, EXPLORER } from './fixtures/dataset';

test.describe('display preferences', () => {
  test('dark mode follows the system until the switch pins a theme, which survives a reload', async ({ page }) => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto('/');
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await expect.poll(background).toBe('rgb(15, 20, 26)');

    await page.getByLabel('Theme').selectOption('light');
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
    await expect.poll(background).toBe('rgb(245, 246, 248)');
    await page.reload();
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
    await expect(page.getByLabel('Theme')).toHaveValue('light');

    await page.getByLabel('Theme').selectOption('system');
    await expect(page.locator('html')).not.toHaveAttribute('data-theme', /./);
    await expect.poll(background).toBe('rgb(15, 20, 26)');
  });

  test('dates use one format with the zone named, in UTC on request', async ({ page }) => {
    await page.goto(`/explorer/postgres/${encodeURIComponent(EXPLORER.messageId)}`);
    const processed = page.getByTestId('message-detail').locator('time').first();
    await expect(processed).toHaveText(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \S+$/);
    await page.getByLabel('Times').selectOption('utc');
    await expect(processed).toHaveText(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/);
    const iso = await processed.getAttribute('datetime');
    expect((await processed.textContent())!.slice(0, 19)).toBe(iso!.slice(0, 19).replace('T', ' '));
  });
});

test('the overview gives a verdict with its reason', async ({ page }) => {
  await page.goto('/');
  // The seeded stores hold stuck records (attention from 1, failing from 100) and an 8 % duplicate rate (attention from 10 %).
  await expect(page.getByTestId('verdict-level')).toHaveText('Attention');
  await expect(page.getByTestId('verdict')).toContainText(`${EXPECTED.stuck} stuck records (attention from 1)`);
});
