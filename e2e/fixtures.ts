import { test as base, expect } from '@playwright/test';

/**
 * Every e2e test fails if the browser console shows an error or the page throws, except errors a
 * test provokes on purpose and lists with `test.use({ allowedConsoleErrors: [/…/] })`.
 */
export const test = base.extend<{ consoleErrors: string[]; allowedConsoleErrors: RegExp[] }>({
  allowedConsoleErrors: [[], { option: true }],
  consoleErrors: [
    async ({ page, allowedConsoleErrors }, use) => {
      const errors: string[] = [];
      const unexpected = (text: string) => !allowedConsoleErrors.some((pattern) => pattern.test(text));
      page.on('console', (message) => {
        const text = `${message.text()} (${message.location().url})`;
        if (message.type() === 'error' && unexpected(text)) errors.push(text);
      });
      page.on('pageerror', (error) => {
        if (unexpected(error.message)) errors.push(error.message);
      });
      await use(errors);
      expect(errors, 'browser console errors').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** Starts a verification through the API and waits until no verification runs (its results are stored). */
export async function runVerification(
  request: import('@playwright/test').APIRequestContext,
  scope: { kind: 'all' } | { kind: 'service'; slug: string } | { kind: 'cell'; key: string },
) {
  const started = await request.post('/api/verify', { data: scope });
  expect(started.status()).toBe(202);
  await expect
    .poll(async () => ((await (await request.get('/api/verify')).json()) as { running: string[] }).running.length, {
      timeout: 60_000,
    })
    .toBe(0);
}
