import { NextResponse } from 'next/server';
import { internalError } from '@/lib/api/responses';
import { getStore } from '@/lib/db/store';
import { readMatrix } from '@/lib/matrix/read';

export const dynamic = 'force-dynamic';

export async function GET() {
  try {
    return NextResponse.json(await readMatrix(await getStore()));
  } catch (error) {
    return internalError('Reading the matrix', error);
  }
}
