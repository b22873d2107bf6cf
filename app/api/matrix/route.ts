import { NextResponse } from 'next/server';
import { withRoute } from '@/lib/api/route';
import { getStore } from '@/lib/db/store';
import { readMatrix } from '@/lib/matrix/read';

export const dynamic = 'force-dynamic';

export const GET = withRoute(async () => NextResponse.json(await readMatrix(await getStore())));
