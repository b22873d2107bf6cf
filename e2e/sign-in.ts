import path from 'node:path';
import { expect, type Page } from '@playwright/test';

export type DemoLogin = 'viewer' | 'engineer' | 'admin';

/** Where the demo engineer's signed-in browser state is kept for the tests that act (e2e/auth.setup.ts). */
export const ENGINEER_STATE = path.resolve(process.cwd(), `data/e2e/${process.env.E2E_RUN_ID}-engineer.json`);

/** Signs in through the board's sign-in page and the demo OpenID provider's login form, as a browser does. */
export async function signIn(page: Page, login: DemoLogin, returnTo = '/') {
  await page.goto(`/signin?returnTo=${encodeURIComponent(returnTo)}`);
  await page.getByTestId('signin-oidc').click();
  await page.getByLabel('Login').fill(login);
  await page.getByLabel('Password').fill(login);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname === returnTo.split('?')[0] && !url.pathname.startsWith('/signin'));
  await expect(page.getByTestId('user-menu')).toContainText(
    login === 'viewer' ? 'Viewer' : login === 'admin' ? 'Admin' : 'Engineer',
  );
}
