import { describe, expect, it } from 'vitest';
import { deriveCellState } from './cell-state';
import { buildEvidenceChain } from './evidence-chain';
import { checkFactOf } from './check-fact';
import type { CheckFact, IssueFact } from './types';

const closed: IssueFact = {
  id: 'bcgov/traction#12',
  repo: 'bcgov/traction',
  number: 12,
  title: 't',
  state: 'closed',
  assignees: [],
  htmlUrl: 'https://github.com/bcgov/traction/issues/12',
  estimateText: '~1h',
  estimateMinutes: 60,
  linkedPullRequests: [],
  cellKey: 'traction/profiling-helm',
  openedAt: '2026-11-01T00:00:00.000Z',
  closedAt: '2026-11-10T00:00:00.000Z',
};
const mergedFile = {
  repository: 'bcgov/traction',
  branch: 'main',
  path: 'server/package.json',
  status: 'pass',
  sha: 'abc',
  htmlUrl: 'https://github.com/bcgov/traction/blob/main/server/package.json',
  notModified: false,
  found: ['@pyroscope/nodejs'],
  missing: [],
};
const check = (
  name: string,
  status: CheckFact['status'],
  checkedAt: string,
  evidence: Record<string, unknown> = { n: name },
): CheckFact =>
  checkFactOf({
    cellKey: 'traction/profiling-helm',
    check: name,
    target: 't',
    status,
    message: `${name} ${status}`,
    durationMs: 5,
    checkedAt: new Date(checkedAt),
    evidence: JSON.stringify(evidence),
  });
const T1 = '2026-11-11T00:00:00.000Z';
const T2 = '2026-11-12T00:00:00.000Z';
const statuses = (checks: CheckFact[], issue: IssueFact | null = closed, part: 'code' | 'helm' = 'code') =>
  buildEvidenceChain(issue, checks, part).links.map((l) => `${l.link}:${l.status}`);

describe('buildEvidenceChain', () => {
  it('shows every link as not checked when nothing is known', () => {
    const chain = buildEvidenceChain(null, [], 'helm');
    expect(chain.links.map((l) => l.status)).toEqual(['not-checked', 'not-checked', 'not-checked', 'not-checked']);
    expect(chain.furthest).toBeNull();
    expect(chain.summary).toBe('nothing proven yet');
  });

  it('a code cell merged but without data is "merged, not flowing", with the evidence and time of each link', () => {
    const chain = buildEvidenceChain(
      closed,
      [check('merged', 'pass', T1, { files: [mergedFile] }), check('pyroscope', 'fail', T2)],
      'code',
    );
    expect(chain.links.map((l) => `${l.link}:${l.status}`)).toEqual([
      'issue-closed:passed',
      'merged:passed',
      'deployed:not-checked',
      'data-flowing:failed',
    ]);
    expect(chain.furthest).toBe('merged');
    expect(chain.summary).toBe('merged, not flowing');
    expect(chain.links[0]).toMatchObject({ checkedAt: closed.closedAt, message: 'Issue #12 closed.' });
    expect(chain.links[1]).toMatchObject({ evidence: { files: [mergedFile] }, checkedAt: T1 });
    expect(chain.links[2].message).toBe('Not checked: code is proven running by its data.');
    expect(chain.links[3]).toMatchObject({ message: 'pyroscope fail', checks: ['pyroscope'] });
    // Without any data check yet it still says what is missing.
    expect(buildEvidenceChain(closed, [check('merged', 'pass', T1)], 'code').summary).toBe('merged, not flowing');
  });

  it('a Helm cell is proven by its pods: "deployed", or "merged, not deployed"', () => {
    expect(
      buildEvidenceChain(closed, [check('merged', 'pass', T1), check('deployed', 'pass', T1)], 'helm').summary,
    ).toBe('deployed');
    expect(
      buildEvidenceChain(closed, [check('merged', 'pass', T1), check('deployed', 'fail', T1)], 'helm').summary,
    ).toBe('merged, not deployed');
  });

  it('data flowing needs the newest result of every data check to pass, and uses the furthest link proven', () => {
    const chain = buildEvidenceChain(null, [check('loki', 'pass', T1), check('tempo', 'pass', T2)], 'code');
    expect(chain.links[3]).toMatchObject({ status: 'passed', checks: ['loki', 'tempo'], checkedAt: T2 });
    expect(chain.furthest).toBe('data-flowing');
    expect(chain.summary).toBe('data flowing');
    expect(buildEvidenceChain(null, [check('loki', 'pass', T1), check('tempo', 'error', T2)]).links[3]).toMatchObject({
      status: 'failed',
      message: 'tempo: tempo error',
    });
  });

  it('marks a link that passed before and fails now as regressed', () => {
    const chain = buildEvidenceChain(closed, [check('deployed', 'pass', T1), check('deployed', 'fail', T2)], 'helm');
    expect(chain.links[2]).toMatchObject({ status: 'failed', regressed: true });
    expect(chain.regressed).toBe(true);
    // Failing without ever passing is not a regression.
    expect(
      buildEvidenceChain(closed, [check('deployed', 'fail', T1), check('deployed', 'fail', T2)], 'helm').regressed,
    ).toBe(false);
  });

  it('keeps a not-configured result as the reason a link is not checked, without counting it', () => {
    const notConfigured = { ...check('deployed', 'not-configured', T2), message: 'set KUBE_NAMESPACE' };
    expect(buildEvidenceChain(closed, [notConfigured], 'helm').links[2]).toMatchObject({
      status: 'not-checked',
      message: 'set KUBE_NAMESPACE',
    });
    expect(buildEvidenceChain(closed, [check('deployed', 'pass', T1), notConfigured], 'helm').links[2].status).toBe(
      'passed',
    );
  });

  it('takes a merged pull request linked to the issue as merged when no repository check exists', () => {
    const withPull = {
      ...closed,
      linkedPullRequests: [
        { number: 31, url: 'https://github.com/bcgov/traction/pull/31', merged: true },
        { number: 32, url: 'u', merged: false },
      ],
    };
    expect(buildEvidenceChain(withPull, []).links[1]).toMatchObject({
      status: 'passed',
      message: 'Linked pull request #31 merged (no repository file check for this cell).',
    });
    // The repository check, when there is one, decides.
    expect(buildEvidenceChain(withPull, [check('merged', 'fail', T1)]).links[1].status).toBe('failed');
  });

  it('shows an open issue as a failed first link', () => {
    expect(statuses([], { ...closed, state: 'open', closedAt: null })[0]).toBe('issue-closed:failed');
  });
});

