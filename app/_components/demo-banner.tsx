import { publicConfig } from '@/lib/config/env';

/** Says plainly when the board shows simulated upstreams, and how to point it at real ones. */
export function DemoBanner() {
  const { demoSimulators } = publicConfig();
  if (demoSimulators.length === 0) return null;
  return (
    <div className="demo-banner" role="note" data-testid="demo-banner">
      <strong>Demo:</strong> this board talks to local simulators ({demoSimulators.join(', ')}), not real upstreams. Set
      the upstream URLs (see <code>.env.example</code>) to turn the demo off.
    </div>
  );
}
