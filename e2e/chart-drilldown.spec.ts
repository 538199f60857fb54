import { expect, type Page, test } from '@playwright/test';
import { EXPECTED } from './fixtures/dataset';

const MIN = 60_000;
/** The row the dataset records 10 minutes before it was seeded, for consumer billing, like the billing counters of that minute. */
const BILLING_ROW = '00000000-0000-4000-8000-000000000004';

const windowOf = (page: Page) => {
  const url = new URL(page.url());
  return { from: Date.parse(url.searchParams.get('from') ?? ''), to: Date.parse(url.searchParams.get('to') ?? ''), url };
};

/** A `datetime-local` value in UTC, to the minute. */
const utcInput = (ms: number) => new Date(ms).toISOString().slice(0, 16);

test.describe('every chart point leads to its records', () => {
  test('a bucket of the duplicate table opens its consumer’s records, by keyboard, in either store', async ({ page }) => {
    await page.goto('/');
    const rates = page.getByTestId('duplicate-rate-table');
    await rates.getByText('Show the numbers as a table').click();
    const billing = rates.getByRole('link', { name: /, billing: its records$/ });
    await expect(billing).toHaveCount(1);
    await billing.focus();
    await page.keyboard.press('Enter');

    await expect(page).toHaveURL(/\/explorer\?from=[^&]+&to=[^&]+&time=recorded&consumer=billing$/);
    const { from, to } = windowOf(page);
    expect(to - from).toBe(MIN);
    await expect(page.getByTestId('window-note')).toContainText('of consumer billing');
    await expect(page.getByRole('textbox', { name: 'Consumer' })).toHaveValue('billing');

    await page.getByTestId('window-note').getByRole('link', { name: 'The same in Postgres rows' }).click();
    await expect(page).toHaveURL(/store=postgres/);
    expect(windowOf(page).from).toBe(from);
    await expect(page.getByTestId('records-table').getByRole('link', { name: BILLING_ROW })).toBeVisible();
    await expect(page.getByTestId('row-state')).toHaveCount(1);

    await page.getByRole('button', { name: 'Clear time window' }).click();
    await expect(page).not.toHaveURL(/from=/);
    await expect(page.getByTestId('row-state')).not.toHaveCount(1);
  });

  test('clicking a point of the chart opens the records of its bucket', async ({ page }) => {
    // The billing minute, as the table links to it; then a custom range of three minute buckets around it, so the chart's middle is that bucket.
    await page.goto('/');
    const rates = page.getByTestId('duplicate-rate-table');
    await rates.getByText('Show the numbers as a table').click();
    const href = (await rates.getByRole('link', { name: /, billing: its records$/ }).getAttribute('href'))!;
    const minute = Date.parse(new URL(href, 'http://x').searchParams.get('from')!);
    await page.goto(`/?from=${new Date(minute - MIN + 1).toISOString()}&to=${new Date(minute + 2 * MIN - 1).toISOString()}`);
    const chart = page.getByTestId('duplicate-rate-chart');
    await expect(page.getByTestId('duplicate-summary')).toContainText('deliveries');
    const surface = chart.locator('.recharts-wrapper > svg.recharts-surface');
    const box = (await surface.boundingBox())!;
    // The plot's middle (the y axis takes the left 78 px, the margin the right 16): the middle bucket.
    const position = { x: box.width / 2 + 31, y: box.height / 2 };
    // As a user does: hover until the tooltip names the bucket (recharts settles the hovered point on the next frame), then click.
    await surface.hover({ position });
    await expect(chart.locator('.chart-tooltip')).toContainText('Click for the records of this bucket');
    await surface.click({ position });
    await expect(page).toHaveURL(/\/explorer\?from=/);
    const { from, to, url } = windowOf(page);
    expect(url.searchParams.get('time')).toBe('recorded');
    expect(url.searchParams.get('consumer')).toBeNull();
    expect(to - from).toBe(MIN);
    expect(from).toBe(minute);
  });

  test('a count of the expiry table opens that store’s records expiring in that hour', async ({ page }) => {
    await page.goto('/');
    const expiry = page.getByTestId('expiry-table');
    await expiry.getByText('Show the numbers as a table').click();
    const first = expiry.getByRole('link', { name: /Postgres rows: list them$/ }).first();
    const count = Number((await first.textContent())?.replace(/\D/g, ''));
    await first.click();
    await expect(page).toHaveURL(/\/explorer\?store=postgres&from=[^&]+&to=[^&]+&time=expires$/);
    const { from, to } = windowOf(page);
    expect(to - from).toBe(60 * MIN);
    await expect(page.getByTestId('window-note')).toContainText('Only records expiring');
    await expect(page.getByTestId('row-state')).toHaveCount(count);
  });
});

