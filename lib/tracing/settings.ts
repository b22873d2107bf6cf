/** The service name the board's own spans carry (resource service.name), unless OTEL_SERVICE_NAME says otherwise. */
export const SERVICE_NAME = 'rollout-board';

/**
 * Where spans go: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT (the OTel
 * names), or null (tracing off) when neither is set or OTEL_SDK_DISABLED=true. Nothing is sent
 * anywhere unless configured.
 */
export function tracingEndpoint(env: Record<string, string | undefined>): string | null {
  if (env.OTEL_SDK_DISABLED?.toLowerCase() === 'true') return null;
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT;
  return endpoint ? endpoint : null;
}
