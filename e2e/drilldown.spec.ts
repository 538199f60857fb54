import { expect, test } from '@playwright/test';
import { AUTH_FILES } from './config';
import { EXPECTED, EXPLORER } from './fixtures/dataset';

test.describe('drill-down from the overview', () => {
  test('the stuck figure opens the stuck records, each store share its own store', async ({ page }) => {
    await page.goto('/');
    await expect(page.getByTestId('stuck')).toHaveText(String(EXPECTED.stuck));
    await page.getByTestId('stuck').click();
    await expect(page).toHaveURL(/\/explorer\?store=redis&state=stuck$/);
    await expect(page.getByLabel('State')).toHaveValue('stuck');
    await expect(page.getByTestId('records-table').getByRole('link', { name: EXPLORER.stuckKey })).toBeVisible();
    await expect(page.getByTestId('row-state')).toHaveCount(EXPECTED.redis.stuck);

    await page.goto('/');
    await page.getByRole('link', { name: `Postgres ${EXPECTED.postgres.stuck}` }).first().click();
    await expect(page).toHaveURL(/\/explorer\?store=postgres&state=stuck$/);
    await expect(page.getByTestId('row-state')).toHaveCount(EXPECTED.postgres.stuck);
  });

  test('failed and unrecognized figures open their lists', async ({ page }) => {
    await page.goto('/');
    await page.getByTestId('failed').click();
    await expect(page).toHaveURL(/store=postgres&state=failed$/);
    await expect(page.getByTestId('row-state')).toHaveCount(EXPECTED.postgres.failed);

    await page.goto('/');
    await page.getByTestId('unrecognized').click();
    await expect(page).toHaveURL(/store=redis&state=unrecognized$/);
    await expect(page.getByTestId('row-state')).toHaveCount(EXPECTED.redis.unrecognized);
  });

  test('says what stuck means next to the stuck records', async ({ page }) => {
    await page.goto('/');
    await expect(page.getByTestId('stuck-definition')).toContainText('lease has run out');
    // The e2e server classifies with IDEMSCOPE_STUCK_AFTER_SECONDS=3600.
    await expect(page.getByTestId('stuck-definition')).toContainText('1h (IDEMSCOPE_STUCK_AFTER_SECONDS)');
  });

  test('each chart has its numbers as a table', async ({ page }) => {
    await page.goto('/');
    const rates = page.getByTestId('duplicate-rate-table');
    await rates.getByText('Show the numbers as a table').click();
    await expect(rates.getByRole('row')).not.toHaveCount(0);
    await expect(rates.getByRole('columnheader', { name: 'orders' })).toBeVisible();
    const expiry = page.getByTestId('expiry-table');
    await expiry.getByText('Show the numbers as a table').click();
    await expect(expiry.getByRole('columnheader', { name: 'Postgres rows' })).toBeVisible();
    // Neither chart is a focusable application widget: the table is the way in.
    await expect(page.locator('[role="application"]')).toHaveCount(0);
  });
});

test.describe('the bulk release preview agrees with the overview', () => {
  test.use({ storageState: AUTH_FILES.operator });

  for (const store of ['redis', 'postgres'] as const) {
    test(`by default it previews every record the overview counts as stuck in ${store}`, async ({ page }) => {
      await page.goto(`/explorer?store=${store}`);
      const panel = page.getByRole('region', { name: 'Release stuck records' });
      await expect(panel.getByTestId('overview-stuck-count')).toContainText(`counts ${EXPECTED[store].stuck} stuck`);
      await expect(panel.getByLabel(/^Stuck for at least/)).toHaveValue('0');
      // A dry run: nothing is released, so the other specs still see the seeded records.
      await panel.getByRole('button', { name: 'Preview' }).click();
      const stuck: number = EXPECTED[store].stuck;
      await expect(panel.getByTestId('bulk-release-preview')).toContainText(`${stuck} stuck record${stuck === 1 ? '' : 's'} would be released`);
      // Redis previews say where their candidates came from: here (no =idemscope pattern) a scan.
      if (store === 'redis') await expect(panel.getByTestId('bulk-release-source')).toContainText(/^Found in a scan of ~[\d,]+ keys · read /);
      else await expect(panel.getByTestId('bulk-release-source')).toHaveCount(0);
    });
  }
});
