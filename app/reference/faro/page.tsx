import type { Metadata } from 'next';
import { FaroLive } from '@/app/_components/faro-live';
import { OwnTracePanel } from '@/app/_components/own-trace';
import { ReadFailure } from '@/app/_components/read-failure';
import { hasRole } from '@/lib/auth/roles';
import { pageUser } from '@/lib/auth/viewer';
import { faroRecipes } from '@/lib/faro/recipes';
import { faroStatus } from '@/lib/faro/status';
import { pageRead } from '@/lib/server/page-read';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Faro reference' };

/** The board as the live Faro reference: what it sends itself, and the recipe for each service kind. */
export default async function FaroReferencePage() {
  const seesEveryone = hasRole(await pageUser(), 'engineer');
  // The recipes are read from their source files at request time: an image missing one is a failed read.
  const read = await pageRead('the Faro recipes (their source files)', async () => faroRecipes());
  if (!read.ok) return <ReadFailure {...read} retryHref="/reference/faro" />;
  const recipes = read.value;
  return (
    <>
      <h1>Faro reference</h1>
      <p className="lede">
        The plan&apos;s Faro pattern, running on this board: the Web SDK in the browser sends to the app&apos;s own{' '}
        <code>POST /faro</code>, which forwards an allow-list of headers to Alloy&apos;s <code>faro.receiver</code>{' '}
        (adding the API key server-side), with its own size limit, per-client rate limit and a bounded upstream timeout.
        Settings are read at run time from the <code>faro.*</code> Helm values.
      </p>
      <FaroLive initialStatus={faroStatus(null, { seesEveryone })} />
      <h2>Browser trace → server span</h2>
      <p>
        The board traces its own server with OpenTelemetry (<code>OTEL_EXPORTER_OTLP_ENDPOINT</code>). Faro adds a{' '}
        <code>traceparent</code> to the browser&apos;s fetches, the server span continues it, and both reach Tempo: this
        is the newest such trace, read back from <code>TEMPO_URL</code>.
      </p>
      <OwnTracePanel />
      <h2>Recipes</h2>
      <p>
        Each recipe is this board&apos;s implementation carried over: same statuses (404 off, 405, 415, 413 on the bytes
        streamed, 429 with Retry-After, 502 unreachable, 504 slow), same forwarded headers (<code>content-type</code>,{' '}
        <code>content-encoding</code>, <code>x-faro-session-id</code>, <code>traceparent</code>; never cookies or{' '}
        <code>authorization</code>).
      </p>
      <nav aria-label="Recipes">
        <ul>
          {recipes.map((recipe) => (
            <li key={recipe.id}>
              <a href={`#${recipe.id}`}>{recipe.title}</a>
            </li>
          ))}
        </ul>
      </nav>
      {recipes.map((recipe) => (
        <section key={recipe.id} id={recipe.id} aria-labelledby={`${recipe.id}-heading`} className="cell-detail">
          <h3 id={`${recipe.id}-heading`}>{recipe.title}</h3>
          <p className="na-note">
            For: {recipe.appliesTo}. From <code>{recipe.source}</code>, which the test suite runs or checks.
          </p>
          {/* A scrollable region must be reachable by keyboard (axe: scrollable-region-focusable). */}
          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: see above */}
          <pre className="recipe" tabIndex={0}>
            <code className={`language-${recipe.language}`}>{recipe.code}</code>
          </pre>
        </section>
      ))}
    </>
  );
}
