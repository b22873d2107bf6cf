import { NextResponse } from 'next/server';
import { internalError } from '@/lib/api/responses';
import { serverConfig } from '@/lib/config/env';
import { runGitHubSync } from '@/lib/github/sync-job';
import { handleWebhook } from '@/lib/github/webhook';
import { getRuntime } from '@/lib/server/runtime';
import { logger } from '@/lib/log/logger';

export const dynamic = 'force-dynamic';

/** GitHub `issues` / `pull_request` webhooks: verified with X-Hub-Signature-256, then a sync of that repository. */
export async function POST(request: Request) {
  try {
    const config = serverConfig();
    const answer = handleWebhook(
      {
        event: request.headers.get('x-github-event'),
        signature: request.headers.get('x-hub-signature-256'),
        deliveryId: request.headers.get('x-github-delivery'),
        rawBody: await request.text(),
      },
      { secret: config.GITHUB_WEBHOOK_SECRET, repos: config.GITHUB_REPOS },
    );
    if (answer.syncRepo) {
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
  } catch (error) {
    return internalError('Handling the webhook', error);
  }
}
