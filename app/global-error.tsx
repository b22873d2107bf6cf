'use client';

import { FailedRead } from './_components/failed-read';
import './globals.css';

/**
 * When the root layout itself fails (it reads who is looking), this replaces the whole document:
 * the same useful page as app/error.tsx, without the header it could not render.
 */
export default function GlobalError({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <html lang="en">
      <body>
        <title>Could not be loaded · rollout-board</title>
        <main id="main">
          <FailedRead error={error} retry={retry} />
        </main>
      </body>
    </html>
  );
}
