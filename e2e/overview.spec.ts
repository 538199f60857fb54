import { expect, test } from '@playwright/test';
import { EXPECTED, EXPLORER } from './fixtures/dataset';

test.describe('overview', () => {
  test.beforeEach(async ({ page }) => {
    await page.goto('/');
  });

  test('shows the seeded delivery numbers for the last hour and day', async ({ page }) => {
    for (const window of ['1h', '24h'] as const) {
      const expected = EXPECTED.deliveries[window];
      await expect(page.getByTestId(`deliveries-${window}`)).toHaveText(String(expected.total));
      await expect(page.getByTestId(`duplicates-${window}`)).toHaveText(String(expected.duplicates));
      await expect(page.getByTestId(`duplicate-rate-${window}`)).toHaveText(expected.rate);
    }
  });

  test('shows the seeded record counts', async ({ page }) => {
    await expect(page.getByTestId('in-flight')).toHaveText(String(EXPECTED.inFlight));
    await expect(page.getByTestId('stuck')).toHaveText(String(EXPECTED.stuck));
    await expect(page.getByTestId('no-expiry')).toHaveText(String(EXPECTED.redis.noExpiry));
    await expect(page.getByTestId('expired-awaiting-purge')).toHaveText(String(EXPECTED.expiredAwaitingPurge));
    await expect(page.getByTestId('failed')).toHaveText(String(EXPECTED.postgres.failed));
    await expect(page.getByTestId('unrecognized')).toHaveText(String(EXPECTED.redis.unrecognized));
    for (const state of ['processing', 'stuck', 'completed', 'expired'] as const) {
      await expect(page.getByTestId(`count-redis-${state}`)).toHaveText(String(EXPECTED.redis[state]));
      await expect(page.getByTestId(`count-postgres-${state}`)).toHaveText(String(EXPECTED.postgres[state]));
    }
  });

  test('says how fresh the numbers are', async ({ page }) => {
    await expect(page.getByTestId('updated-ago')).toHaveText(/^Updated \d+s ago$/);
    await expect(page.getByTestId('snapshot-age')).toContainText('Redis snapshot age');
  });

  test('says what the scanner may take of Redis, and counts exactly at full speed when asked', async ({ page }) => {
    const budget = page.getByTestId('scan-budget');
    await expect(budget).toContainText("The scanner may use 10 % of Redis's CPU while this page is open");
    await expect(budget).toContainText('2 % while nobody looks');
    await expect(budget).toContainText('Running at 10 % while this page is open.');
    const fresh = page.waitForResponse((response) => response.url().includes('/api/v1/overview?fresh=1'));
    await page.getByTestId('count-now').click();
    expect((await fresh).status()).toBe(200);
    await expect(page.getByTestId('count-now')).toHaveText('Count exactly now (full speed)');
    await expect(page.getByTestId('count-redis-completed')).toHaveText(String(EXPECTED.redis.completed));
    await expect(page.getByTestId('scan-pacing')).not.toContainText('could not be had');
  });

  test('draws the duplicate rate for the seeded counters and switches range', async ({ page }) => {
    const chart = page.getByTestId('duplicate-rate-chart');
    // The seeded minute buckets sit between empty ones, so each is drawn as a dot.
    await expect(chart.locator('.recharts-line-dot').first()).toBeVisible();
    await expect(chart.getByText('Duplicate rate (%)')).toBeVisible();
    await expect(chart.locator('.recharts-legend-item-text', { hasText: 'orders' })).toBeVisible();
    await expect(page.getByTestId('duplicate-definition')).toContainText('retry after a failed handler');

    const rangeButton = page.getByRole('group', { name: 'Time range' }).getByRole('button', { name: '24 h' });
    await rangeButton.click();
    await expect(rangeButton).toHaveAttribute('aria-pressed', 'true');
    await expect(page.getByText(`${EXPECTED.deliveries['24h'].duplicates} duplicates of ${EXPECTED.deliveries['24h'].total} deliveries`)).toBeVisible();
    await expect(chart.locator('.recharts-line-dot').first()).toBeVisible();
  });

  test('lists the oldest stuck records with links into the Explorer', async ({ page }) => {
    const table = page.getByTestId('oldest-stuck');
    await expect(table.getByRole('row')).not.toHaveCount(1);
    const link = table.getByRole('link', { name: EXPLORER.stuckKey });
    await expect(link).toBeVisible();
    await link.click();
    await expect(page).toHaveURL(new RegExp(`/explorer/redis/${encodeURIComponent(EXPLORER.stuckKey)}$`));
    await expect(page.getByTestId('key-detail').getByText('stuck', { exact: true })).toBeVisible();
  });

  test('draws the expiry timeline', async ({ page }) => {
    await expect(page.getByTestId('expiry-chart').locator('.recharts-bar-rectangle').first()).toBeVisible();
    await expect(page.getByTestId('overdue-postgres')).toHaveText(String(EXPECTED.postgres.expired));
  });
});
