import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { describeZodError } from '../api/errors';
import type { Db } from '../db/client';
import { safeIntegerSchema } from '../zod/schemas';

/**
 * Checks GitHub's X-Hub-Signature-256 ("sha256=<hex HMAC of the raw body>") in constant time.
 * A missing secret, header or malformed value is a refusal, never an exception.
 */
export function verifyWebhookSignature(
  secret: string | undefined,
  rawBody: string | Buffer,
  header: string | null | undefined,
): boolean {
  if (!secret || !header) return false;
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header.trim());
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  const given = Buffer.from(match[1], 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export const signWebhookBody = (secret: string, rawBody: string | Buffer) =>
  `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;

/** Events that can change what the board shows; the others are acknowledged and ignored. */
export const SYNC_EVENTS = new Set(['issues', 'pull_request']);

export interface WebhookRequest {
  event: string | null;
  signature: string | null;
  deliveryId: string | null;
  rawBody: string | Buffer;
}

/** GitHub's issue and pull-request payloads stay well under this; larger deliveries are refused unread (413). */
export const WEBHOOK_BODY_MAX_BYTES = 1024 * 1024;

export interface WebhookAnswer {
  status: number;
  body: Record<string, unknown>;
  /** Set when the delivery should start (or queue) a sync of this repository. */
  syncRepo?: string;
  /** The issue an `issues` event is about: re-read on its own, as it may have lost the label. */
  issueNumber?: number;
}

/**
 * How long a delivery id is remembered: GitHub lets anyone with access to the hook redeliver a delivery of
 * the past 3 days, with the same X-GitHub-Delivery. Older ids are pruned, which keeps the table bounded.
 */
export const DELIVERY_MEMORY_MS = 3 * 24 * 60 * 60 * 1000;

/** Longer ids are not GitHub's GUIDs; they are remembered by their first this many characters. */
const DELIVERY_ID_MAX_CHARS = 200;

/**
 * Delivery ids already acted on (X-GitHub-Delivery), kept in the store so that every replica shares them: a
 * replay is acknowledged and ignored wherever it lands. The id is the primary key, so of two replicas claiming
 * the same delivery at once exactly one wins.
 */
export class DeliveryLog {
  constructor(private readonly db: Pick<Db, 'webhookDelivery'>) {}

  /** Records the id; false when it was already recorded (a replay). Forgets ids older than DELIVERY_MEMORY_MS. */
  async claim(id: string, now = new Date()): Promise<boolean> {
    await this.db.webhookDelivery.deleteMany({
      where: { receivedAt: { lt: new Date(now.getTime() - DELIVERY_MEMORY_MS) } },
    });
    try {
      await this.db.webhookDelivery.create({ data: { id: id.slice(0, DELIVERY_ID_MAX_CHARS), receivedAt: now } });
      return true;
    } catch (error) {
      if ((error as { code?: unknown }).code === 'P2002') return false; // the unique key: seen before
      throw error;
    }
  }
}

/** The fields the board reads from `issues` / `pull_request` payloads; numbers must be exact (safe) integers. */
const payloadSchema = z.object({
  repository: z.object({ full_name: z.string().max(200) }).optional(),
  issue: z.object({ number: safeIntegerSchema }).optional(),
  pull_request: z.object({ number: safeIntegerSchema }).optional(),
});

/**
 * Decides what a GitHub webhook delivery means: refuse it (401) unless its signature verifies
 * against GITHUB_WEBHOOK_SECRET; start a sync for issues/pull_request events from a configured
 * repository; acknowledge anything else without doing work; acknowledge and ignore a delivery id
 * already acted on. Needs no server, so it is tested without one.
 */
export async function handleWebhook(
  request: WebhookRequest,
  config: { secret: string | undefined; repos: string[]; deliveries?: Pick<DeliveryLog, 'claim'> },
): Promise<WebhookAnswer> {
  if (!config.secret) {
    return {
      status: 401,
      body: {
        error:
          'Webhooks are not accepted: set GITHUB_WEBHOOK_SECRET on the board and the same secret on the GitHub webhook.',
      },
    };
  }
  if (!verifyWebhookSignature(config.secret, request.rawBody, request.signature)) {
    return {
      status: 401,
      body: {
        error: 'Invalid or missing X-Hub-Signature-256: the delivery was not signed with GITHUB_WEBHOOK_SECRET.',
      },
    };
  }
  const answer = decide(request, config.repos);
  // Only a delivery that was acted on uses up its id (a refused one may be fixed and redelivered); claimed after
  // deciding, in one step, so two replicas given the same delivery at once do not both act on it.
  if (request.deliveryId && answer.status < 300 && config.deliveries) {
    if (!(await config.deliveries.claim(request.deliveryId)))
      return { status: 200, body: { ignored: `delivery ${request.deliveryId} was already handled` } };
  }
  return answer;
}

/** A verified delivery: what it asks for. */
function decide(request: WebhookRequest, repos: string[]): WebhookAnswer {
  if (request.event === 'ping') return { status: 200, body: { ok: true, event: 'ping' } };
  if (!request.event || !SYNC_EVENTS.has(request.event)) {
    return { status: 202, body: { ignored: `event ${request.event ?? '(none)'} does not affect the board` } };
  }
  let json: unknown;
  try {
    json = JSON.parse(request.rawBody.toString());
  } catch {
    return {
      status: 400,
      body: { error: 'The delivery body is not JSON (set the webhook content type to application/json).' },
    };
  }
  const parsed = payloadSchema.safeParse(json);
  if (!parsed.success) {
    return {
      status: 400,
      body: { error: describeZodError(parsed.error).replace('Invalid request', 'Invalid delivery') },
    };
  }
  const payload = parsed.data;
  const fullName = payload.repository?.full_name ?? '';
  const repo = repos.find((r) => r.toLowerCase() === fullName.toLowerCase());
  if (!repo) return { status: 202, body: { ignored: `repository ${fullName || '(none)'} is not in GITHUB_REPOS` } };
  const issueNumber = request.event === 'issues' ? payload.issue?.number : undefined;
  return {
    status: 202,
    body: { accepted: true, event: request.event, repo },
    syncRepo: repo,
    ...(issueNumber ? { issueNumber } : {}),
  };
}
