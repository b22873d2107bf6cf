import { NextResponse } from 'next/server';
import { z } from 'zod';
import { parseInput } from '@/lib/api/errors';
import { withRoute } from '@/lib/api/route';
import { runAction } from '@/lib/auth/action';
import { getStore } from '@/lib/db/store';
import { revokeSignOff } from '@/lib/signoff/sign-off';

export const dynamic = 'force-dynamic';

const paramsSchema = z.object({ id: z.uuid('expected a sign-off id as /api/sign-offs answers it') });

/** Withdraws a sign-off (the signer's own, or anyone's for an admin); it stays in the history as revoked. */
export const POST = withRoute((request, context: { params: Promise<{ id: string }> }) =>
  runAction(
    request,
    {
      action: 'revoke',
      role: 'engineer',
      input: async () => parseInput(paramsSchema, await context.params),
      describe: ({ id }) => ({ target: `sign-off:${id}` }),
    },
    async (user, { id }) => NextResponse.json({ signOff: await revokeSignOff(await getStore(), user, id) }),
  ),
);
