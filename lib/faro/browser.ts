import { getWebInstrumentations, initializeFaro, LogLevel, type Faro } from '@grafana/faro-web-sdk';
import { TracingInstrumentation } from '@grafana/faro-web-tracing';

/**
 * Browser side of the board's own Faro. Only ever loaded by app/_components/faro-init.tsx, after
 * hydration, and only when FARO_ENABLED: the SDK (~75 KiB gzip) stays off the critical path.
 */
export interface FaroBrowserConfig {
  appName: string;
  appVersion: string;
  environment: string;
  /** "/faro" (the board's own proxy) or an absolute collector URL. */
  collectorUrl: string;
}

export function startFaro(config: FaroBrowserConfig, initialView: string): Faro {
  // Absolute, so the SDK's own sends match the tracing ignore list exactly and never trace themselves.
  const url = new URL(config.collectorUrl, window.location.origin).href;
  return initializeFaro({
    url,
    app: { name: config.appName, version: config.appVersion, environment: config.environment },
    view: { name: initialView },
    instrumentations: [
      // Errors, console warn/error, web vitals, sessions, views, performance.
      ...getWebInstrumentations({ captureConsole: true }),
      // Fetch/XHR spans; W3C traceparent goes to same-origin requests (the board's own /api) only:
      // no cross-origin URL is listed, so no other host ever receives the board's trace context.
      new TracingInstrumentation({ instrumentationOptions: { propagateTraceHeaderCorsUrls: [] } }),
    ],
    consoleInstrumentation: { disabledLevels: [LogLevel.TRACE, LogLevel.DEBUG, LogLevel.LOG, LogLevel.INFO] },
    // Next's own chunk loads are not the board's API calls.
    ignoreUrls: [/\/_next\/static\//],
  });
}
