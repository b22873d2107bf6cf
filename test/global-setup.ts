import type { TestProject } from 'vitest/node';
import { startTestPostgres } from './postgres-server';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const postgres = await startTestPostgres();
  console.log(`store tests use PostgreSQL from ${postgres.source}`);
  project.provide('postgresUrl', postgres.url);
  return () => postgres.stop();
}
