import { test as setup } from '@playwright/test';
import { ENGINEER_STATE, signIn } from './sign-in';

// The suites that click Verify now, Sync now or Sign off act as the demo engineer.
setup('sign in as the demo engineer', async ({ page }) => {
  await signIn(page, 'engineer');
  await page.context().storageState({ path: ENGINEER_STATE });
});
