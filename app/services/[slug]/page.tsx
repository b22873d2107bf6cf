import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { readAudit } from '@/lib/audit/read';
import { publicConfig } from '@/lib/config/env';
import { getStore } from '@/lib/db/store';
import { readServiceDetail } from '@/lib/matrix/read';
import { pageRead } from '@/lib/server/page-read';
import { formatMinutes } from '@/lib/plan/estimate';
import { AuditTable } from '@/app/_components/audit-table';
import { NavLink } from '@/app/_components/nav-link';
import { ReadFailure } from '@/app/_components/read-failure';
import { CellIssueDetail } from '@/app/_components/cell-issue';
import { EvidenceChainView } from '@/app/_components/evidence-chain';
import { ServiceCellVerification } from '@/app/_components/service-cell-verification';
import { VerifyButton } from '@/app/_components/verify-button';
import { RefreshWhileVerifying } from '@/app/_components/verify-status';

export const dynamic = 'force-dynamic';

export async function generateMetadata({ params }: { params: Promise<{ slug: string }> }): Promise<Metadata> {
  const { slug } = await params;
  // A failed read is the page's to report (it logs it once); the title only names the service.
  const detail = await readServiceDetail(await getStore(), slug).catch(() => undefined);
  return { title: detail ? detail.service.name : detail === undefined ? slug : 'Unknown service' };
}

export default async function ServicePage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const read = await pageRead(`the service ${slug} (its cells, checks and actions)`, async () => {
    const store = await getStore();
    const found = await readServiceDetail(store, slug);
    return found
      ? { detail: found, actions: await readAudit(store.db, { service: found.service.slug, limit: 20 }) }
      : null;
  });
  if (!read.ok) return <ReadFailure {...read} retryHref={`/services/${encodeURIComponent(slug)}`} />;
  if (!read.value) notFound();
  const { detail, actions } = read.value;
  const { service } = detail;
  const { grafanaUrl, grafanaDatasources } = publicConfig();
  return (
    <>
      <p>
        <NavLink href="/" what="the matrix">
          ← Matrix
        </NavLink>
      </p>
      <h1>{service.name}</h1>
      <p className="lede" data-testid="check-buttons-explained">
        <strong>Verify every cell of {service.name} now</strong> proves every acceptance criterion below in one run: the
        data in Pyroscope, Loki and Tempo, the service&apos;s own routes, and the repository and cluster (is the change
        merged, is it deployed). A cell&apos;s own <strong>Verify now</strong> does the same for that cell. Both also
        run on a schedule; criteria no data can prove are signed off by an engineer.
      </p>
      <VerifyButton scope={{ kind: 'service', slug: service.slug }} text={`Verify every cell of ${service.name} now`} />
      <RefreshWhileVerifying />
      <dl className="facts">
        <dt>Runtimes</dt>
        <dd>{service.runtimes.join(', ')}</dd>
        <dt>GitHub label</dt>
        <dd>
          <code>{service.label}</code>
        </dd>
        <dt>Pyroscope service_name</dt>
        <dd>
          {service.telemetry.pyroscopeServiceNames.map((n) => (
            <code key={n}>{n} </code>
          ))}
        </dd>
        <dt>Faro app</dt>
        <dd>{service.telemetry.faroApp ? <code>{service.telemetry.faroApp}</code> : 'none (no browser frontend)'}</dd>
        {service.repository ? (
          <>
            <dt>Repository</dt>
            <dd>{service.repository}</dd>
          </>
        ) : null}
        <dt>Estimated effort</dt>
        <dd data-testid="service-estimate">{formatMinutes(detail.estimateMinutes)}</dd>
      </dl>
      {detail.cells.map((cell) => (
        <section
          key={cell.key}
          id={cell.capabilitySlug}
          className="cell-detail"
          data-cell={cell.key}
          aria-labelledby={`${cell.capabilitySlug}-h`}
        >
          <h2 id={`${cell.capabilitySlug}-h`}>
            {cell.capabilityName}: {cell.title}
          </h2>
          <ServiceCellVerification
            initialDetail={detail}
            cellKey={cell.key}
            grafana={{ grafanaUrl, grafanaDatasources }}
          />
          <CellIssueDetail cell={cell} />
          {cell.entryPoint ? (
            <p>
              Entry point: <code>{cell.entryPoint}</code>
            </p>
          ) : null}
          {cell.requirements.length > 0 ? (
            <>
              <h3>Requirements</h3>
              <ul>
                {cell.requirements.map((r) => (
                  <li key={r}>{r}</li>
                ))}
              </ul>
            </>
          ) : null}
          <EvidenceChainView chain={cell.chain} />
        </section>
      ))}
      {detail.notApplicable.length > 0 ? (
        <p className="na-note">
          Not applicable (no browser frontend): {detail.notApplicable.map((c) => c.name).join(', ')}.
        </p>
      ) : null}
      <section aria-labelledby="actions-heading" data-testid="service-actions">
        <h2 id="actions-heading">Actions on {service.name}</h2>
        <AuditTable rows={actions} caption={`The newest ${actions.length} actions on this service`} />
      </section>
    </>
  );
}
