import { afterEach, describe, expect, it } from 'vitest';
import { openTestStore, STORE_PROVIDERS, storeClosedIssue, type TestStore } from '@/test/stores';
import { deployedReport } from '@/test/deployed-evidence';
import { readWentLive } from './go-live';
import { faroEnabledIn } from './run';

const POD_START = '2026-11-20T08:00:00.000Z';
const deployedEvidence = (enabled: Array<boolean | null>, startedAt: Array<string | null> = [POD_START]) =>
  deployedReport(enabled, startedAt);

describe('Faro on or off in a deployed check’s evidence', () => {
  it('is on when any controller has it on, off when all that say have it off, unknown when none says', () => {
    expect(faroEnabledIn(JSON.stringify(deployedEvidence([false, true])))).toBe(true);
    expect(faroEnabledIn(JSON.stringify(deployedEvidence([false, null])))).toBe(false);
    expect(faroEnabledIn(JSON.stringify(deployedEvidence([null])))).toBeNull();
    expect(faroEnabledIn('{}')).toBeNull();
  });

  it('is unknown, not an exception, for evidence that is not JSON or not a deployed report', () => {
    expect(faroEnabledIn('{oops')).toBeNull();
    expect(faroEnabledIn(JSON.stringify({ workloads: [{ controllers: 'enabled' }] }))).toBeNull();
  });
});

describe.each(STORE_PROVIDERS)('when a change went live, on %s', (provider) => {
  let store: TestStore | undefined;
  afterEach(async () => {
    await store?.destroy();
    store = undefined;
  });

  const storeDeployed = (evidence: string, minutesAgo: number) =>
    store!.db.checkResult.create({
      data: {
        planId: 'phase-3',
        cellKey: 'acapy-agent/profiling-helm',
        check: 'deployed',
        target: 'ca7f8f-dev/app.kubernetes.io/name=acapy',
        status: 'pass',
        message: null,
        evidence,
        durationMs: 5,
        trigger: 'schedule',
        checkedAt: new Date(Date.now() - minutesAgo * 60_000),
      },
    });

  it('is the first start among the pods of the Helm cell of the same signal, read from the newest deployed pass', async () => {
    store = await openTestStore(provider);
    await storeDeployed(JSON.stringify(deployedEvidence([true], [null, '2026-11-21T08:00:00.000Z', POD_START])), 1);
    const wentLive = await readWentLive(store, ['acapy-agent/profiling-code']);
    expect(wentLive.get('acapy-agent/profiling-code')).toEqual({
      at: Date.parse(POD_START),
      from: 'pods of acapy-agent/profiling-helm started',
    });
  });

  it('falls back to the issue’s close when the newest deployed evidence does not read', async () => {
    store = await openTestStore(provider);
    await storeDeployed(JSON.stringify(deployedEvidence([true])), 10);
    await storeDeployed(JSON.stringify({ workloads: [{ pods: 'three' }] }), 1);
    await storeClosedIssue(store, 'acapy-agent/profiling-code');
    const wentLive = await readWentLive(store, ['acapy-agent/profiling-code']);
    expect(wentLive.get('acapy-agent/profiling-code')?.from).toBe('issue closed');
  });
});
