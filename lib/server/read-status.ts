/**
 * A page whose store read failed answers 503, not 200, so monitoring and probes see the failure. Next's App
 * Router gives a page no way to set its status except notFound, redirect, forbidden, unauthorized (all wrong
 * here) or a thrown error (500, but its page is Next's empty shell without JavaScript). So the board's own
 * server (scripts/board-server.mjs, what `npm start` and the image run) tags every request, and a failed
 * read marks its tag here; that server turns the 200 into a 503 when Next writes the head, after the page,
 * which has no Suspense boundary, has rendered. Under a plain `next start` the page still shows, with a 200.
 */

/** The request's tag, set by scripts/board-server.mjs on every request (overwriting any a client sent). */
export const REQUEST_TAG_HEADER = 'x-rollout-board-request';

// Shared with scripts/board-server.mjs, which is not bundled: one Set per process, on globalThis.
const KEY = Symbol.for('rollout-board.failed-read-requests');

function failedReads(): Set<string> {
  const holder = globalThis as typeof globalThis & { [KEY]?: Set<string> };
  holder[KEY] ??= new Set();
  return holder[KEY];
}

/** Marks this request's read as failed, so its page answers 503. Only behind the board's own server. */
export function markReadFailed(headers: Headers): void {
  // Without that server nobody clears the mark, and the tag would be whatever a client sent.
  if (process.env.ROLLOUT_BOARD_PEER_HEADER !== '1') return;
  const tag = headers.get(REQUEST_TAG_HEADER);
  if (tag) failedReads().add(tag);
}
