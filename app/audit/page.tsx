import type { Metadata } from 'next';
import { AuditTable } from '@/app/_components/audit-table';
import { ReadFailure } from '@/app/_components/read-failure';
import { readAudit } from '@/lib/audit/read';
import { hasRole } from '@/lib/auth/roles';
import { pageUser } from '@/lib/auth/viewer';
import { pageRead } from '@/lib/server/page-read';
import { getRuntime } from '@/lib/server/runtime';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Audit trail' };

/** Every action and sign-in, newest first: admins only (GET /api/audit has the same, as JSON). */
export default async function AuditPage() {
  const user = await pageUser();
  if (!hasRole(user, 'admin')) {
    return (
      <>
        <h1>Audit trail</h1>
        <p role="alert" data-testid="audit-refused">
          {user
            ? `Only admins read the audit trail; you are signed in as ${user.name}.`
            : 'Only admins read the audit trail. '}
          {user ? null : <a href="/signin?returnTo=/audit">Sign in</a>}
        </p>
      </>
    );
  }
  const read = await pageRead('the audit log', async () => readAudit((await getRuntime()).store.db, { limit: 200 }));
  if (!read.ok) return <ReadFailure {...read} retryHref="/audit" />;
  const rows = read.value;
  return (
    <>
      <h1>Audit trail</h1>
      <p className="lede">
        Who synced, verified, checked evidence, signed off or revoked, signed in or out; when, on what, and how it
        ended. Refusals by signed-in people are recorded too. The newest 200 rows;{' '}
        <code>GET /api/audit?before=&lt;id&gt;</code> pages back.
      </p>
      <AuditTable rows={rows} caption="Newest first" />
    </>
  );
}
