import { NextResponse } from 'next/server';
import { parseInput } from '@/lib/api/errors';
import { readRoute } from '@/lib/auth/route';
import { getStore } from '@/lib/db/store';
import { readExportRows } from '@/lib/matrix/export';
import { matrixFilterSchema, searchParamsRecord } from '@/lib/matrix/filter';

export const dynamic = 'force-dynamic';

/** The same rows as /api/matrix.csv, as JSON. */
export const GET = readRoute(async (request) => {
  const filter = parseInput(matrixFilterSchema, searchParamsRecord(new URL(request.url).searchParams));
  return NextResponse.json(await readExportRows(await getStore(), filter));
});
