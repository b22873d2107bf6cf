import { NextResponse } from 'next/server';
import { z } from 'zod';
import { internalError, jsonError, parseInput } from '@/lib/api/responses';
import { getRuntime } from '@/lib/server/runtime';
import { cellKeysForScope, startVerification } from '@/lib/verify/run';

export const dynamic = 'force-dynamic';

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,99}$/, 'expected a slug like "acapy-agent"');
const scopeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('all') }),
  z.object({ kind: z.literal('service'), slug }),
  z.object({
    kind: z.literal('cell'),
    key: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9-]{0,99}\/[a-z0-9][a-z0-9-]{0,99}$/,
        'expected a cell key like "acapy-agent/profiling-code"',
      ),
  }),
]);

/** Which verifications are running now (the UI polls this while one runs). */
export async function GET() {
  try {
    const runtime = await getRuntime();
    return NextResponse.json({ running: runtime.jobs.runningJobs().filter((name) => name.startsWith('verify:')) });
  } catch (error) {
    return internalError('Reading verification status', error);
  }
}

/** Starts (or joins) a verification and answers at once; results are stored as each probe finishes. */
export async function POST(request: Request) {
  const body = await request.json().catch(() => null);
  const input = parseInput(scopeSchema, body);
  if (!input.ok) return input.response;
  try {
    const runtime = await getRuntime();
    const scope = input.data;
    if (!cellKeysForScope(runtime.store, scope)) {
      return jsonError(
        404,
        scope.kind === 'service'
          ? `Unknown service "${scope.slug}".`
          : `Unknown cell "${scope.kind === 'cell' ? scope.key : ''}".`,
      );
    }
    const started = startVerification(runtime, scope, 'manual');
    return NextResponse.json({ job: started.job, joined: started.joined }, { status: 202 });
  } catch (error) {
    return internalError('Starting verification', error);
  }
}
