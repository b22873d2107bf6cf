import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { DemoBanner } from './_components/demo-banner';
import { FaroSetup } from './_components/faro-setup';
import { NavLink } from './_components/nav-link';
import { Providers } from './_components/providers';
import { ReadOnlyBanner } from './_components/read-only-banner';
import { UserMenu } from './_components/user-menu';
import { ViewerProvider } from './_components/viewer';
import { requireAdmittingServer } from '@/lib/auth/page-admission';
import { pageViewer } from '@/lib/auth/viewer';
import './globals.css';
import './phone.css';

export const metadata: Metadata = {
  // Each page names itself ("Progress · rollout-board"); the matrix is the default.
  title: { default: 'Matrix · rollout-board', template: '%s · rollout-board' },
  description: 'Phase 3 observability rollout: planned, closed, and proven by live data.',
  icons: { icon: '/favicon.svg' },
  // An internal tool: no search engine indexes it (public/robots.txt says the same to crawlers).
  robots: { index: false, follow: false },
};

/*
 * Failed reads render app/error.tsx (app/global-error.tsx if this layout fails). There is
 * deliberately no loading.tsx: its Suspense boundary streams every page into a hidden element only
 * JavaScript reveals (checked: with one, every page's HTML showed only "Loading…" without
 * JavaScript). Client-side navigations show their loading state through NavLink instead. Pages
 * read the store in one short query set and render on the server.
 * Every page reads who is looking (and gets its CSP nonce), so none is prerendered at build time.
 */
export default async function RootLayout({ children }: { children: ReactNode }) {
  const viewer = await pageViewer();
  // After the first read of the request, so a build (which renders no request) never gets here.
  requireAdmittingServer();
  return (
    // The build that gave this page: its scripts tell a newer board's answers by it (app/_components/board-build.ts).
    <html lang="en" data-board-build={process.env.ROLLOUT_BOARD_BUILD}>
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="site-header">
          <NavLink href="/" className="brand" what="the matrix">
            rollout-board
          </NavLink>
          <nav aria-label="Main">
            <NavLink href="/" what="the matrix">
              Matrix
            </NavLink>
            <NavLink href="/progress" what="progress">
              Progress
            </NavLink>
            <NavLink href="/reference/faro" what="the Faro reference">
              Faro reference
            </NavLink>
            {viewer.roles.includes('admin') ? (
              <NavLink href="/audit" what="the audit log">
                Audit
              </NavLink>
            ) : null}
            {viewer.roles.includes('admin') ? (
              <NavLink href="/settings/notifications" what="notifications">
                Notifications
              </NavLink>
            ) : null}
          </nav>
          <UserMenu />
        </header>
        <FaroSetup />
        <Providers>
          <ViewerProvider viewer={viewer}>
            <main id="main">
              {/* Inside the main landmark, so every piece of content sits in one. */}
              <DemoBanner />
              <ReadOnlyBanner />
              {children}
            </main>
          </ViewerProvider>
        </Providers>
      </body>
    </html>
  );
}
