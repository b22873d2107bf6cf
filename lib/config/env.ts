import path from 'node:path';
import { z } from 'zod';
import { formatDuration } from '../http/bounded';
import { parseCidr } from './cidr';
import { parseDurationMs } from './duration';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A duration within bounds: a typo like 1000h or 1ms stops start-up instead of overflowing a timer. */
const boundedDuration = (bounds: { min: number; max: number }) =>
  z.string().transform((text, ctx) => {
    const ms = parseDurationMs(text);
    if (ms === null || ms <= 0) {
      ctx.addIssue({ code: 'custom', message: `expected a duration like 30s, 10m or 1h, got "${text}"` });
      return z.NEVER;
    }
    if (ms < bounds.min || ms > bounds.max) {
      ctx.addIssue({
        code: 'custom',
        message: `expected a duration from ${formatDuration(bounds.min)} to ${formatDuration(bounds.max)}, got "${text}"`,
      });
      return z.NEVER;
    }
    return ms;
  });
const duration = (fallback: string, bounds: { min: number; max: number }) =>
  z.string().default(fallback).pipe(boundedDuration(bounds));
/** Unset means "derived from another setting" (resolved after parsing). */
const optionalDuration = (bounds: { min: number; max: number }) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? undefined : v))
    .pipe(boundedDuration(bounds).optional());

/** How often a job runs: from 10 s (an upstream is not a busy loop) to a day. */
const INTERVAL = { min: 10 * SECOND, max: DAY };
/** How long one request may take. */
const REQUEST_TIMEOUT = { min: 100, max: 10 * MINUTE };

const httpUrl = z.url({ protocol: /^https?$/, message: 'expected an absolute http(s) URL' });

const optionalUrl = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()))
  .pipe(httpUrl.optional());

/** "true"/"false" (also 1/0, yes/no), as Helm renders booleans into the environment. */
const flag = (fallback: boolean) =>
  z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined || text.trim() === '') return fallback;
      const value = text.trim().toLowerCase();
      if (['true', '1', 'yes'].includes(value)) return true;
      if (['false', '0', 'no'].includes(value)) return false;
      ctx.addIssue({ code: 'custom', message: `expected true or false, got "${text}"` });
      return z.NEVER;
    });

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
/** A byte cap: at least 1 KB, at most 1 GB. */
const byteCap = (fallback: number) =>
  z.coerce
    .number()
    .int()
    .min(1024)
    .max(1024 ** 3)
    .default(fallback);

const optionalSecret = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/** Where the browser SDK sends: the board's own path ("/faro") or an absolute URL of a collector. */
const collectorUrl = z
  .string()
  .default('/faro')
  .refine((v) => v.startsWith('/') || /^https?:\/\//.test(v), {
    message: 'expected a path like /faro or an absolute http(s) URL',
  });

const databaseUrl = z
  .string()
  .default('file:./data/rollout-board.db')
  .refine((v) => v.startsWith('file:') || /^postgres(ql)?:\/\//.test(v), {
    message: 'expected file:<path> (SQLite) or postgresql://… (PostgreSQL)',
  });

const repoList = z
  .string()
  .default('')
  .transform((text, ctx) => {
    const repos = text
      .split(',')
      .map((r) => r.trim())
      .filter(Boolean);
    for (const repo of repos) {
      if (!/^[\w.-]+\/[\w.-]+$/.test(repo)) {
        ctx.addIssue({ code: 'custom', message: `expected comma-separated owner/name repositories, got "${repo}"` });
        return z.NEVER;
      }
    }
    return [...new Set(repos)];
  });

/** "service=https://…,service=https://…": per-service URLs that override the plan's. */
const urlsBySlug = z
  .string()
  .default('')
  .transform((text, ctx) => {
    const map: Record<string, string> = {};
    for (const part of text
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)) {
      const eq = part.indexOf('=');
      const slug = part.slice(0, eq).trim();
      const url = part.slice(eq + 1).trim();
      if (eq <= 0 || !/^[a-z0-9][a-z0-9-]*$/.test(slug) || !/^https?:\/\/[^\s]+$/.test(url)) {
        ctx.addIssue({
          code: 'custom',
          message: `expected service=https://… pairs separated by commas, got "${part}"`,
        });
        return z.NEVER;
      }
      map[slug] = url;
    }
    return map;
  });

