import { NextResponse } from 'next/server';
import { internalError, parseInput } from '@/lib/api/responses';
import { getStore } from '@/lib/db/store';
import { readExportRows } from '@/lib/matrix/export';
import { matrixFilterSchema, searchParamsRecord } from '@/lib/matrix/filter';

export const dynamic = 'force-dynamic';

/** The same rows as /api/matrix.csv, as JSON. */
export async function GET(request: Request) {
  const filter = parseInput(matrixFilterSchema, searchParamsRecord(new URL(request.url).searchParams));
  if (!filter.ok) return filter.response;
  try {
    return NextResponse.json(await readExportRows(await getStore(), filter.data));
  } catch (error) {
    return internalError('Exporting the matrix', error);
  }
}
