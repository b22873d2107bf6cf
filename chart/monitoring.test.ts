import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parser } from '@prometheus-io/lezer-promql';
import { Ajv } from 'ajv';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseConfig } from '@/lib/config/env';
import { processFaroStats } from '@/lib/faro/stats';
import { processMetrics } from '@/lib/metrics/process';
import { scrapeMetrics } from '@/lib/metrics/scrape';
import { runChecks } from '@/lib/verify/run';
import { startSimulators, type SimulatorSet } from '@/simulators';
import { openTestStore, type TestStore } from '@/test/stores';

const CHART = import.meta.dirname;
const read = (file: string) => readFileSync(path.join(CHART, file), 'utf8');
const dashboard = JSON.parse(read('dashboards/rollout-board.json'));
const promRules = parse(read('alerts/prometheus-rules.yaml'));
const grafanaRules = parse(read('alerts/grafana-alert-rules.yaml'));
const ajv = new Ajv({ allErrors: true, strict: false });

const expr = { type: 'string', minLength: 1 };
const duration = { type: 'string', pattern: '^([0-9]+(ms|s|m|h|d))+$' };
/** The parts of Grafana's dashboard model (schemaVersion 39) that provisioning and the sidecar rely on. */
const dashboardSchema = {
  type: 'object',
  required: ['uid', 'title', 'schemaVersion', 'panels', 'templating', 'time'],
  properties: {
    uid: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,40}$' },
    title: { type: 'string', minLength: 1 },
    schemaVersion: { type: 'integer', minimum: 36 },
    panels: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['id', 'type', 'title', 'gridPos'],
        properties: {
          id: { type: 'integer' },
          type: { enum: ['row', 'stat', 'timeseries', 'table', 'gauge', 'bargauge', 'text'] },
          gridPos: {
            type: 'object',
            required: ['x', 'y', 'w', 'h'],
            properties: { x: { maximum: 23 }, w: { minimum: 1, maximum: 24 } },
          },
          datasource: {
            type: 'object',
            required: ['type', 'uid'],
            // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's own template variable
            properties: { type: { const: 'prometheus' }, uid: { const: '${datasource}' } },
          },
          targets: {
            type: 'array',
            items: {
              type: 'object',
              required: ['refId', 'expr', 'datasource'],
              // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's own template variable
              properties: { expr, datasource: { properties: { uid: { const: '${datasource}' } } } },
            },
          },
        },
      },
    },
    templating: {
      type: 'object',
      required: ['list'],
      properties: { list: { type: 'array', contains: { properties: { name: { const: 'datasource' } } } } },
    },
  },
};
/** monitoring.coreos.com/v1 PrometheusRule spec (and a plain Prometheus rule file): groups of alerting rules. */
const promRulesSchema = {
  type: 'object',
  required: ['groups'],
  additionalProperties: false,
  properties: {
    groups: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['name', 'rules'],
        additionalProperties: false,
        properties: {
          name: { type: 'string' },
          interval: duration,
          rules: {
            type: 'array',
            items: {
              type: 'object',
              required: ['alert', 'expr', 'annotations'],
              additionalProperties: false,
              properties: {
                alert: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
                expr,
                for: duration,
                labels: { type: 'object', additionalProperties: { type: 'string' } },
                annotations: {
                  type: 'object',
                  required: ['summary', 'runbook_url'],
                  additionalProperties: { type: 'string' },
                },
              },
            },
          },
        },
      },
    },
  },
};
/** Grafana's file provisioning of alert rules (apiVersion 1). */
const grafanaRulesSchema = {
  type: 'object',
  required: ['apiVersion', 'groups'],
  properties: {
    apiVersion: { const: 1 },
    groups: {
      type: 'array',
      items: {
        type: 'object',
        required: ['orgId', 'name', 'folder', 'interval', 'rules'],
        properties: {
          interval: duration,
          rules: {
            type: 'array',
            items: {
              type: 'object',
              required: ['uid', 'title', 'condition', 'data', 'for', 'annotations'],
              properties: {
                uid: { type: 'string', pattern: '^[a-zA-Z0-9_-]{1,40}$' },
                for: duration,
                noDataState: { enum: ['Alerting', 'NoData', 'OK'] },
                execErrState: { enum: ['Alerting', 'Error', 'OK'] },
                data: {
                  type: 'array',
                  minItems: 2,
                  items: {
                    type: 'object',
                    required: ['refId', 'datasourceUid', 'model'],
                    properties: { model: { type: 'object', required: ['refId'] } },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
};

const errorsOf = (schema: object, value: unknown) => {
  const validate = ajv.compile(schema);
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
};

const dashboardQueries: string[] = dashboard.panels.flatMap((p: { targets?: Array<{ expr: string }> }) =>
  (p.targets ?? []).map((t) => t.expr),
);
const promRuleList: Array<{ alert: string; expr: string; for?: string; annotations: Record<string, string> }> =
  promRules.groups.flatMap((g: { rules: unknown[] }) => g.rules);
const grafanaRuleList: Array<{
  title: string;
  for: string;
  data: Array<{ model: { expr?: string } }>;
  annotations: Record<string, string>;
}> = grafanaRules.groups.flatMap((g: { rules: unknown[] }) => g.rules);
const allQueries = [
  ...dashboardQueries,
  ...promRuleList.map((r) => r.expr),
  ...grafanaRuleList.flatMap((r) => r.data.flatMap((d) => (d.model.expr ? [d.model.expr] : []))),
];

/** The metric names a PromQL expression selects (Grafana's $__rate_interval and $job read as ordinary values). */
function metricNames(query: string): string[] {
  const text = query.replaceAll('$__rate_interval', '5m').replaceAll('$job', '.*');
  const tree = parser.parse(text);
  const names: string[] = [];
  let error: string | null = null;
  tree.iterate({
    enter(node) {
      if (node.type.isError) error = `PromQL syntax error at ${node.from} in: ${query}`;
      if (node.name === 'VectorSelector') {
        const id = node.node.getChild('Identifier');
        if (id) names.push(text.slice(id.from, id.to));
      }
    },
  });
  if (error) throw new Error(error);
  return names;
}

describe('the Grafana dashboard and alert rules', () => {
  it('match their schemas: dashboard model, PrometheusRule spec, Grafana alert provisioning', () => {
    expect(errorsOf(dashboardSchema, dashboard)).toEqual([]);
    expect(errorsOf(promRulesSchema, promRules)).toEqual([]);
    expect(errorsOf(grafanaRulesSchema, grafanaRules)).toEqual([]);
    // The schemas do reject what Grafana and the operator would: a fixed data source, a rule without a runbook.
    const fixed = structuredClone(dashboard);
    fixed.panels[1].datasource.uid = 'prometheus';
    expect(errorsOf(dashboardSchema, fixed)).not.toEqual([]);
    const noRunbook = structuredClone(promRules);
    delete noRunbook.groups[0].rules[0].annotations.runbook_url;
    expect(errorsOf(promRulesSchema, noRunbook)).not.toEqual([]);
  });

  it('has a panel for each view the issue asks for, and unique panel ids', () => {
    const titles = dashboard.panels.map((p: { title: string }) => p.title.toLowerCase());
    for (const words of ['burn-up', 'matrix', 'regressions', 'probe latency', 'probe errors', 'sync', 'process'])
      expect(
        titles.some((t: string) => t.includes(words)),
        words,
      ).toBe(true);
    const ids = dashboard.panels.map((p: { id: number }) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('covers each alert the issue lists, with a runbook on the board, the same in Prometheus and Grafana form', () => {
    expect(promRuleList.map((r) => r.alert)).toEqual([
      'RolloutCellRegressed',
      'RolloutGateFailing',
      'RolloutSyncFailing',
      'RolloutUpstreamErroring',
      'RolloutForecastLate',
    ]);
    expect(promRuleList.find((r) => r.alert === 'RolloutCellRegressed')!.annotations.runbook_url).toBe(
      '__BOARD_URL__/services/{{ $labels.service }}#{{ $labels.capability }}',
    );
    for (const rule of promRuleList) expect(rule.annotations.runbook_url).toMatch(/^__BOARD_URL__\//);
    expect(promRuleList.find((r) => r.alert === 'RolloutSyncFailing')!.expr).toContain('1800');
    expect(promRuleList.find((r) => r.alert === 'RolloutUpstreamErroring')!.expr).toContain('[15m]');
    expect(
      grafanaRuleList.map((r) => ({ title: r.title, expr: r.data[0].model.expr, for: r.for, a: r.annotations })),
    ).toEqual(promRuleList.map((r) => ({ title: r.alert, expr: r.expr, for: r.for ?? '0s', a: r.annotations })));
  });

  it('ships each part behind its own value, off by default, with the sidecar labels', () => {
    const values = parse(read('values.yaml'));
    for (const [file, part] of [
      ['grafana-dashboard.yaml', 'dashboard'],
      ['prometheusrule.yaml', 'prometheusRule'],
      ['grafana-alerts.yaml', 'grafanaAlerts'],
      ['servicemonitor.yaml', 'serviceMonitor'],
    ]) {
      expect(read(`templates/${file}`).startsWith(`{{- if .Values.monitoring.${part}.enabled }}`), file).toBe(true);
      expect(values.monitoring[part].enabled).toBe(false);
    }
    expect(values.monitoring.dashboard).toMatchObject({ sidecarLabel: 'grafana_dashboard', sidecarLabelValue: '1' });
    expect(values.monitoring.grafanaAlerts).toMatchObject({ sidecarLabel: 'grafana_alert' });
    expect(read('templates/grafana-dashboard.yaml')).toContain('.Files.Get "dashboards/rollout-board.json"');
    expect(read('templates/prometheusrule.yaml')).toContain('.Files.Get "alerts/prometheus-rules.yaml"');
    expect(read('templates/grafana-alerts.yaml')).toContain('.Files.Get "alerts/grafana-alert-rules.yaml"');
  });

  it('parses every query as PromQL (a broken one is caught)', () => {
    for (const query of allQueries) expect(() => metricNames(query), query).not.toThrow();
    expect(() => metricNames('sum(rate(rollout_probe_duration_seconds_count[5m])')).toThrow(/syntax/);
  });

  describe('against a real scrape', () => {
    let sims: SimulatorSet;
    let store: TestStore;
    beforeAll(async () => {
      sims = await startSimulators();
      store = await openTestStore('sqlite');
      // Closed three days ago and verified today: the burn-up has a rate, so the forecast (and days late) exists.
      const daysAgo = new Date(Date.now() - 3 * 86_400_000);
      await store.db.issue.create({
        data: {
          id: 'bcgov/rollout#1',
          planId: store.plan.id,
          repo: 'bcgov/rollout',
          number: 1,
          title: 'acapy-agent profiling',
          state: 'closed',
          labels: '[]',
          assignees: '[]',
          htmlUrl: 'https://github.com/bcgov/rollout/issues/1',
          linkedPullRequests: '[]',
          cellKey: 'acapy-agent/profiling-code',
          mapping: 'mapped',
          openedAt: daysAgo,
          updatedAt: daysAgo,
          closedAt: daysAgo,
          syncedAt: daysAgo,
        },
      });
      await runChecks(
        store,
        undefined,
        'manual',
        parseConfig({ ...sims.env, PROBE_TIMEOUT: '5s', GATE_DEADLINE: '5s' }),
      );
      const now = Date.now();
      await store.db.syncRun.create({ data: { trigger: 'schedule', status: 'failed', startedAt: new Date(now) } });
      await store.db.repoSyncState.create({
        data: { repo: 'bcgov/rollout', lastSyncedAt: new Date(), rateLimitRemaining: 4000, rateLimitLimit: 5000 },
      });
      await store.db.syncRun.create({
        data: { trigger: 'schedule', status: 'succeeded', startedAt: new Date(now - 60_000) },
      });
      // Process figures a live board has after a sync and some browser traffic.
      processMetrics().syncRuns.inc({ outcome: 'succeeded' });
      processMetrics().syncDuration.observe({ outcome: 'succeeded' }, 1.2);
      processFaroStats().recordAnswer(202);
    }, 60_000);
    afterAll(async () => {
      await store.destroy();
      await sims.stop();
    });

    it('every metric the dashboard and the rules query exists in /metrics', async () => {
      const { body } = await scrapeMetrics(store, { targetDate: '2020-01-01', reuseMs: 0 });
      const exported = new Set<string>();
      for (const family of parsePrometheusTextFormat(body) as Array<{ name: string; type: string }>) {
        exported.add(family.name);
        if (family.type === 'HISTOGRAM')
          for (const suffix of ['_bucket', '_count', '_sum']) exported.add(family.name + suffix);
      }
      const queried = new Set(allQueries.flatMap(metricNames));
      expect(queried.size).toBeGreaterThan(10);
      expect([...queried].filter((name) => !exported.has(name))).toEqual([]);
    });
  });
});
