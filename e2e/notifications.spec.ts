import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from './fixtures';
import { signIn } from './sign-in';

/** A local webhook receiver for the test: records each body it is sent. */
async function startReceiver() {
  const received: Array<{ path: string; body: Record<string, unknown> }> = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      received.push({ path: request.url ?? '', body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      response.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, received, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

test('an engineer may not manage notifications: the page says so and the API answers 403', async ({ page }) => {
  await page.goto('/settings/notifications');
  await expect(page.getByTestId('notifications-refused')).toContainText('Only admins manage notifications');
  const answer = await page.request.post('/api/notifications', {
    headers: { 'content-type': 'application/json', origin: new URL(page.url()).origin },
    data: { name: 'x', format: 'json', url: 'http://127.0.0.1:9/x', digest: true },
  });
  expect(answer.status()).toBe(403);
});

test.describe('as the demo admin', () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test('an admin adds a webhook, sends a test message to it, and never sees its secret path again', async ({
    page,
  }) => {
    const receiver = await startReceiver();
    try {
      await signIn(page, 'admin', '/settings/notifications');
      await page.getByLabel('Name').fill('rollout e2e');
      await page.getByLabel('Format').selectOption('json');
      await page.getByLabel('Webhook URL').fill(`${receiver.url}/hooks/e2e-secret-path`);
      await page.getByRole('button', { name: 'Add channel' }).click();

      const row = page.getByTestId('channels').getByRole('row', { name: /rollout e2e/ });
      await expect(row).toContainText(`${new URL(receiver.url).host}/…`);
      await expect(page.locator('body')).not.toContainText('e2e-secret-path');

      await row.getByRole('button', { name: 'Send test message' }).click();
      await expect(row.getByRole('status')).toContainText('Test message delivered');
      expect(receiver.received).toEqual([
        { path: '/hooks/e2e-secret-path', body: expect.objectContaining({ type: 'rollout.test' }) },
      ]);

      // Neither the page after a reload nor the API gives the URL back.
      await page.reload();
      await expect(page.getByTestId('channels')).toContainText('rollout e2e');
      const api = await (await page.request.get('/api/notifications')).text();
      expect(api).not.toContain('e2e-secret-path');

      await page
        .getByTestId('channels')
        .getByRole('row', { name: /rollout e2e/ })
        .getByRole('button', { name: 'Remove' })
        .click();
      await expect(page.getByTestId('no-channels')).toBeVisible();
    } finally {
      await receiver.stop();
    }
  });
});
