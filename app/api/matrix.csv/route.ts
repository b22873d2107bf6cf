import { parseInput } from '@/lib/api/errors';
import { readRoute } from '@/lib/auth/route';
import { getStore } from '@/lib/db/store';
import { readExportRows, toCsv } from '@/lib/matrix/export';
import { matrixFilterSchema, searchParamsRecord } from '@/lib/matrix/filter';

export const dynamic = 'force-dynamic';

/** The matrix as CSV (one row per cell), honouring the same filter parameters as the page. */
export const GET = readRoute(async (request) => {
  const filter = parseInput(matrixFilterSchema, searchParamsRecord(new URL(request.url).searchParams));
  const store = await getStore();
  const csv = toCsv(await readExportRows(store, filter));
  return new Response(csv, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${store.plan.id}-matrix.csv"`,
    },
  });
});
