import { describe, expect, it } from 'vitest';
import { loadPlanFile } from '@/lib/plan/load';
import { PHASE_3_PLAN } from '@/test/stores';
import { assignCells, classifyIssue, matchesIssue } from './classify';
import { closingReferences } from './linked-prs';

const { plan } = loadPlanFile(PHASE_3_PLAN);
const at = (day: number) => new Date(Date.UTC(2026, 5, day));

describe('classifying issues by the plan’s labels', () => {
  it('maps every plan cell’s own labels (and the gate by its title) to that cell', () => {
    for (const cell of plan.cells.filter((c) => c.serviceSlug)) {
      expect(classifyIssue(plan, { labels: cell.labels, title: cell.title }), cell.key).toEqual({
        kind: 'cell',
        cellKey: cell.key,
      });
    }
    expect(classifyIssue(plan, { labels: ['phase-3'], title: 'Phase 3 Infrastructure Validation (dev only)' })).toEqual(
      { kind: 'cell', cellKey: 'gate/infrastructure' },
    );
    expect(classifyIssue(plan, { labels: ['phase-3', 'infrastructure'], title: 'Check the receivers' })).toEqual({
      kind: 'cell',
      cellKey: 'gate/infrastructure',
    });
  });

  it('treats labels case-insensitively and helm as the chart part', () => {
    expect(classifyIssue(plan, { labels: ['Phase-3', 'PROFILING', 'Traction'], title: 'x' })).toEqual({
      kind: 'cell',
      cellKey: 'traction/profiling-code',
    });
    expect(classifyIssue(plan, { labels: ['phase-3', 'faro', 'helm', 'bc-wallet'], title: 'x' })).toEqual({
      kind: 'cell',
      cellKey: 'bc-wallet-demo/faro-helm',
    });
  });

  it('places no issue that has lost the plan’s label (or carries another configured one)', () => {
    const labels = ['profiling', 'traction'];
    expect(classifyIssue(plan, { labels, title: 'x' })).toMatchObject({
      kind: 'unmapped',
      note: expect.stringContaining('No longer labelled phase-3'),
    });
    expect(classifyIssue(plan, { labels: [...labels, 'rollout'], title: 'x' }, 'rollout')).toEqual({
      kind: 'cell',
      cellKey: 'traction/profiling-code',
    });
  });

  it.each([
    [['phase-3', 'profiling'], 'No service label'],
    [['phase-3', 'profiling', 'acapy', 'traction'], 'Several service labels'],
    [['phase-3', 'acapy'], 'no capability labels'],
    [['phase-3', 'profiling', 'faro', 'acapy'], 'several capabilities'],
    [['phase-3', 'faro', 'acapy'], 'no Faro · code cell for acapy-agent'],
  ])('explains why %j matches no cell', (labels, note) => {
    const result = classifyIssue(plan, { labels, title: 'Something' });
    expect(result.kind).toBe('unmapped');
    expect(result.kind === 'unmapped' && result.note).toContain(note);
  });

  it('gives a cell to one issue only: the earliest opened wins, a not-planned one yields, the rest are conflicts', () => {
    const labels = ['phase-3', 'profiling', 'acapy'];
    const issue = (id: string, day: number, extra: Partial<{ state: string; stateReason: string | null }> = {}) => ({
      id,
      title: 't',
      labels,
      state: 'open',
      stateReason: null,
      openedAt: at(day),
      ...extra,
    });
    const decisions = assignCells(plan, [
      issue('o/r#9', 3),
      issue('o/r#2', 1, { state: 'closed', stateReason: 'not_planned' }),
      issue('o/r#5', 2),
    ]);
    expect(decisions.get('o/r#5')).toEqual({ cellKey: 'acapy-agent/profiling-code', mapping: 'mapped', note: null });
    expect(decisions.get('o/r#9')).toMatchObject({ cellKey: null, mapping: 'conflict' });
    expect(decisions.get('o/r#2')?.note).toContain('o/r#5 is that cell');
  });
});

