import { trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '@/lib/config/env';
import { startTempoSimulator, type TempoSimulator } from '@/simulators/tempo';
import { findOwnLinkedTrace } from './own-trace';
import { tracingEndpoint } from './settings';
import { startTracing } from './start';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const attr = (key: string, value: string) => ({ key, value: { stringValue: value } });
const span = (spanId: string, name: string, kind: number, parentSpanId?: string) => ({
  traceId: TRACE,
  spanId,
  ...(parentSpanId ? { parentSpanId } : {}),
  name,
  kind,
  startTimeUnixNano: String(BigInt(Date.now() - 1000) * 1_000_000n),
  endTimeUnixNano: String(BigInt(Date.now()) * 1_000_000n),
});

describe("the board's own tracing", () => {
  it('is off, and sends nothing, unless an OTLP endpoint is configured', () => {
    expect(tracingEndpoint({})).toBeNull();
    expect(tracingEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://alloy:4318', OTEL_SDK_DISABLED: 'true' })).toBeNull();
    expect(tracingEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://alloy:4318' })).toBe('http://alloy:4318');
    expect(startTracing({})).toBeNull();
    // No tracer provider was registered: spans are the API's no-op ones.
    expect(trace.getTracer('t').startSpan('s').spanContext().traceId).toBe('0'.repeat(32));
  });

  describe('reading back a browser fetch with its server child span', () => {
    let tempo: TempoSimulator;
    beforeAll(async () => {
      tempo = await startTempoSimulator();
    });
    afterAll(async () => {
      await tempo.stop();
    });
    const config = () => parseConfig({ TEMPO_URL: tempo.url, FARO_APP_NAME: 'rollout-board' });
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1' };

    it('says what is missing when nothing links yet, then finds the pair once the server span arrives', async () => {
      expect(await findOwnLinkedTrace(config(), Date.now(), {})).toMatchObject({ status: 'off' });
      // The browser's fetch span (Faro, webjs) alone, and a server-only trace: no pair.
      tempo.push({
        resourceSpans: [
          {
            resource: { attributes: [attr('service.name', 'rollout-board'), attr('telemetry.sdk.language', 'webjs')] },
            scopeSpans: [{ spans: [span('b7ad6b7169203331', 'HTTP GET', 3)] }],
          },
        ],
      });
      expect(await findOwnLinkedTrace(config(), Date.now(), env)).toMatchObject({ status: 'none' });
      // The board's server span, child of the browser span (what OTLP/HTTP export of the board sends).
      tempo.push({
        resourceSpans: [
          {
            resource: { attributes: [attr('service.name', 'rollout-board'), attr('telemetry.sdk.language', 'nodejs')] },
            scopeSpans: [{ spans: [span('00f067aa0ba902b7', 'GET /api/faro/stats', 2, 'b7ad6b7169203331')] }],
          },
        ],
      });
      const found = await findOwnLinkedTrace(config(), Date.now(), env);
      expect(found).toMatchObject({
        status: 'found',
        traceId: TRACE,
        browserSpan: { spanId: 'b7ad6b7169203331', side: 'browser' },
        serverSpan: {
          spanId: '00f067aa0ba902b7',
          parentSpanId: 'b7ad6b7169203331',
          side: 'server',
          kind: 'SPAN_KIND_SERVER',
        },
      });
    });
  });
});
