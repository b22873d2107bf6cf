import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { ACTION_BODY_MAX_BYTES, readBodyCapped, readJsonBody } from './body';
import { ApiError, parseInput } from './errors';
import { currentRequestContext } from '../log/context';
import { logger } from '../log/logger';
import { withRoute } from './route';
import { CELL_KEY_PATTERN, cellKeySchema, safeIntegerSchema, slugSchema } from '../zod/schemas';

afterEach(() => vi.restoreAllMocks());

const post = (body: BodyInit, headers: Record<string, string> = {}) =>
  new Request('http://board.test/api/x', { method: 'POST', body, headers, duplex: 'half' } as RequestInit);

/** A body that streams `chunks` chunks of 64 KiB and counts how many were pulled. */
function countingStream(chunks: number) {
  const pulled = { count: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled.count === chunks) return controller.close();
      pulled.count += 1;
      controller.enqueue(new Uint8Array(64 * 1024).fill(0x20));
    },
  });
  return { stream, pulled };
}

describe('withRoute: the one error shape', () => {
  it('answers an unexpected failure with a generic 500 and a request id, logging the details under that id', async () => {
    const log = vi.spyOn(logger(), 'error').mockImplementation(() => {});
    const internal = 'Invalid `prisma.syncRun.create()` invocation in /app/lib/github/sync.ts:42 postgresql://u:pw@db';
    const route = withRoute(() => {
      throw new Error(internal);
    });
    const answer = await route(new Request('http://board.test/api/matrix'), undefined);
    expect(answer.status).toBe(500);
    const body = await answer.json();
    expect(body.code).toBe('internal_error');
    expect(body.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(answer.headers.get('x-request-id')).toBe(body.requestId);
    expect(body.error).toContain(body.requestId);
    expect(JSON.stringify(body)).not.toMatch(/prisma|sync\.ts|postgresql|pw/);
    // The log has the detail (credentials masked) and the same id, so an operator can find it.
    const line = JSON.stringify(log.mock.calls[0]);
    expect(line).toContain(body.requestId);
    expect(line).toContain('GET /api/matrix');
    expect(line).toContain('prisma.syncRun.create()');
    expect(line).not.toContain(':pw@');
  });

  it("runs the handler under the request's id, so every log line it writes carries it", async () => {
    const seen: Array<string | undefined> = [];
    const route = withRoute(() => {
      seen.push(currentRequestContext()?.requestId);
      return new Response('ok');
    });
    await route(new Request('http://board.test/api/x', { headers: { 'x-request-id': 'ingress-req-0001' } }), undefined);
    await route(new Request('http://board.test/api/x', { headers: { 'x-request-id': 'bad id\n' } }), undefined);
    expect(seen[0]).toBe('ingress-req-0001');
    expect(seen[1]).toMatch(/^[0-9a-f-]{36}$/);
    expect(currentRequestContext()).toBeUndefined();
  });

  it('maps each ApiError code to its status and shows its message as is', async () => {
    const cases = [
      ['bad_request', 400],
      ['unauthorized', 401],
      ['forbidden', 403],
      ['not_found', 404],
      ['conflict', 409],
      ['payload_too_large', 413],
      ['unsupported_media_type', 415],
      ['rate_limited', 429],
      ['bad_gateway', 502],
      ['service_unavailable', 503],
    ] as const;
    for (const [code, status] of cases) {
      const answer = await withRoute(() => {
        throw new ApiError(code, `says what to do (${code})`, { headers: { 'retry-after': '7' }, details: { n: 1 } });
      })(new Request('http://board.test/'), undefined);
      expect([answer.status, await answer.json(), answer.headers.get('retry-after')]).toEqual([
        status,
        { error: `says what to do (${code})`, code, n: 1 },
        '7',
      ]);
    }
  });

  it('turns a failed input parse into a 400 naming the field', async () => {
    const schema = z.object({ slug: slugSchema });
    const answer = await withRoute(() => {
      parseInput(schema, { slug: '../etc' });
      return new Response('unreachable');
    })(new Request('http://board.test/'), undefined);
    expect(answer.status).toBe(400);
    expect((await answer.json()).error).toBe('Invalid request: slug: expected a lower-case slug like "acapy-agent"');
  });

  it('passes the route context through', async () => {
    const route = withRoute(async (_r, context: { params: Promise<{ slug: string }> }) =>
      Response.json(await context.params),
    );
    const answer = await route(new Request('http://board.test/'), { params: Promise.resolve({ slug: 'a' }) });
    expect(await answer.json()).toEqual({ slug: 'a' });
  });
});

describe('capped request bodies', () => {
  it('refuses a declared Content-Length over the cap without reading a byte', async () => {
    const { stream, pulled } = countingStream(160); // 10 MB if read
    const request = post(stream, { 'content-length': String(10 * 1024 * 1024) });
    await expect(readBodyCapped(request, ACTION_BODY_MAX_BYTES)).rejects.toMatchObject({ status: 413 });
    expect(pulled.count).toBeLessThanOrEqual(1); // the stream's first pull may be eager; nothing is consumed
  });

  it('stops reading a chunked body at the cap', async () => {
    const { stream, pulled } = countingStream(4800); // 300 MB if read
    await expect(readBodyCapped(post(stream), 1024 * 1024)).rejects.toMatchObject({
      code: 'payload_too_large',
      message: 'The request body is larger than 1048576 bytes; nothing was processed.',
    });
    expect(pulled.count).toBeLessThan(20);
  });

  it('reads a body within the cap, and calls a body that is not JSON a 400 showing the expected shape', async () => {
    expect(await readJsonBody(post('{"kind":"all"}'), { example: '{"kind": "all"}' })).toEqual({ kind: 'all' });
    await expect(readJsonBody(post('kind=all'), { example: '{"kind": "all"}' })).rejects.toMatchObject({
      status: 400,
      message: 'Invalid request: expected a JSON body like {"kind": "all"}',
    });
  });
});

describe('shared zod building blocks', () => {
  it('one slug and one cell key, both bounded', () => {
    expect(slugSchema.safeParse('acapy-agent').success).toBe(true);
    for (const bad of ['', '-lead', 'Upper', 'a/b', 'a'.repeat(101), 'a_b']) {
      expect(slugSchema.safeParse(bad).success, bad).toBe(false);
    }
    expect(cellKeySchema.safeParse('acapy-agent/profiling-code').success).toBe(true);
    for (const bad of ['acapy-agent', '../etc', 'a/b/c', `a/${'b'.repeat(101)}`, '-a/b']) {
      expect(CELL_KEY_PATTERN.test(bad), bad).toBe(false);
    }
  });

  it('safe integers only', () => {
    expect(safeIntegerSchema.safeParse(42).success).toBe(true);
    for (const bad of [1e308, Number.MAX_SAFE_INTEGER + 2, -1, 1.5, Number.NaN]) {
      expect(safeIntegerSchema.safeParse(bad).success, String(bad)).toBe(false);
    }
  });
});
