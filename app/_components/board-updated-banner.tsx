'use client';

/** Shown once an answer came from a newer build of the board (see board-build.ts): what happened, and a reload. */
export function BoardUpdatedBanner() {
  return (
    <div className="demo-banner" role="alert" data-testid="board-updated-banner">
      <strong>rollout-board was updated</strong> while this page was open. What it shows may be out of date.{' '}
      <button type="button" onClick={() => window.location.reload()}>
        Reload
      </button>
    </div>
  );
}