describe('classification decisions people read (pinned)', () => {
  const serviceLabels = plan.services.map((s) => s.label);
  const capabilityLabels = [...new Set(plan.capabilities.flatMap((c) => c.match.allLabels))];

  it('a rule with no labels and no title matches nothing, not everything', () => {
    expect(matchesIssue({ allLabels: [], noneLabels: [] }, new Set(['phase-3', 'profiling']), 'anything')).toBe(false);
    // Not even a title that spells what a missing rule would print.
    expect(matchesIssue({ allLabels: [], noneLabels: [] }, new Set(['phase-3']), 'undefined behaviour')).toBe(false);
  });

  it('matches a title in any letter case', () => {
    const rule = { allLabels: [], noneLabels: [], titleContains: 'Infrastructure Validation' };
    expect(matchesIssue(rule, new Set(), 'PHASE 3 INFRASTRUCTURE VALIDATION')).toBe(true);
    expect(matchesIssue(rule, new Set(), 'phase 3 infrastructure validation (dev only)')).toBe(true);
  });

  it('the gate is the gate only without a service label', () => {
    const gateTitle = 'Phase 3 Infrastructure Validation (dev only)';
    expect(classifyIssue(plan, { labels: ['phase-3', 'acapy'], title: gateTitle })).toEqual({
      kind: 'unmapped',
      note: `Service acapy-agent, but no capability labels: expected ${capabilityLabels.join(' / ')}.`,
    });
  });

  it('says which labels were expected or clashed, in full', () => {
    expect(classifyIssue(plan, { labels: ['phase-3', 'profiling'], title: 'x' })).toEqual({
      kind: 'unmapped',
      note: `No service label: expected one of ${serviceLabels.join(', ')}.`,
    });
    // In the plan's order, whatever the issue's.
    for (const labels of [
      ['phase-3', 'profiling', 'acapy', 'traction'],
      ['traction', 'profiling', 'acapy', 'phase-3'],
    ])
      expect(classifyIssue(plan, { labels, title: 'x' })).toEqual({
        kind: 'unmapped',
        note: 'Several service labels (acapy, traction): the plan has one issue per service and capability.',
      });
    expect(classifyIssue(plan, { labels: ['phase-3', 'profiling', 'faro', 'traction'], title: 'x' })).toEqual({
      kind: 'unmapped',
      note: 'Matches several capabilities (Pyroscope · code, Faro · code): one issue per cell.',
    });
  });

  const issue = (id: string, day: number, extra: Partial<{ state: string; stateReason: string | null }> = {}) => ({
    id,
    title: 't',
    labels: ['phase-3', 'profiling', 'acapy'],
    state: 'open',
    stateReason: null,
    openedAt: at(day),
    ...extra,
  });

  it('only an issue closed as not planned or duplicate yields its cell: a completed or reopened one keeps it', () => {
    const completed = assignCells(plan, [
      issue('o/r#1', 1, { state: 'closed', stateReason: 'completed' }),
      issue('o/r#2', 2),
    ]);
    expect(completed.get('o/r#1')?.mapping).toBe('mapped');
    expect(completed.get('o/r#2')?.mapping).toBe('conflict');
    const reopened = assignCells(plan, [issue('o/r#1', 1, { stateReason: 'not_planned' }), issue('o/r#2', 2)]);
    expect(reopened.get('o/r#1')?.mapping).toBe('mapped');
    const duplicate = assignCells(plan, [
      issue('o/r#1', 1, { state: 'closed', stateReason: 'duplicate' }),
      issue('o/r#2', 2),
    ]);
    expect(duplicate.get('o/r#2')?.mapping).toBe('mapped');
  });

  it('decides every issue by its own labels and title, however many share a label set', () => {
    const gateTitle = 'Phase 3 Infrastructure Validation (dev only)';
    const decisions = assignCells(plan, [
      { ...issue('o/r#1', 1), labels: ['phase-3'], title: 'Something else' },
      { ...issue('o/r#2', 2), labels: ['phase-3'], title: gateTitle.toUpperCase() },
      { ...issue('o/r#3', 3), labels: ['phase-3', 'acapy'] },
      { ...issue('o/r#4', 4), labels: ['phase-3', 'profiling', 'acapy'] },
      { ...issue('o/r#5', 5), labels: ['phase-3'], title: 'Again something else' },
    ]);
    expect(decisions.get('o/r#1')).toMatchObject({ mapping: 'unmapped', note: expect.stringContaining('No service') });
    expect(decisions.get('o/r#2')).toEqual({ cellKey: 'gate/infrastructure', mapping: 'mapped', note: null });
    expect(decisions.get('o/r#3')).toMatchObject({ mapping: 'unmapped', note: expect.stringContaining('acapy-agent') });
    expect(decisions.get('o/r#4')).toEqual({ cellKey: 'acapy-agent/profiling-code', mapping: 'mapped', note: null });
    expect(decisions.get('o/r#5')).toMatchObject({ mapping: 'unmapped', note: expect.stringContaining('No service') });
  });

  it('an issue that matches no cell is listed as unmapped with its reason, never dropped', () => {
    const decisions = assignCells(plan, [{ ...issue('o/r#7', 1), labels: ['phase-3', 'acapy'] }]);
    expect(decisions.get('o/r#7')).toEqual({
      cellKey: null,
      mapping: 'unmapped',
      note: `Service acapy-agent, but no capability labels: expected ${capabilityLabels.join(' / ')}.`,
    });
  });
});

describe('closing references in pull request bodies', () => {
  it('reads GitHub’s keywords with a bare number, owner/repo#n or an issue URL', () => {
    expect(
      closingReferences('Closes #12 and fixes bcgov/Traction#3.\nResolves https://github.com/o/r/issues/7', 'o/r'),
    ).toEqual(['o/r#12', 'bcgov/traction#3', 'o/r#7']);
    expect(closingReferences('Related to #4, see #5', 'o/r')).toEqual([]);
  });
});
