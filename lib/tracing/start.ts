import { diag, DiagLogLevel } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { PrismaInstrumentation } from '@prisma/instrumentation';
import { logger } from '../log/logger';
import { SERVICE_NAME, tracingEndpoint } from './settings';

export interface Tracing {
  endpoint: string;
  shutdown: () => Promise<void>;
}

/**
 * Traces the board's own server with OpenTelemetry, exported as OTLP/HTTP to
 * OTEL_EXPORTER_OTLP_ENDPOINT (Alloy or Tempo). Next.js then opens a server span per request,
 * continuing the browser's `traceparent`; Prisma adds one per store query and undici one per
 * outbound request (each probe). Without an endpoint nothing is started and nothing is sent.
 */
export function startTracing(env: Record<string, string | undefined> = process.env): Tracing | null {
  const endpoint = tracingEndpoint(env);
  if (!endpoint) return null;
  diag.setLogger(
    {
      error: (message) => logger().error({ component: 'otel' }, message),
      warn: (message) => logger().warn({ component: 'otel' }, message),
      info: () => undefined,
      debug: () => undefined,
      verbose: () => undefined,
    },
    DiagLogLevel.WARN,
  );
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: env.OTEL_SERVICE_NAME ?? SERVICE_NAME,
      [ATTR_SERVICE_VERSION]: env.APP_VERSION ?? '0.1.0',
    }),
    // The exporter reads OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT and _HEADERS itself, appending /v1/traces.
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  // W3C trace context: the browser's traceparent continues into the server span.
  provider.register();
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new UndiciInstrumentation({
        // The exporter's own requests would trace themselves without end.
        ignoreRequestHook: (request) => `${request.origin}${request.path}`.startsWith(endpoint),
      }),
      new PrismaInstrumentation(),
    ],
  });
  logger().info({ endpoint: new URL(endpoint).origin }, 'Tracing the server to OTLP/HTTP');
  return { endpoint, shutdown: () => provider.shutdown() };
}