describe('deriveCellState with the evidence chain', () => {
  const code = {
    part: 'code' as const,
    criteria: [{ text: 'Profiling data visible', proof: { kind: 'profiles' as const } }],
  };
  const helm = { part: 'helm' as const, criteria: [{ text: 'Env var present', proof: { kind: 'deployed' as const } }] };

  it('merged alone never verifies a code cell whose criterion is its data: closed-unverified, "merged, not flowing"', () => {
    const state = deriveCellState(closed, [check('merged', 'pass', T1)], code);
    expect(state.state).toBe('closed-unverified');
    expect(state.reason).toBe(
      'Issue #12 is closed, but 0 of 1 criteria hold (“Profiling data visible”: Not checked yet).',
    );
    expect(state.chain.summary).toBe('merged, not flowing');
    expect(state.lastVerifiedAt).toBeNull();
  });

  it('a deployed check that passes without confirming the key is partial: shown as such, not as passed', () => {
    const checks = [check('merged', 'pass', T1), check('deployed', 'pass', T2, { partial: true })];
    expect(statuses(checks, closed, 'helm')).toContain('deployed:partial');
    expect(buildEvidenceChain(closed, checks, 'helm').summary).toBe('merged, deployed partly');
  });

  it('a closed Helm cell whose criterion is its running pods is verified once they run with the change', () => {
    const state = deriveCellState(closed, [check('merged', 'pass', T1), check('deployed', 'pass', T2)], helm);
    expect(state.state).toBe('verified');
    expect(state.lastVerifiedAt).toBe(T2);
    expect(state.chain.summary).toBe('deployed');
  });

  it('regresses when a criterion’s proof breaks after passing, and not when it never passed', () => {
    expect(deriveCellState(closed, [check('deployed', 'pass', T1), check('deployed', 'fail', T2)], helm).state).toBe(
      'regressed',
    );
    expect(deriveCellState(closed, [check('merged', 'pass', T1), check('pyroscope', 'fail', T2)], code).state).toBe(
      'closed-unverified',
    );
  });
});

