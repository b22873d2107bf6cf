import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { DemoBanner } from './_components/demo-banner';
import { FaroSetup } from './_components/faro-setup';
import { Providers } from './_components/providers';
import { ReadOnlyBanner } from './_components/read-only-banner';
import { UserMenu } from './_components/user-menu';
import { ViewerProvider } from './_components/viewer';
import { pageViewer } from '@/lib/auth/viewer';
import './globals.css';

export const metadata: Metadata = {
  title: 'rollout-board',
  description: 'Phase 3 observability rollout: planned, closed, and proven by live data.',
};

// Every page reads who is looking (and gets its CSP nonce), so none is prerendered at build time.
export default async function RootLayout({ children }: { children: ReactNode }) {
  const viewer = await pageViewer();
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
            {viewer.roles.includes('admin') ? <Link href="/audit">Audit</Link> : null}
          </nav>
          <UserMenu />
        </header>
        <DemoBanner />
        <ReadOnlyBanner />
        <FaroSetup />
        <Providers>
          <ViewerProvider viewer={viewer}>
            <main id="main">{children}</main>
          </ViewerProvider>
        </Providers>
      </body>
    </html>
  );
}
