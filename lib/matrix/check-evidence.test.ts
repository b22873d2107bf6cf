import { describe, expect, it } from 'vitest';
import { deployedReport } from '@/test/deployed-evidence';
import { checkFactOf } from './check-fact';
import { provenPartly, readEvidenceOf } from './check-evidence';

const row = (check: string, evidence: string) => ({
  cellKey: 'acapy-agent/profiling-helm',
  check,
  target: 't',
  status: 'pass',
  message: null,
  durationMs: 3,
  checkedAt: new Date('2026-11-25T10:00:00.000Z'),
  evidence,
});

const deployed = {
  ...deployedReport([true], ['2026-11-20T08:00:00.000Z']),
  partial: true,
  unconfirmed: ['acapy: OTEL_EXPORTER_OTLP_ENDPOINT'],
};

describe('stored evidence, read by check', () => {
  it('reads a deployed report as its type, keeping fields it has no schema for', () => {
    const read = readEvidenceOf('deployed', JSON.stringify({ ...deployed, addedLater: 1 }));
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.evidence.workloads?.[0].pods[0].startedAt).toBe('2026-11-20T08:00:00.000Z');
    expect(read.evidence).toMatchObject({ addedLater: 1 });
  });

  it('reads the empty evidence of a result that got nothing (not configured, an early error)', () => {
    expect(readEvidenceOf('pyroscope', '{}')).toEqual({ ok: true, evidence: {} });
    expect(readEvidenceOf('deployed', JSON.stringify({ namespace: 'ns', resource: 'pods' })).ok).toBe(true);
  });

  it('says what is wrong with evidence that is not JSON or has the wrong shape, instead of throwing', () => {
    expect(readEvidenceOf('merged', '{not json')).toEqual({
      ok: false,
      problem: 'the stored merged evidence is not JSON',
    });
    const wrong = readEvidenceOf('merged', JSON.stringify({ files: ['server/package.json'] }));
    expect(wrong.ok).toBe(false);
    if (!wrong.ok) expect(wrong.problem).toMatch(/^the stored merged evidence has an unexpected shape \(files\.0: /);
  });

  it('a fact keeps its result when its evidence does not read, with the reason in place of the evidence', () => {
    const fact = checkFactOf(row('tempo', '[1, 2]'));
    expect(fact).toMatchObject({ check: 'tempo', status: 'pass', checkedAt: '2026-11-25T10:00:00.000Z' });
    expect(fact.evidence).toBeUndefined();
    expect(fact.evidenceProblem).toMatch(/tempo evidence has an unexpected shape/);
    const unknown = checkFactOf(row('retired-check', '{"a":1}'));
    expect(unknown).toMatchObject({
      check: 'retired-check',
      evidenceProblem: 'no evidence schema for "retired-check"',
    });
    expect(unknown.evidence).toBeUndefined();
  });

  it('a stored status this board does not know reads as an error that says so, with its evidence', () => {
    const fact = checkFactOf({ ...row('pyroscope', '{"services":[]}'), status: 'skipped' });
    expect(fact).toMatchObject({
      status: 'error',
      message: 'The stored status "skipped" is not one this board knows.',
      evidence: { services: [] },
    });
  });

  it('a deployed pass is partial only when its evidence says so, and no other check is', () => {
    expect(provenPartly(checkFactOf(row('deployed', JSON.stringify(deployed))))).toBe(true);
    expect(provenPartly(checkFactOf(row('deployed', JSON.stringify({ ...deployed, partial: false }))))).toBe(false);
    expect(provenPartly(checkFactOf(row('merged', JSON.stringify({ partial: true }))))).toBe(false);
  });
});
