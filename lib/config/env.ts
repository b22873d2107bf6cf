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
    .transform((v) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : [])),
  SYNC_INTERVAL: duration('10m'),
  VERIFY_INTERVAL: duration('5m'),
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
  /** Names of the simulated upstreams when the board runs as a demo; empty otherwise. */
  demoSimulators: string[];
}

export function publicConfig(config: ServerConfig = serverConfig()): PublicConfig {
  return {
    appVersion: config.APP_VERSION,
    environment: config.APP_ENVIRONMENT,
    grafanaUrl: config.GRAFANA_URL ?? null,
    demoSimulators: config.DEMO_SIMULATORS,
  };
}