test.describe('custom time ranges', () => {
  test('the duplicate chart takes a range in the URL, checks it before sending, and says what the server refused', async ({ page }) => {
    await page.goto('/');
    await page.getByLabel('Times').selectOption('utc');
    await page.getByRole('group', { name: 'Time range' }).getByRole('button', { name: 'Custom' }).click();
    const form = page.getByTestId('duplicate-range-form');
    const now = await page.evaluate(() => Date.now());
    await form.getByLabel('From (UTC)').fill(utcInput(now));
    await form.getByLabel('To (UTC)').fill(utcInput(now - 60 * MIN));
    // The chart polls every 10 s and the window it shows moves; what was typed must survive the next answer.
    await page.waitForResponse((response) => response.url().includes('/api/v1/stats/duplicates'), { timeout: 20_000 });
    await expect(form.getByLabel('From (UTC)')).toHaveValue(utcInput(now));
    await form.getByRole('button', { name: 'Apply range' }).click();
    await expect(form.getByRole('alert')).toHaveText('To must be after From.');
    await expect(page).not.toHaveURL(/from=/);

    // The last two hours hold exactly the last hour's counters (the next ones are 3 hours old).
    await form.getByLabel('From (UTC)').fill(utcInput(now - 2 * 60 * MIN));
    await form.getByLabel('To (UTC)').fill(utcInput(now + 2 * MIN));
    await form.getByRole('button', { name: 'Apply range' }).click();
    await expect(page).toHaveURL(/\/\?from=[^&]+&to=[^&]+$/);
    const { deliveries } = EXPECTED;
    await expect(page.getByTestId('duplicate-summary')).toContainText(`${deliveries['1h'].duplicates} duplicates of ${deliveries['1h'].total} deliveries`);
    await expect(page.getByTestId('duplicate-summary')).toContainText('UTC to');

    await page.reload();
    await expect(page.getByTestId('duplicate-range-form').getByLabel('From (UTC)')).toHaveValue(utcInput(now - 2 * 60 * MIN));

    await page.goto(`/?from=${new Date(now - 40 * 86_400_000).toISOString()}&to=${new Date(now).toISOString()}`);
    await expect(page.getByRole('alert').filter({ hasText: 'Delivery counters could not be loaded.' })).toContainText('from');
  });

  test('the audit log takes a range in the URL', async ({ page }) => {
    await page.goto('/audit');
    await page.getByLabel('Times').selectOption('utc');
    const form = page.getByTestId('audit-range-form');
    const now = await page.evaluate(() => Date.now());
    await form.getByLabel('From (UTC)').fill(utcInput(now - 400 * 86_400_000));
    await form.getByLabel('To (UTC)').fill(utcInput(now));
    await form.getByRole('button', { name: 'Apply range' }).click();
    await expect(form.getByRole('alert')).toHaveText('The range may span at most 366 days.');

    await form.getByLabel('From (UTC)').fill(utcInput(now - 60 * MIN));
    await form.getByRole('button', { name: 'Apply range' }).click();
    await expect(page).toHaveURL(/\/audit\?from=[^&]+&to=[^&]+$/);
    const { from, to } = windowOf(page);
    expect(to - from).toBe(60 * MIN);
    await page.getByRole('button', { name: 'Clear range' }).click();
    await expect(page).toHaveURL(/\/audit$/);
  });
});
