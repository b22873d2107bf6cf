'use client';

import { useSyncExternalStore } from 'react';

const subscribe = () => () => {};

/**
 * False on the server and in the HTML, true once React runs in the browser. Buttons that only work
 * with JavaScript (Verify now, Sync now) render nothing until then, so without JavaScript no dead
 * button is shown.
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
}
