import { expect, type Page } from '@playwright/test';
import { ACTIONS, EXPLORER } from './fixtures/dataset';

/** Every page a signed-in user can reach, each with what shows that it finished loading. */
export const PAGES: { name: string; path: string; ready: (page: Page) => Promise<void> }[] = [
  {
    name: 'overview',
    path: '/',
    ready: async (page) => {
      await expect(page.getByTestId('oldest-stuck')).toBeVisible();
      await expect(page.getByTestId('duplicate-rate-chart')).toBeVisible();
      await expect(page.getByTestId('expiry-chart')).toBeVisible();
    },
  },
  {
    name: 'explorer-redis',
    path: '/explorer',
    ready: (page) => expect(page.getByTestId('records-table')).toBeVisible(),
  },
  {
    name: 'explorer-postgres',
    path: '/explorer?store=postgres',
    ready: (page) => expect(page.getByTestId('records-table')).toBeVisible(),
  },
  {
    // Where a chart point leads: one store's records in a time window.
    name: 'explorer-window',
    path: `/explorer?store=postgres&from=${new Date(Date.now() - 3 * 3_600_000).toISOString()}&to=${new Date(Date.now() + 60_000).toISOString()}&time=recorded`,
    ready: async (page) => {
      await expect(page.getByTestId('window-note')).toBeVisible();
      await expect(page.getByTestId('records-table')).toBeVisible();
    },
  },
  {
    name: 'redis-key',
    path: `/explorer/redis/${encodeURIComponent(EXPLORER.stuckKey)}`,
    ready: (page) => expect(page.getByTestId('key-detail')).toBeVisible(),
  },
  {
    name: 'postgres-row',
    path: `/explorer/postgres/${encodeURIComponent(EXPLORER.messageId)}`,
    ready: (page) => expect(page.getByTestId('message-detail')).toBeVisible(),
  },
  {
    name: 'lookup',
    path: `/explorer?q=${encodeURIComponent(EXPLORER.completedKey)}`,
    ready: (page) => expect(page.getByTestId('lookup-results')).toBeVisible(),
  },
  {
    name: 'audit',
    path: '/audit',
    ready: (page) => expect(page.getByRole('heading', { name: 'Audit log' })).toBeVisible(),
  },
];

export const STUCK_MESSAGE = ACTIONS.stuckMessageId;

export const VIEWPORTS = [
  { name: 'desktop', width: 1440, height: 900 },
  { name: 'phone', width: 390, height: 844 },
] as const;

/** How far the page scrolls sideways: 0 when it fits its viewport. */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.scrollingElement!.scrollWidth - window.innerWidth);
}

/** Elements wider than the viewport, to say what broke when the page overflows. */
export async function widestCulprits(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const limit = window.innerWidth;
    const out: string[] = [];
    for (const el of Array.from(document.querySelectorAll<HTMLElement>('body *'))) {
      const rect = el.getBoundingClientRect();
      if (rect.right > limit + 1 && out.length < 8) {
        out.push(`${el.tagName.toLowerCase()}.${el.className} right=${Math.round(rect.right)}`);
      }
    }
    return out;
  });
}

/** Screenshots for docs/screenshots when IDEMSCOPE_SCREENSHOTS names a folder. */
export async function maybeScreenshot(page: Page, name: string, fullPage = true): Promise<void> {
  const dir = process.env.IDEMSCOPE_SCREENSHOTS;
  if (!dir) return;
  await page.screenshot({ path: `${dir}/${name}.png`, fullPage });
}
