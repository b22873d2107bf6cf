import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // Native modules and Prisma's driver adapters load at run time from node_modules.
  serverExternalPackages: [
    'better-sqlite3',
    'pg',
    '@prisma/adapter-better-sqlite3',
    '@prisma/adapter-pg',
    '@pyroscope/nodejs',
    '@kubernetes/client-node',
  ],
  poweredByHeader: false,
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
