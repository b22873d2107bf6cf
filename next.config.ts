import type { NextConfig } from 'next';
import { SECURITY_HEADERS } from './lib/auth/security-headers';

const nextConfig: NextConfig = {
  // Native modules and Prisma's driver adapters load at run time from node_modules.
  serverExternalPackages: [
    'better-sqlite3',
    'pg',
    '@prisma/adapter-better-sqlite3',
    '@prisma/adapter-pg',
    '@pyroscope/nodejs',
    '@kubernetes/client-node',
    // Loaded as they are: pino's worker streams and OpenTelemetry's module hooks do not survive bundling.
    'pino',
    'prom-client',
    '@opentelemetry/api',
    '@opentelemetry/sdk-trace-node',
    '@opentelemetry/exporter-trace-otlp-http',
    '@opentelemetry/instrumentation',
    '@opentelemetry/instrumentation-undici',
    '@prisma/instrumentation',
  ],
  poweredByHeader: false,
  // Every answer, static files and API included; pages also get a CSP with a nonce (lib/auth/page-admission.ts).
  headers: async () => [{ source: '/:path*', headers: [...SECURITY_HEADERS] }],
  // Server Components read plan and migration files from the project root at run time.
  outputFileTracingIncludes: {
    '/**': [
      './lib/plan/*.json',
      './prisma/**/migration.sql',
      // /reference/faro shows these files as they are (lib/faro/recipes.ts).
      './lib/faro/recipes/*',
      './lib/faro/browser.ts',
      './app/faro/route.ts',
    ],
  },
};

export default nextConfig;