/** Comma-separated names (groups); blanks dropped. */
const nameList = z
  .string()
  .default('')
  .transform((text) => [
    ...new Set(
      text
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean),
    ),
  ]);

/** Comma-separated CIDRs (10.0.0.0/8, 127.0.0.1/32, fd00::/8); a bare address means just that address. */
const cidrList = nameList.transform((items, ctx) => {
  const cidrs = [];
  for (const item of items) {
    const cidr = parseCidr(item);
    if (!cidr) {
      ctx.addIssue({ code: 'custom', message: `expected comma-separated CIDRs like 10.0.0.0/8, got "${item}"` });
      return z.NEVER;
    }
    cidrs.push(cidr);
  }
  return cidrs;
});

/** Every variable the board reads. Parsed once; a bad value stops start-up naming the variable. */
export const envSchema = z.object({
  DATABASE_URL: databaseUrl,
  PLAN_FILE: z.string().default('lib/plan/phase-3.json'),
  APP_VERSION: z.string().default(process.env.npm_package_version ?? '0.0.0'),
  APP_ENVIRONMENT: z.string().default('development'),
  GRAFANA_URL: optionalUrl,
  /** The board's address as its users open it, for links in notifications (e.g. https://rollout.example.org). */
  BOARD_URL: optionalUrl,
  /** The date the PM wants Phase 3 done by; the forecast is measured against it. */
  TARGET_DATE: z
    .string()
    .optional()
    .transform((v) => (v?.trim() ? v.trim() : undefined))
    .pipe(z.iso.date({ message: 'expected a date like 2026-12-31' }).optional()),
  /** Set by `npm start` when it runs the local simulators instead of real upstreams (the demo). */
  DEMO_SIMULATORS: z
    .string()
    .optional()
    .transform((v) =>
      v
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : [],
    ),
  /** Set by `npm start` when it runs the demo's OpenID provider: login:role pairs the sign-in page names. */
  DEMO_USERS: z
    .string()
    .default('')
    .transform((text): { login: string; role: string }[] =>
      text
        .split(',')
        .map((pair) => pair.trim().split(':'))
        .filter((pair) => pair.length === 2 && pair[0] !== '' && pair[1] !== '')
        .map(([login, role]) => ({ login: login ?? '', role: role ?? '' })),
    ),
  // Data source UIDs (or names) in that Grafana, for the deep links.
  GRAFANA_PYROSCOPE_DATASOURCE: z.string().default('pyroscope'),
  GRAFANA_LOKI_DATASOURCE: z.string().default('loki'),
  GRAFANA_TEMPO_DATASOURCE: z.string().default('tempo'),
  SYNC_INTERVAL: duration('10m', INTERVAL),
  /** The longest one sync may run; past it the run ends failed and the next starts fresh. Default: 5m, within SYNC_INTERVAL. */
  SYNC_TIMEOUT: optionalDuration({ min: SECOND, max: DAY }),
  /** Repositories holding the plan's issues (owner/name, comma-separated); empty = sync off. */
  GITHUB_REPOS: repoList,
  /** GitHub's REST API, or GitHub Enterprise's (https://ghe.example.org/api/v3). */
  GITHUB_API_URL: z
    .string()
    .default('https://api.github.com')
    .transform((v) => (v.trim() === '' ? 'https://api.github.com' : v.trim().replace(/\/+$/, '')))
    .pipe(httpUrl),
  /** The longest wait for one GitHub request, its whole reply included. */
  GITHUB_TIMEOUT: duration('30s', REQUEST_TIMEOUT),
  /** The largest GitHub reply read (a page of issues, a file); reading stops there. */
  GITHUB_MAX_REPLY_BYTES: byteCap(10 * 1024 * 1024),
  /** Optional: public repositories sync without it, at GitHub's lower rate limit. */
  GITHUB_TOKEN: optionalSecret,
  /** Verifies X-Hub-Signature-256 on POST /api/github/webhook; unset = webhooks refused. */
  GITHUB_WEBHOOK_SECRET: optionalSecret,
  /** The label that marks the plan's issues; defaults to the plan file's issueLabel. */
  GITHUB_ISSUE_LABEL: optionalSecret,
  /** Longest wait for a rate-limit reset within one sync before giving up on the repo. */
  GITHUB_RATE_LIMIT_MAX_WAIT: duration('60s', { min: SECOND, max: HOUR }),
  VERIFY_INTERVAL: duration('5m', INTERVAL),
  /** The longest one verification (or evidence) run may take. Default: 5m, within VERIFY_INTERVAL. */
  VERIFY_TIMEOUT: optionalDuration({ min: SECOND, max: DAY }),
  // Grafana Faro (browser telemetry); each maps 1:1 to a Helm value of chart/ (faro.*).
  FARO_ENABLED: flag(false),
  FARO_PROXY_ENABLED: flag(true),
  FARO_UPSTREAM_URL: z
    .url({ protocol: /^https?$/, message: 'expected an absolute http(s) URL like http://alloy:12347/collect' })
    .default('http://alloy:12347/collect'),
  FARO_COLLECTOR_URL: collectorUrl,
  FARO_API_KEY: optionalSecret,
  FARO_APP_NAME: z.string().min(1).default('rollout-board'),
  FARO_MAX_BODY_BYTES: positiveInt(1024 * 1024),
  FARO_UPSTREAM_TIMEOUT: duration('5s', REQUEST_TIMEOUT),
  /** How many proxies in front of the board append to X-Forwarded-For; 0: the socket's peer is the client. */
  FARO_TRUSTED_PROXIES: z.coerce.number().int().min(0).max(10).default(0),
  FARO_RATE_LIMIT_PER_SECOND: positiveInt(20),
  FARO_RATE_LIMIT_BURST: positiveInt(100),
  // Continuous profiling of the board itself (@pyroscope/nodejs); off when no address is set.
  PYROSCOPE_SERVER_ADDRESS: optionalUrl,
  PYROSCOPE_BASIC_AUTH_USER: optionalSecret,
  PYROSCOPE_BASIC_AUTH_PASSWORD: optionalSecret,
  // The deployed check reads Deployments, StatefulSets and Pods in this namespace (read-only).
  KUBE_NAMESPACE: optionalSecret,
  // The API server; unset: the in-cluster service account, or the kubeconfig (KUBECONFIG, ~/.kube/config).
  KUBE_API_URL: optionalUrl,
  // Bearer token for KUBE_API_URL. A secret: server only.
  KUBE_TOKEN: optionalSecret,
  /** The longest wait for one Kubernetes API request, and the largest reply read. */
  KUBE_TIMEOUT: duration('10s', REQUEST_TIMEOUT),
  KUBE_MAX_REPLY_BYTES: byteCap(10 * 1024 * 1024),
  // Upstreams the probes ask. An unset URL makes its checks "not configured", never a failure.
  PYROSCOPE_URL: optionalUrl,
  PYROSCOPE_USERNAME: optionalSecret,
  PYROSCOPE_PASSWORD: optionalSecret,
  PYROSCOPE_TOKEN: optionalSecret,
  PYROSCOPE_TENANT: optionalSecret,
  LOKI_URL: optionalUrl,
  LOKI_USERNAME: optionalSecret,
  LOKI_PASSWORD: optionalSecret,
  LOKI_TOKEN: optionalSecret,
  LOKI_TENANT: optionalSecret,
  TEMPO_URL: optionalUrl,
  TEMPO_USERNAME: optionalSecret,
  TEMPO_PASSWORD: optionalSecret,
  TEMPO_TOKEN: optionalSecret,
  TEMPO_TENANT: optionalSecret,
  FARO_RECEIVER_URL: optionalUrl,
  FARO_RECEIVER_API_KEY: optionalSecret,
  /** Longest wait for any one upstream request. */
  PROBE_TIMEOUT: duration('10s', REQUEST_TIMEOUT),
  /** The largest upstream reply a probe reads; reading stops there and the check is an error. */
  PROBE_MAX_REPLY_BYTES: byteCap(10 * 1024 * 1024),
  /** How far back a probe looks for data. */
  VERIFY_WINDOW: duration('15m', { min: MINUTE, max: 7 * DAY }),
  /**
   * How many probes run at once per upstream. 8 lets verify-all of the Phase 3 plan take about as long as
   * its slowest cell (npm run bench verify); a run's identical reads are sent once, so an upstream sees fewer.
   */
  VERIFY_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
  /** How long the gate waits for its Faro marker to show up in Loki. */
  GATE_DEADLINE: duration('30s', { min: SECOND, max: HOUR }),
  // The board's own telemetry: JSON log lines at this level, and OpenTelemetry traces (off when no endpoint is set).
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl,
  OTEL_SERVICE_NAME: z.string().min(1).default('rollout-board'),
  /** Per-service public frontend URLs, overriding the plan's telemetry.frontend.url. */
  FRONTEND_URLS: urlsBySlug,
  /** Per-service /faro route URLs, overriding the plan's telemetry.frontend.faroRoute. */
  FARO_ROUTE_URLS: urlsBySlug,

  // Sign-in (lib/auth). OpenID Connect: all three of issuer, client id and client secret turn it on.
  AUTH_OIDC_ISSUER: optionalUrl,
  AUTH_OIDC_CLIENT_ID: optionalSecret,
  /** A secret: server only (the chart keeps it in the Secret). */
  AUTH_OIDC_CLIENT_SECRET: optionalSecret,
  AUTH_OIDC_SCOPES: z.string().default('openid profile email groups'),
  /** The ID token / userinfo claim that lists the user's groups (a list, or one comma-separated string). */
  AUTH_OIDC_GROUPS_CLAIM: z.string().min(1).default('groups'),
  // Behind an auth proxy (oauth2-proxy): user and groups from these headers, only from AUTH_TRUSTED_PROXIES.
  AUTH_PROXY_USER_HEADER: z.string().min(1).default('X-Forwarded-User'),
  AUTH_PROXY_GROUPS_HEADER: z.string().min(1).default('X-Forwarded-Groups'),
  /** Addresses of the auth proxy (CIDRs, comma-separated); empty = trusted-header mode off. */
  AUTH_TRUSTED_PROXIES: cidrList,
  AUTH_ENGINEER_GROUPS: nameList,
  AUTH_ADMIN_GROUPS: nameList,
  /** "view" lets anyone read without signing in; actions always need a role. */
  AUTH_ANONYMOUS: z.enum(['none', 'view']).default('none'),
  /** Key of the session cookie (32+ characters); unset = derived from AUTH_OIDC_CLIENT_SECRET. A secret. */
  AUTH_SESSION_SECRET: optionalSecret.pipe(
    z.string().min(32, { message: 'expected at least 32 characters (e.g. openssl rand -base64 32)' }).optional(),
  ),
  AUTH_SESSION_MAX_AGE: duration('8h', { min: MINUTE, max: 30 * DAY }),
  /** The board's external URL (https://rollout.example.org): the OIDC redirect URI and the same-origin check use it. */
  PUBLIC_URL: optionalUrl,
  /**
   * How long the matrix page, once rendered for a viewer, is served again to that viewer while the store
   * has not changed (lib/server/page-cache.ts); "off" renders every request.
   */
  PAGE_CACHE_TTL: z
    .string()
    .default('5s')
    .pipe(z.union([z.literal('off').transform(() => 0), boundedDuration({ min: 100, max: MINUTE })])),
  /** A new run of the same scope (sync, verify, evidence) within this time after the last one started gets 429. */
  RUN_COOLDOWN: duration('30s', { min: 1, max: DAY }),
  /** How many runs one user may start per minute, over all scopes. */
  RUN_RATE_LIMIT_PER_MINUTE: positiveInt(20),
});

