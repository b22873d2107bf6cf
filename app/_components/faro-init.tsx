'use client';

import type { Faro } from '@grafana/faro-web-sdk';
import { usePathname } from 'next/navigation';
import { useEffect } from 'react';
import type { FaroBrowserConfig } from '@/lib/faro/browser';

// Module-level: React may mount this twice (Strict Mode, remounts), Faro must start once.
// (Not `faro.api`: that object exists before initialisation.)
let starting: Promise<Faro> | null = null;

/** The board's Faro instance once started; null when Faro is off on this board. */
export function whenFaroStarted(): Promise<Faro> | null {
  return starting;
}

/** Starts Faro after hydration (dynamic import) and reports App Router navigations as view changes. */
export function FaroInit({ config }: { config: FaroBrowserConfig }) {
  const pathname = usePathname();
  useEffect(() => {
    starting ??= import('@/lib/faro/browser').then(({ startFaro }) => startFaro(config, window.location.pathname));
  }, [config]);
  useEffect(() => {
    void starting?.then((faro) => {
      if (faro.api.getView()?.name !== pathname) faro.api.setView({ name: pathname });
    });
  }, [pathname]);
  return null;
}
