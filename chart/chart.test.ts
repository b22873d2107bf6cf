import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { envSchema } from '../lib/config/env';

// No helm binary here: the chart is checked by validating values against its schema (as `helm
// install` does) and by reading the templates for what they set and under which condition.
const CHART = import.meta.dirname;
type Values = Record<string, unknown>;

const read = (file: string) => readFileSync(path.join(CHART, file), 'utf8');
const defaults = parse(read('values.yaml')) as Values;
const validate = new Ajv({ allErrors: true, strict: true, strictTypes: false }).compile(
  JSON.parse(read('values.schema.json')),
);
const examples = readdirSync(path.join(CHART, 'examples')).filter((f) => f.endsWith('.yaml'));
const templates = Object.fromEntries(
  readdirSync(path.join(CHART, 'templates'))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => [f, read(`templates/${f}`)]),
);

/** Helm's coalescing of user values over the chart's defaults (maps merge, everything else replaces). */
function merge(base: Values, over: Values): Values {
  const out: Values = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] =
      value &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      current &&
      typeof current === 'object' &&
      !Array.isArray(current)
        ? merge(current as Values, value as Values)
        : value;
  }
  return out;
}

const withValues = (over: Values) => merge(defaults, over);
const errorsOf = (values: Values) =>
  validate(values) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);

function lookup(values: Values, dotted: string): unknown {
  return dotted
    .split('.')
    .reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Values)[key] : undefined), values);
}

/** Evaluates the template conditions the chart uses: .Values.x, not, and, or, eq with a literal, parentheses. */
function evaluate(expression: string, values: Values): unknown {
  const tokens = expression.match(/\(|\)|"[^"]*"|[^\s()]+/g) ?? [];
  let at = 0;
  const term = (): unknown => {
    const token = tokens[at++];
    if (token === '(') {
      const value = call();
      at++; // ")"
      return value;
    }
    if (token.startsWith('"')) return token.slice(1, -1);
    if (token.startsWith('.Values.')) return lookup(values, token.slice('.Values.'.length));
    throw new Error(`condition not understood by this test: ${expression}`);
  };
  const call = (): unknown => {
    const head = tokens[at];
    if (!['not', 'and', 'or', 'eq'].includes(String(head))) return term();
    at++;
    if (head === 'not') return !term();
    const [left, right] = [term(), term()];
    if (head === 'and') return Boolean(left) && Boolean(right);
    if (head === 'or') return Boolean(left) || Boolean(right);
    return left === right;
  };
  return call();
}