type ParsedEnv = z.infer<typeof envSchema>;
export type ServerConfig = Omit<ParsedEnv, 'SYNC_TIMEOUT' | 'VERIFY_TIMEOUT'> & {
  SYNC_TIMEOUT: number;
  VERIFY_TIMEOUT: number;
  planFilePath: string;
};

/** Run deadlines default to 5 minutes, or the interval when that is shorter. */
const RUN_TIMEOUT_DEFAULT = 5 * MINUTE;

/** Limits that only make sense together: a timeout longer than the interval it lives in lets runs pile up. */
function crossChecks(env: ParsedEnv, resolved: { SYNC_TIMEOUT: number; VERIFY_TIMEOUT: number }): string[] {
  const problems: string[] = [];
  const atMost = (name: string, value: number, limitName: string, limit: number, strict = true) => {
    if (strict ? value >= limit : value > limit)
      problems.push(
        `  ${name}: ${formatDuration(value)} must be shorter than ${limitName} (${formatDuration(limit)}); lower ` +
          `${name} or raise ${limitName}`,
      );
  };
  atMost('SYNC_TIMEOUT', resolved.SYNC_TIMEOUT, 'SYNC_INTERVAL', env.SYNC_INTERVAL, false);
  atMost('GITHUB_TIMEOUT', env.GITHUB_TIMEOUT, 'SYNC_TIMEOUT', resolved.SYNC_TIMEOUT);
  atMost('VERIFY_TIMEOUT', resolved.VERIFY_TIMEOUT, 'VERIFY_INTERVAL', env.VERIFY_INTERVAL, false);
  atMost('PROBE_TIMEOUT', env.PROBE_TIMEOUT, 'VERIFY_TIMEOUT', resolved.VERIFY_TIMEOUT);
  atMost('KUBE_TIMEOUT', env.KUBE_TIMEOUT, 'VERIFY_TIMEOUT', resolved.VERIFY_TIMEOUT);
  atMost('GATE_DEADLINE', env.GATE_DEADLINE, 'VERIFY_TIMEOUT', resolved.VERIFY_TIMEOUT);
  return problems;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses an environment; throws a ConfigError listing each bad variable and why. */
export function parseConfig(env: Record<string, string | undefined>): ServerConfig {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration (see .env.example):\n${lines.join('\n')}`);
  }
  const data = result.data;
  const resolved = {
    SYNC_TIMEOUT: data.SYNC_TIMEOUT ?? Math.min(RUN_TIMEOUT_DEFAULT, data.SYNC_INTERVAL),
    VERIFY_TIMEOUT: data.VERIFY_TIMEOUT ?? Math.min(RUN_TIMEOUT_DEFAULT, data.VERIFY_INTERVAL),
  };
  const problems = crossChecks(data, resolved);
  if (problems.length > 0) {
    throw new ConfigError(`Invalid configuration (see .env.example):\n${problems.join('\n')}`);
  }
  return {
    ...data,
    ...resolved,
    planFilePath: path.resolve(/*turbopackIgnore: true*/ process.cwd(), data.PLAN_FILE),
  };
}

let cached: ServerConfig | undefined;

/** The server's configuration, read from process.env on first use. */
export function serverConfig(): ServerConfig {
  cached ??= parseConfig(process.env);
  return cached;
}

/** The only configuration the browser may see. Secrets never belong here. */
export interface PublicConfig {
  appVersion: string;
  environment: string;
  grafanaUrl: string | null;
  /** Names of the simulated upstreams when the board runs as a demo; empty otherwise. */
  demoSimulators: string[];
  /** Browser telemetry settings, null when Faro is off (then the browser loads none of it). */
  faro: { appName: string; collectorUrl: string } | null;
  /** Data source UIDs for deep links into Grafana (not secrets). */
  grafanaDatasources: { pyroscope: string; loki: string; tempo: string };
}

export function publicConfig(config: ServerConfig = serverConfig()): PublicConfig {
  return {
    appVersion: config.APP_VERSION,
    environment: config.APP_ENVIRONMENT,
    grafanaUrl: config.GRAFANA_URL ?? null,
    demoSimulators: config.DEMO_SIMULATORS,
    faro: config.FARO_ENABLED ? { appName: config.FARO_APP_NAME, collectorUrl: config.FARO_COLLECTOR_URL } : null,
    grafanaDatasources: {
      pyroscope: config.GRAFANA_PYROSCOPE_DATASOURCE,
      loki: config.GRAFANA_LOKI_DATASOURCE,
      tempo: config.GRAFANA_TEMPO_DATASOURCE,
    },
  };
}
