import { trace } from '@opentelemetry/api';
import pino, { type DestinationStream, type Logger } from 'pino';
import { redactSecrets } from '../config/redact';
import { currentRequestContext } from './context';

/**
 * Field names whose values never reach a log line, wherever they sit (top level or one or two
 * levels down): credentials, cookies, API keys and the notification webhook URLs, which are secrets.
 */
export const REDACTED_KEYS = [
  'authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'password',
  'token',
  'accessToken',
  'apiKey',
  'secret',
  'clientSecret',
  'webhookUrl',
  'databaseUrl',
] as const;

const REDACT_PATHS = REDACTED_KEYS.flatMap((key) => {
  const k = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
  const dot = k.startsWith('[') ? '' : '.';
  return [k, `*${dot}${k}`, `*.*${dot}${k}`];
});

/** Every string inside (a few levels deep) with URL credentials and authorization values masked. */
function redactText(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (depth === 0 || value === null || typeof value !== 'object' || value instanceof Error) return value;
  if (Array.isArray(value)) return value.map((v) => redactText(v, depth - 1));
  return redactFields(value, depth);
}

/** A record's values redacted as redactText does: the record stays a record (pino's log formatter needs one). */
function redactFields(fields: object, depth: number): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, redactText(v, depth - 1)]));
}

/** JSON lines (stdout, errors on stderr): level, time, message, the request id and the trace id of the work that wrote it. */
export function createLogger(destination?: DestinationStream, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino(
    {
      level,
      messageKey: 'message',
      base: { service: 'rollout-board' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        // Text fields (an upstream's error, a URL) can still carry user:password@ or a bearer token.
        log: (fields) => redactFields(fields, 3),
      },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      hooks: {
        logMethod(args, method) {
          method.apply(
            this,
            args.map((a) => (typeof a === 'string' ? redactSecrets(a) : a)) as Parameters<typeof method>,
          );
        },
      },
      mixin() {
        const span = trace.getActiveSpan()?.spanContext();
        const request = currentRequestContext();
        return {
          ...(request ? { requestId: request.requestId } : {}),
          ...(span && trace.isSpanContextValid(span) ? { traceId: span.traceId, spanId: span.spanId } : {}),
        };
      },
    },
    destination ?? standardStreams(),
  );
}

/**
 * JSON lines on stdout; error and fatal lines on stderr instead, where process supervisors and the
 * start-up checks look for why the board stopped.
 */
function standardStreams(): DestinationStream {
  return pino.multistream(
    [
      { level: 'trace', stream: pino.destination({ dest: 1, sync: true }) },
      { level: 'error', stream: pino.destination({ dest: 2, sync: true }) },
    ],
    { dedupe: true },
  );
}

// One logger per process (Next bundles routes separately and reloads modules in dev).
const KEY = Symbol.for('rollout-board.log.logger');
const holder = globalThis as typeof globalThis & { [KEY]?: Logger };

export function logger(): Logger {
  holder[KEY] ??= createLogger();
  return holder[KEY];
}

/** An error as log fields: its message (redacted) and, for real errors, the stack. */
export function errorFields(error: unknown): { error: string; stack?: string } {
  if (error instanceof Error)
    return { error: redactSecrets(describeError(error)), stack: redactSecrets(error.stack ?? '') };
  return { error: redactSecrets(String(error)) };
}

/**
 * An error's message, with what a Prisma driver adapter's error carries: its message is only the kind
 * ("TableDoesNotExist"), the rest (which table, the database's own words) is in its cause.
 */
function describeError(error: Error): string {
  const cause: unknown = error.cause;
  if (error.name !== 'DriverAdapterError' || typeof cause !== 'object' || cause === null || cause instanceof Error)
    return error.message;
  const details = Object.entries(cause)
    .filter(([key, value]) => key !== 'kind' && value !== undefined)
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return details.length > 0 ? `${error.message} (${details.join(', ')})` : error.message;
}
