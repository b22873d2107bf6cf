import { NextResponse } from 'next/server';
import { readRoute } from '@/lib/auth/route';
import { getStore } from '@/lib/db/store';
import { readMatrix } from '@/lib/matrix/read';

export const dynamic = 'force-dynamic';

export const GET = readRoute(async () => NextResponse.json(await readMatrix(await getStore())));
