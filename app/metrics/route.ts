import { withRoute } from '@/lib/api/route';
import { getStore } from '@/lib/db/store';
import { scrapeMetrics } from '@/lib/metrics/scrape';

export const dynamic = 'force-dynamic';

/** Prometheus scrape target (lib/metrics): the board's cell figures from the store, and this process's own. */
export const GET = withRoute(async () => {
  const { contentType, body } = await scrapeMetrics(await getStore());
  return new Response(body, { headers: { 'content-type': contentType, 'cache-control': 'no-store' } });
});
