import { NextResponse } from 'next/server';
import { z } from 'zod';
import { readJsonBody } from '@/lib/api/body';
import { parseInput } from '@/lib/api/errors';
import { withRoute } from '@/lib/api/route';
import { runAction } from '@/lib/auth/action';
import { readRoute } from '@/lib/auth/route';
import { getStore } from '@/lib/db/store';
import { readSignOffs } from '@/lib/matrix/sign-offs';
import { SIGN_OFF_NOTE_MAX, signOff } from '@/lib/signoff/sign-off';
import { cellKeySchema } from '@/lib/zod/schemas';

export const dynamic = 'force-dynamic';

const querySchema = z.object({ cell: cellKeySchema.optional() });

const signOffSchema = z.object({
  cell: cellKeySchema,
  criterion: z.number().int().min(0).max(1000),
  note: z.string().trim().max(SIGN_OFF_NOTE_MAX, `keep the note under ${SIGN_OFF_NOTE_MAX} characters`).default(''),
  expiresAt: z.iso
    .datetime({ offset: true, message: 'expected an ISO date-time like 2027-03-31T00:00:00Z' })
    .nullable()
    .default(null),
});

/** The sign-off history, newest first (revoked and expired ones included), of the plan or one cell. */
export const GET = readRoute(async (request) => {
  const { cell } = parseInput(querySchema, Object.fromEntries(new URL(request.url).searchParams));
  return NextResponse.json({ signOffs: await readSignOffs(await getStore(), cell) });
});

/** Signs off one criterion that no data can prove, as the signed-in engineer. */
export const POST = withRoute((request) =>
  runAction(
    request,
    {
      action: 'sign-off',
      role: 'engineer',
      input: async () =>
        parseInput(
          signOffSchema,
          await readJsonBody(request, {
            example: '{"cell": "gate/infrastructure", "criterion": 4, "note": "NetworkPolicy reviewed"}',
          }),
        ),
      describe: (input) => ({
        target: `cell:${input.cell}#${input.criterion}`,
        service: input.cell.startsWith('gate/') ? null : input.cell.split('/')[0],
      }),
    },
    async (user, input) => {
      const fact = await signOff(await getStore(), user, {
        cellKey: input.cell,
        criterion: input.criterion,
        note: input.note,
        expiresAt: input.expiresAt ? new Date(input.expiresAt) : null,
      });
      return NextResponse.json({ signOff: fact }, { status: 201 });
    },
  ),
);