describe('buildEvidenceChain, pinned decisions', () => {
  const T3 = '2026-11-13T00:00:00.000Z';
  const open: IssueFact = { ...closed, state: 'open', closedAt: null };

  it('says what each link is waiting for before any check ran', () => {
    expect(buildEvidenceChain(null, [], 'code').links.map((l) => l.message)).toEqual([
      'No GitHub issue synced for this cell yet.',
      'Not checked yet: the plan names no file for this cell, or no check has run.',
      'Not checked: code is proven running by its data.',
      'No live data checked yet.',
    ]);
    expect(buildEvidenceChain(null, [], 'helm').links[2].message).toBe('Not checked yet.');
  });

  it('shows the issue link with the issue as evidence, timed by its close (or its opening while open)', () => {
    expect(buildEvidenceChain(closed, []).links[0]).toMatchObject({
      status: 'passed',
      message: 'Issue #12 closed.',
      checkedAt: closed.closedAt,
      checks: [],
      evidence: { repo: 'bcgov/traction', number: 12, htmlUrl: closed.htmlUrl, state: 'closed' },
    });
    expect(buildEvidenceChain(open, []).links[0]).toMatchObject({
      status: 'failed',
      message: 'Issue #12 is open.',
      checkedAt: open.openedAt,
    });
  });

  it('a closed issue alone is "closed, not merged": the first link counts as proven', () => {
    const chain = buildEvidenceChain(closed, []);
    expect(chain.furthest).toBe('issue-closed');
    expect(chain.summary).toBe('closed, not merged');
  });

  it('decides by the newest result of each check, in any input order, and names the checks behind a link', () => {
    const link = buildEvidenceChain(closed, [
      check('tempo', 'pass', T3),
      check('loki', 'pass', T2),
      check('tempo', 'fail', T1),
    ]).links[3];
    expect(link).toMatchObject({
      status: 'passed',
      checks: ['loki', 'tempo'],
      checkedAt: T3,
      message: 'loki: loki pass; tempo: tempo pass',
    });
    // Several checks: each one's newest result is the evidence, oldest first.
    expect(link.evidence).toEqual([
      { check: 'loki', status: 'pass', message: 'loki pass', evidence: expect.objectContaining({ n: 'loki' }) },
      { check: 'tempo', status: 'pass', message: 'tempo pass', evidence: expect.objectContaining({ n: 'tempo' }) },
    ]);
  });

  it('one check: its own message and evidence, unprefixed; "passed" when the check said nothing', () => {
    const one = buildEvidenceChain(closed, [check('loki', 'pass', T1)]).links[3];
    expect(one.message).toBe('loki pass');
    expect(one.evidence).toEqual(expect.objectContaining({ n: 'loki' }));
    const quiet = { ...check('loki', 'pass', T1), message: null };
    expect(buildEvidenceChain(closed, [quiet]).links[3].message).toBe('passed');
    const quietFail = { ...check('loki', 'fail', T1), message: null };
    expect(buildEvidenceChain(closed, [quietFail]).links[3].message).toBe('fail');
  });

  it('is not a regression when the pass and the failure carry the same time', () => {
    const link = buildEvidenceChain(closed, [check('loki', 'pass', T1), check('loki', 'fail', T1)]).links[3];
    expect(link.regressed).toBe(false);
  });

  it('times a link that is not checked by its newest not-configured result', () => {
    const hint = { ...check('deployed', 'not-configured', T2), message: 'set KUBE_NAMESPACE' };
    const older = { ...check('deployed', 'not-configured', T1), message: 'older hint' };
    expect(buildEvidenceChain(closed, [hint, older], 'helm').links[2]).toMatchObject({
      message: 'set KUBE_NAMESPACE',
      checkedAt: T2,
    });
  });

  it('takes several merged pull requests as the merged evidence, timed by the issue’s close', () => {
    const pulls = [
      { number: 31, url: 'u31', merged: true },
      { number: 33, url: 'u33', merged: true },
    ];
    const link = buildEvidenceChain({ ...closed, linkedPullRequests: pulls }, []).links[1];
    expect(link).toMatchObject({
      status: 'passed',
      message: 'Linked pull requests #31, #33 merged (no repository file check for this cell).',
      evidence: { pullRequests: pulls },
      checkedAt: closed.closedAt,
    });
  });

  it('a partly proven link only counts past the furthest proven one', () => {
    // Deployed partly, but data flows: the data is what the cell proves.
    const flowing = buildEvidenceChain(closed, [
      check('deployed', 'pass', T1, { partial: true }),
      check('loki', 'pass', T2),
    ]);
    expect(flowing.summary).toBe('data flowing');
    // Nothing proven at all (open issue) but deployed partly: said without a furthest link.
    expect(buildEvidenceChain(open, [check('deployed', 'pass', T1, { partial: true })], 'helm').summary).toBe(
      'deployed partly',
    );
  });
});
