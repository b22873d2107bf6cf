/**
 * Which build of the board a page came from, and whether an answer came from another. During a rolling
 * deploy a tab opened on the old build goes on asking, and a replica of the new build answers: its JSON
 * may have another shape than this page's scripts read. Such an answer is not read; the page says that
 * the board was updated and offers a reload (BoardUpdatedBanner), instead of drawing what it cannot read.
 */

/** An answer from another build of the board than the page's own. */
export class BoardUpdatedError extends Error {
  override name = 'BoardUpdatedError';
  constructor(readonly answeredBy: string) {
    super('The board was updated while this page was open: reload the page to use the new version.');
  }
}

/** The build that served this page (the root layout's data-board-build); null in development. */
const pageBuild = () =>
  typeof document === 'undefined' ? null : (document.documentElement.dataset.boardBuild ?? null);

/** fetch for the board's own routes: throws BoardUpdatedError when another build answered. */
export async function boardFetch(input: string, init?: RequestInit): Promise<Response> {
  const response = await fetch(input, init);
  const answeredBy = response.headers.get('x-board-build');
  const own = pageBuild();
  if (answeredBy && own && answeredBy !== own) {
    await response.body?.cancel().catch(() => undefined);
    throw new BoardUpdatedError(answeredBy);
  }
  return response;
}
