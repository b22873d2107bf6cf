import { NextResponse } from 'next/server';
import { readBodyCapped } from '@/lib/api/body';
import { withRoute } from '@/lib/api/route';
import { recordAudit } from '@/lib/audit/record';
import { serverConfig } from '@/lib/config/env';
import { runGitHubSync } from '@/lib/github/sync-job';
import { DeliveryLog, handleWebhook, WEBHOOK_BODY_MAX_BYTES } from '@/lib/github/webhook';
import { getStore } from '@/lib/db/store';
import { getRuntime } from '@/lib/server/runtime';
import { logger } from '@/lib/log/logger';

export const dynamic = 'force-dynamic';

/**
 * GitHub `issues` / `pull_request` webhooks: size first (capped before reading, so an unsigned flood costs
 * nothing), then X-Hub-Signature-256, then the payload, then the delivery id (a replay, whichever replica it
 * reaches, is acknowledged and ignored); a verified delivery syncs that repository.
 */
export const POST = withRoute(async (request) => {
  const config = serverConfig();
  const answer = await handleWebhook(
    {
      event: request.headers.get('x-github-event'),
      signature: request.headers.get('x-hub-signature-256'),
      deliveryId: request.headers.get('x-github-delivery'),
      rawBody: await readBodyCapped(request, WEBHOOK_BODY_MAX_BYTES),
    },
    {
      secret: config.GITHUB_WEBHOOK_SECRET,
      repos: config.GITHUB_REPOS,
      deliveries: {
        // The store is opened only for a signed delivery: an unsigned flood touches nothing.
        claim: async (id) => new DeliveryLog((await getStore()).db).claim(id),
      },
    },
  );
  if (answer.syncRepo) {
    // Signed by GitHub, so GitHub is who asked: the audit trail shows why a sync ran.
    await recordAudit({
      actor: 'GitHub webhook',
      actorSubject: request.headers.get('x-github-delivery'),
      action: 'sync',
      target: `repo:${answer.syncRepo}`,
      outcome: 'started',
      status: answer.status,
      detail: answer.issueNumber ? `issue #${answer.issueNumber}` : '',
    });
    // Answer GitHub at once (it waits 10 s at most); the sync runs on.
    const refreshIssues = answer.issueNumber ? [{ repo: answer.syncRepo, number: answer.issueNumber }] : [];
    void runGitHubSync(await getRuntime(), { trigger: 'webhook', repos: [answer.syncRepo], refreshIssues }).then(
      (result) => {
        if (result.status === 'failed')
          logger().error({ job: 'github-sync', trigger: 'webhook', error: result.error }, 'GitHub sync failed');
      },
    );
  }
  return NextResponse.json(answer.body, { status: answer.status });
});
