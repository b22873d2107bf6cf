import { Writable } from 'node:stream';
import { context, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWithRequestContext } from './context';
import { createLogger, errorFields } from './logger';

/** A logger writing into an array of parsed JSON lines. */
function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const raw: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) {
        raw.push(line);
        lines.push(JSON.parse(line));
      }
      done();
    },
  });
  return { log: createLogger(sink, 'debug'), lines, raw };
}

const manager = new AsyncLocalStorageContextManager();
beforeAll(() => {
  context.setGlobalContextManager(manager.enable());
});
afterAll(() => {
  context.disable();
});

describe('structured logs', () => {
  it('writes one JSON object per line with level, time, message, request id and trace id', () => {
    const { log, lines } = capture();
    const spanContext = {
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      traceFlags: TraceFlags.SAMPLED,
    };
    runWithRequestContext({ requestId: 'req-12345678' }, () =>
      context.with(trace.setSpanContext(context.active(), spanContext), () =>
        log.info({ cell: 'acapy-agent/profiling-code' }, 'verified'),
      ),
    );
    log.warn('outside any request');
    expect(lines[0]).toMatchObject({
      level: 'info',
      message: 'verified',
      requestId: 'req-12345678',
      traceId: spanContext.traceId,
      spanId: spanContext.spanId,
      cell: 'acapy-agent/profiling-code',
      service: 'rollout-board',
    });
    expect(Number.isNaN(Date.parse(String(lines[0].time)))).toBe(false);
    expect(lines[1]).toMatchObject({ level: 'warn', message: 'outside any request' });
    expect(lines[1]).not.toHaveProperty('requestId');
    expect(lines[1]).not.toHaveProperty('traceId');
  });

  it("names what a driver adapter's error carries: which table, the database's own words", () => {
    const adapterError = (cause: Record<string, unknown>) =>
      Object.assign(new Error(String(cause.kind), { cause }), { name: 'DriverAdapterError' });
    expect(errorFields(adapterError({ kind: 'TableDoesNotExist', table: 'StoreRevision' })).error).toBe(
      'TableDoesNotExist (table: StoreRevision)',
    );
    expect(
      errorFields(adapterError({ kind: 'sqlite', extendedCode: 13, message: 'database or disk is full' })).error,
    ).toBe('sqlite (extendedCode: 13, message: database or disk is full)');
    expect(errorFields(adapterError({ kind: 'postgres', message: 'failed for http://u:pw-in-cause@db' })).error).toBe(
      'postgres (message: failed for http://***@db)',
    );
    // Any other error's cause is its own story (and its own log line, where it is one).
    expect(errorFields(new Error('outer', { cause: { table: 'x' } })).error).toBe('outer');
  });

  it('never writes a secret: redacted fields, URL credentials and bearer tokens in text', () => {
    const { log, raw } = capture();
    const secrets = {
      token: 'ghp_supersecrettoken0123456789',
      password: 'hunter2-password',
      apiKey: 'faro-api-key-0123456789',
      webhookUrl: 'https://hooks.slack.test/services/T000/B000/XXXXSECRET',
      clientSecret: 'oidc-client-secret-value',
    };
    log.info(secrets, 'settings loaded');
    log.info({
      request: { headers: { authorization: 'Bearer abcdefghijklmnopqrstuvwxyz', cookie: 'sid=s3cr3tcookie' } },
    });
    log.info({ upstream: { password: 'nested-pass-value', url: 'http://u:inner-pass@loki:3100' } }, 'probe');
    log.error(
      { ...errorFields(new Error('fetch http://admin:pw-in-url@pyroscope:4040 failed, Bearer abcdefghijklmnop1234')) },
      'failed calling http://bob:another-pw@tempo:3200',
    );
    const text = raw.join('\n');
    for (const secret of [
      ...Object.values(secrets),
      'abcdefghijklmnopqrstuvwxyz',
      's3cr3tcookie',
      'nested-pass-value',
      'pw-in-url',
      'another-pw',
      'abcdefghijklmnop1234',
    ])
      expect(text).not.toContain(secret);
    expect(text).toContain('[redacted]');
    expect(text).toContain('failed calling http://***@tempo:3200');
  });
});
