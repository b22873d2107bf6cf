import type { Metadata } from 'next';
import { UnmappedList } from '@/app/_components/unmapped-panel';
import { ReadFailure } from '@/app/_components/read-failure';
import { getStore } from '@/lib/db/store';
import { readUnmappedPage } from '@/lib/matrix/read';
import { pageRead } from '@/lib/server/page-read';
import { pageNumberSchema } from '@/lib/zod/schemas';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Unmapped / conflicts' };

const pageHref = (page: number) => (page === 1 ? '/unmapped' : `/unmapped?page=${page}`);

/** Every issue the sync found on no cell, page by page (the matrix lists the first page). */
export default async function UnmappedPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const asked = (await searchParams).page;
  const parsed = asked === undefined ? { success: true as const, data: 1 } : pageNumberSchema.safeParse(asked);
  if (!parsed.success) {
    return (
      <>
        <h1>Unmapped / conflicts</h1>
        <p role="alert" data-testid="unmapped-bad-page">
          “{String(asked)}” is not a page number. <a href="/unmapped">Start at page 1</a>.
        </p>
      </>
    );
  }
  const page = parsed.data;
  const read = await pageRead('the unmapped and conflicting issues', async () =>
    readUnmappedPage(await getStore(), page),
  );
  if (!read.ok) return <ReadFailure {...read} retryHref={pageHref(page)} />;
  const { total, pages, issues } = read.value;
  return (
    <>
      <h1>Unmapped / conflicts ({total})</h1>
      <p className="lede">
        Phase 3 issues that are on no cell, newest update first. Fix their labels on GitHub (or close the duplicate) and
        they move onto the matrix at the next sync. <a href="/">Back to the matrix</a>.
      </p>
      {issues.length > 0 ? (
        <UnmappedList issues={issues} />
      ) : (
        <p data-testid="unmapped-empty">
          {total === 0 ? 'Every synced issue is on a cell.' : `There is no page ${page}: the list has ${pages}.`}
        </p>
      )}
      <nav aria-label="Pages" data-testid="unmapped-pages">
        Page {page} of {pages}
        {page > 1 ? (
          <>
            {' · '}
            <a href={pageHref(Math.min(page - 1, pages))} rel="prev">
              Newer
            </a>
          </>
        ) : null}
        {page < pages ? (
          <>
            {' · '}
            <a href={pageHref(page + 1)} rel="next">
              Older
            </a>
          </>
        ) : null}
      </nav>
    </>
  );
}
