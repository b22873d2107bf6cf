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