/** The environment keys a ConfigMap/Secret template sets for these values, with their values. */
function renderedKeys(template: string, values: Values): Map<string, string> {
  const keys = new Map<string, string>();
  const stack: Array<{ active: boolean; dot?: unknown }> = [];
  for (const line of template.split('\n')) {
    const open = /\{\{-?\s*(if|with)\s+(.*?)\s*-?\}\}/.exec(line);
    if (open) {
      const value = evaluate(open[2], values);
      stack.push({ active: Boolean(value), dot: open[1] === 'with' ? value : undefined });
      continue;
    }
    if (/\{\{-?\s*end\s*-?\}\}/.test(line)) {
      stack.pop();
      continue;
    }
    const entry = /^\s{2}([A-Z][A-Z0-9_]+):\s*(.*)$/.exec(line);
    if (!entry || !stack.every((b) => b.active)) continue;
    const fromValues = /\.Values\.([\w.]+)/.exec(entry[2]);
    const dot = [...stack].reverse().find((b) => b.dot !== undefined)?.dot;
    const value = fromValues
      ? lookup(values, fromValues[1])
      : /\{\{\s*\.\s*\|/.test(entry[2])
        ? dot
        : entry[2].replace(/^"|"$/g, '');
    keys.set(entry[1], String(value));
  }
  return keys;
}

const envOf = (values: Values) =>
  new Map([...renderedKeys(templates['configmap.yaml'], values), ...renderedKeys(templates['secret.yaml'], values)]);

describe('the Helm chart', () => {
  it('validates its default values against values.schema.json', () => {
    expect(errorsOf(defaults)).toEqual([]);
  });

  it.each(examples)('validates examples/%s merged over the defaults', (file) => {
    expect(errorsOf(withValues(parse(read(`examples/${file}`)) as Values))).toEqual([]);
  });

  it('rejects values a deployment would trip over, naming the field', () => {
    expect(errorsOf(withValues({ faro: { enabled: 'yes' } })).join()).toContain('/faro/enabled must be boolean');
    expect(errorsOf(withValues({ faro: { proxy: { upstreamUrl: 'alloy:12347' } } })).join()).toContain(
      '/faro/proxy/upstreamUrl',
    );
    expect(errorsOf(withValues({ faro: { collectorUrl: 'faro' } })).join()).toContain('/faro/collectorUrl');
    expect(errorsOf(withValues({ faro: { colectorUrl: '/faro' } })).join()).toContain(
      'must NOT have additional properties',
    );
    expect(errorsOf(withValues({ replicaCount: 2 })).join()).toContain('/replicaCount must be <= 1');
    expect(errorsOf(withValues({ database: { type: 'postgresql' } }))).not.toEqual([]);
    expect(
      errorsOf(withValues({ database: { type: 'postgresql', postgresql: { url: 'mysql://x' } } })).join(),
    ).toContain('/database/postgresql/url');
    expect(errorsOf(withValues({ app: { syncInterval: 'ten minutes' } })).join()).toContain('/app/syncInterval');
  });

  it('changes nothing by default: Faro off, no FARO_* setting but FARO_ENABLED=false, no API key', () => {
    expect(lookup(defaults, 'faro.enabled')).toBe(false);
    const faroEnv = [...envOf(defaults)].filter(([key]) => key.startsWith('FARO_'));
    expect(faroEnv).toEqual([['FARO_ENABLED', 'false']]);
    expect(envOf(withValues({ faro: { apiKey: 'k' } })).has('FARO_API_KEY')).toBe(false);
  });

  it('sets every faro.* value when enabled, the API key only in the Secret', () => {
    const values = withValues({ faro: { enabled: true, apiKey: 'secret-key' } });
    const config = renderedKeys(templates['configmap.yaml'], values);
    expect(Object.fromEntries([...config].filter(([k]) => k.startsWith('FARO_')))).toEqual({
      FARO_ENABLED: 'true',
      FARO_PROXY_ENABLED: 'true',
      FARO_UPSTREAM_URL: 'http://alloy:12347/collect',
      FARO_COLLECTOR_URL: '/faro',
      FARO_APP_NAME: 'rollout-board',
      FARO_TRUSTED_PROXIES: '0',
    });
    expect(config.has('FARO_API_KEY')).toBe(false);
    expect(renderedKeys(templates['secret.yaml'], values).get('FARO_API_KEY')).toBe('secret-key');
  });

  it('turns on sync, verification and evidence from their values, every credential only in the Secret', () => {
    expect(
      [...envOf(defaults).keys()].filter((k) => /^(GITHUB|PYROSCOPE_URL|LOKI|TEMPO|KUBE|FARO_RECEIVER)/.test(k)),
    ).toEqual([]);
    const values = withValues({
      github: { repos: 'bcgov/traction, openwallet-foundation/acapy', token: 'ghp_x', webhookSecret: 'hook' },
      upstreams: {
        pyroscope: { url: 'http://pyroscope:4040', tenant: 'dev' },
        loki: { url: 'http://loki:3100', username: 'u', password: 'lokipass' },
        tempo: { url: 'http://tempo:3200' },
        faroReceiver: { url: 'http://alloy:12347', apiKey: 'rk' },
      },
      evidence: { kubeNamespace: 'ca7f8f-dev' },
      app: { targetDate: '2026-12-31' },
    });
    expect(errorsOf(values)).toEqual([]);
    const config = renderedKeys(templates['configmap.yaml'], values);
    expect(
      Object.fromEntries(
        [...config].filter(([k]) =>
          /^(GITHUB|PYROSCOPE_URL|PYROSCOPE_TENANT|LOKI|TEMPO|KUBE|FARO_RECEIVER|TARGET)/.test(k),
        ),
      ),
    ).toEqual({
      GITHUB_REPOS: 'bcgov/traction, openwallet-foundation/acapy',
      PYROSCOPE_URL: 'http://pyroscope:4040',
      PYROSCOPE_TENANT: 'dev',
      LOKI_URL: 'http://loki:3100',
      TEMPO_URL: 'http://tempo:3200',
      FARO_RECEIVER_URL: 'http://alloy:12347',
      KUBE_NAMESPACE: 'ca7f8f-dev',
      TARGET_DATE: '2026-12-31',
    });
    const secret = renderedKeys(templates['secret.yaml'], values);
    expect(Object.fromEntries(secret)).toMatchObject({
      GITHUB_TOKEN: 'ghp_x',
      GITHUB_WEBHOOK_SECRET: 'hook',
      LOKI_USERNAME: 'u',
      LOKI_PASSWORD: 'lokipass',
      FARO_RECEIVER_API_KEY: 'rk',
    });
    for (const value of ['ghp_x', 'hook', 'lokipass', 'rk']) expect([...config.values()]).not.toContain(value);
    expect(errorsOf(withValues({ github: { repos: 'traction' } })).join()).toContain('/github/repos');
  });

  it('keeps SQLite on a volume by default and takes PostgreSQL from a Secret when chosen', () => {
    expect(envOf(defaults).get('DATABASE_URL')).toBe('file:/data/rollout-board.db');
    expect(templates['pvc.yaml']).toMatch(/^\{\{- if eq \.Values\.database\.type "sqlite" \}\}/);
    const postgres = withValues(parse(read('examples/postgres.yaml')) as Values);
    expect(envOf(postgres).has('DATABASE_URL')).toBe(false); // from existingSecret, via the Deployment
    expect(templates['deployment.yaml']).toContain('secretKeyRef:');
    expect(
      envOf(withValues({ database: { type: 'postgresql', postgresql: { url: 'postgresql://u:p@db/x' } } })).get(
        'DATABASE_URL',
      ),
    ).toBe('postgresql://u:p@db/x');
  });

  it('profiles the board only when pyroscope.serverAddress is set', () => {
    expect(envOf(defaults).has('PYROSCOPE_SERVER_ADDRESS')).toBe(false);
    expect(
      envOf(withValues({ pyroscope: { serverAddress: 'http://pyroscope:4040' } })).get('PYROSCOPE_SERVER_ADDRESS'),
    ).toBe('http://pyroscope:4040');
  });

  it('sets only variables the board reads (lib/config/env.ts) or its launcher reads (scripts/serve.ts)', () => {
    const launcher = ['PORT', 'BIND_HOST', 'DEMO', 'SKIP_BUILD', 'NEXT_TELEMETRY_DISABLED'];
    const upstream = { url: 'http://u:1', tenant: 't', username: 'u', password: 'p' };
    const everything = withValues({
      faro: { enabled: true, apiKey: 'k' },
      pyroscope: { serverAddress: 'http://p:4040', basicAuth: { user: 'u', password: 'p' } },
      app: { grafanaUrl: 'https://g', targetDate: '2026-12-31' },
      github: { repos: 'o/r', apiUrl: 'https://ghe/api/v3', issueLabel: 'phase-3', token: 't', webhookSecret: 'w' },
      upstreams: {
        pyroscope: upstream,
        loki: upstream,
        tempo: upstream,
        faroReceiver: { url: 'http://a:12347', apiKey: 'k' },
      },
      evidence: { kubeNamespace: 'ns' },
      auth: {
        publicUrl: 'https://b',
        oidc: { issuer: 'https://i', clientId: 'c', clientSecret: 's' },
        proxy: { trustedProxies: '10.0.0.0/8' },
        engineerGroups: 'e',
        adminGroups: 'a',
        sessionSecret: 'x'.repeat(32),
      },
    });
    for (const key of envOf(everything).keys()) {
      expect(launcher.includes(key) || key in envSchema.shape, `${key} is not a variable the board reads`).toBe(true);
    }
  });

  it('keeps sign-in off and reading closed by default, and maps every auth.* value, secrets only in the Secret', () => {
    const byDefault = envOf(defaults);
    expect(byDefault.get('AUTH_ANONYMOUS')).toBe('none');
    expect(
      [...byDefault.keys()].filter((k) =>
        /^AUTH_(OIDC_ISSUER|OIDC_CLIENT|TRUSTED|ENGINEER|ADMIN|SESSION_SECRET)/.test(k),
      ),
    ).toEqual([]);
    const values = withValues({
      auth: {
        publicUrl: 'https://rollout.example.org',
        oidc: { issuer: 'https://sso.example.org/realms/x', clientId: 'rollout-board', clientSecret: 'oidc-secret' },
        proxy: { trustedProxies: '10.42.0.0/16, fd00::/8' },
        engineerGroups: 'sre,platform',
        adminGroups: 'rollout-admins',
        anonymous: 'view',
        sessionSecret: 'a-session-secret-of-at-least-32-chars!',
      },
    });
    expect(errorsOf(values)).toEqual([]);
    const config = renderedKeys(templates['configmap.yaml'], values);
    expect(
      Object.fromEntries(
        [...config].filter(([k]) => k.startsWith('AUTH_') || k === 'PUBLIC_URL' || k.startsWith('RUN_')),
      ),
    ).toEqual({
      AUTH_ANONYMOUS: 'view',
      AUTH_SESSION_MAX_AGE: '8h',
      RUN_COOLDOWN: '30s',
      RUN_RATE_LIMIT_PER_MINUTE: '20',
      PUBLIC_URL: 'https://rollout.example.org',
      AUTH_ENGINEER_GROUPS: 'sre,platform',
      AUTH_ADMIN_GROUPS: 'rollout-admins',
      AUTH_OIDC_ISSUER: 'https://sso.example.org/realms/x',
      AUTH_OIDC_CLIENT_ID: 'rollout-board',
      AUTH_OIDC_SCOPES: 'openid profile email groups',
      AUTH_OIDC_GROUPS_CLAIM: 'groups',
      AUTH_TRUSTED_PROXIES: '10.42.0.0/16, fd00::/8',
      AUTH_PROXY_USER_HEADER: 'X-Forwarded-User',
      AUTH_PROXY_GROUPS_HEADER: 'X-Forwarded-Groups',
    });
    const secret = renderedKeys(templates['secret.yaml'], values);
    expect(secret.get('AUTH_OIDC_CLIENT_SECRET')).toBe('oidc-secret');
    expect(secret.get('AUTH_SESSION_SECRET')).toBe('a-session-secret-of-at-least-32-chars!');
    for (const value of ['oidc-secret', 'a-session-secret-of-at-least-32-chars!']) {
      expect([...config.values()]).not.toContain(value);
    }
    // What the board itself would refuse at start-up is refused at install.
    expect(errorsOf(withValues({ auth: { anonymous: 'yes' } })).join()).toContain('/auth/anonymous');
    expect(errorsOf(withValues({ auth: { sessionSecret: 'short' } })).join()).toContain('/auth/sessionSecret');
    expect(errorsOf(withValues({ auth: { proxy: { trustedProxies: 'proxy.local' } } })).join()).toContain(
      '/auth/proxy/trustedProxies',
    );
  });

  it('refers only to values that exist in values.yaml', () => {
    for (const [file, text] of Object.entries({ ...templates, '_helpers.tpl': read('templates/_helpers.tpl') })) {
      for (const [, dotted] of text.matchAll(/\.Values\.([\w.]+)/g)) {
        expect(lookup(defaults, dotted), `${file} uses .Values.${dotted}`).not.toBeUndefined();
      }
    }
  });

  it('probes /api/health for start-up, liveness and readiness', () => {
    const probes = [
      ...templates['deployment.yaml'].matchAll(
        /(startupProbe|livenessProbe|readinessProbe):\s*\n\s*httpGet:\s*\n\s*path: (\S+)/g,
      ),
    ];
    expect(probes.map((m) => [m[1], m[2]])).toEqual([
      ['startupProbe', '/api/health'],
      ['livenessProbe', '/api/health'],
      ['readinessProbe', '/api/health'],
    ]);
  });

  it('grants only get/list on deployments, statefulsets and pods, and only with rbac.create', () => {
    const rbac = templates['rbac.yaml'];
    expect(rbac.split('\n')[0]).toBe('{{- if .Values.rbac.create }}');
    expect(lookup(defaults, 'rbac.create')).toBe(false);
    const role = parse(
      rbac
        .replace(/\{\{.*?\}\}/g, 'x')
        .split('\n---\n')[0]
        .replace(/^x\n/, ''),
    ) as { rules: Array<{ resources: string[]; verbs: string[] }> };
    expect(role.rules.flatMap((r) => r.resources).sort()).toEqual(['deployments', 'pods', 'statefulsets']);
    expect(new Set(role.rules.flatMap((r) => r.verbs))).toEqual(new Set(['get', 'list']));
  });
});
