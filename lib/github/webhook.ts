import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { describeZodError } from '../api/errors';
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
 * Delivery ids already acted on (X-GitHub-Delivery), newest last. GitHub redelivers with the same id; a replay
 * is acknowledged and ignored. Bounded, oldest forgotten first. Per process: a replay that reaches another
 * replica queues at most one more sync there, which the lease keeps from running twice at once.
 */
export class DeliveryLog {
  private readonly ids = new Set<string>();
  constructor(private readonly capacity = 10_000) {}

  has(id: string): boolean {
    return this.ids.has(id);
  }

  add(id: string) {
    this.ids.add(id);
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value as string);
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
 * repository; acknowledge anything else without doing work. Pure, so it is tested without a server.
 */
export function handleWebhook(
  request: WebhookRequest,
  config: { secret: string | undefined; repos: string[]; deliveries?: DeliveryLog },
): WebhookAnswer {
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
  if (request.deliveryId && config.deliveries?.has(request.deliveryId)) {
    return { status: 200, body: { ignored: `delivery ${request.deliveryId} was already handled` } };
  }
  const answer = decide(request, config.repos);
  if (request.deliveryId && answer.status < 300) config.deliveries?.add(request.deliveryId);
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

// One log per server process, surviving dev-mode module reloads.
const held = globalThis as unknown as { __rolloutBoardDeliveries?: DeliveryLog };
export const processDeliveryLog = () => (held.__rolloutBoardDeliveries ??= new DeliveryLog());
