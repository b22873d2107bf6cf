import path from 'node:path';
import { z } from 'zod';
import { parseDurationMs } from './duration';

const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      const ms = parseDurationMs(text);
      if (ms === null || ms <= 0) {
        ctx.addIssue({ code: 'custom', message: `expected a duration like 30s, 10m or 1h, got "${text}"` });
        return z.NEVER;
      }
      return ms;
    });

const optionalUrl = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()))
  .pipe(z.url({ message: 'expected an absolute http(s) URL' }).optional());

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const databaseUrl = z
  .string()
  .default('file:./data/rollout-board.db')
  .refine((v) => v.startsWith('file:') || /^postgres(ql)?:\/\//.test(v), {
    message: 'expected file:<path> (SQLite) or postgresql://… (PostgreSQL)',
  });

/** Every variable the board reads. Parsed once; a bad value stops start-up naming the variable. */
export const envSchema = z.object({
  DATABASE_URL: databaseUrl,
  PLAN_FILE: z.string().default('lib/plan/phase-3.json'),
  APP_VERSION: z.string().default(process.env.npm_package_version ?? '0.0.0'),
  APP_ENVIRONMENT: z.string().default('development'),
  GRAFANA_URL: optionalUrl,
  // Data source UIDs (or names) in that Grafana, for the deep links.
  GRAFANA_PYROSCOPE_DATASOURCE: z.string().default('pyroscope'),
  GRAFANA_LOKI_DATASOURCE: z.string().default('loki'),
  GRAFANA_TEMPO_DATASOURCE: z.string().default('tempo'),
  SYNC_INTERVAL: duration('10m'),
  VERIFY_INTERVAL: duration('5m'),
  // Upstreams the probes ask. An unset URL makes its checks "not configured", never a failure.
  PYROSCOPE_URL: optionalUrl,
  PYROSCOPE_USERNAME: optionalText,
  PYROSCOPE_PASSWORD: optionalText,
  PYROSCOPE_TOKEN: optionalText,
  PYROSCOPE_TENANT: optionalText,
  LOKI_URL: optionalUrl,
  LOKI_USERNAME: optionalText,
  LOKI_PASSWORD: optionalText,
  LOKI_TOKEN: optionalText,
  LOKI_TENANT: optionalText,
  TEMPO_URL: optionalUrl,
  TEMPO_USERNAME: optionalText,
  TEMPO_PASSWORD: optionalText,
  TEMPO_TOKEN: optionalText,
  TEMPO_TENANT: optionalText,
  FARO_RECEIVER_URL: optionalUrl,
  FARO_RECEIVER_API_KEY: optionalText,
  /** Longest wait for any one upstream request. */
  PROBE_TIMEOUT: duration('10s'),
  /** How far back a probe looks for data. */
  VERIFY_WINDOW: duration('15m'),
  /** How many probes run at once. */
  VERIFY_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** How long the gate waits for its Faro marker to show up in Loki. */
  GATE_DEADLINE: duration('30s'),
});

export type ServerConfig = z.infer<typeof envSchema> & { planFilePath: string };

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
  return { ...result.data, planFilePath: path.resolve(/*turbopackIgnore: true*/ process.cwd(), result.data.PLAN_FILE) };
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
  /** Data source UIDs for deep links into Grafana (not secrets). */
  grafanaDatasources: { pyroscope: string; loki: string; tempo: string };
}

export function publicConfig(config: ServerConfig = serverConfig()): PublicConfig {
  return {
    appVersion: config.APP_VERSION,
    environment: config.APP_ENVIRONMENT,
    grafanaUrl: config.GRAFANA_URL ?? null,
    grafanaDatasources: { pyroscope: config.GRAFANA_PYROSCOPE_DATASOURCE, loki: config.GRAFANA_LOKI_DATASOURCE, tempo: config.GRAFANA_TEMPO_DATASOURCE },
  };
}
