import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { DemoBanner } from './_components/demo-banner';
import { FaroSetup } from './_components/faro-setup';
import { Providers } from './_components/providers';
import './globals.css';

export const metadata: Metadata = {
  title: 'rollout-board',
  description: 'Phase 3 observability rollout: planned, closed, and proven by live data.',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="site-header">
          <Link href="/" className="brand">
            rollout-board
          </Link>
          <nav aria-label="Main">
            <Link href="/">Matrix</Link>
            <Link href="/progress">Progress</Link>
            <Link href="/reference/faro">Faro reference</Link>
            <Link href="/settings/notifications">Notifications</Link>
          </nav>
        </header>
        <DemoBanner />
        <FaroSetup />
        <Providers>
          <main id="main">{children}</main>
        </Providers>
      </body>
    </html>
  );
}
