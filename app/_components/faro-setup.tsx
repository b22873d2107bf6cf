import { connection } from 'next/server';
import { publicConfig } from '@/lib/config/env';
import { FaroInit } from './faro-init';

/**
 * Renders the Faro starter with the configuration of the running server (read per request, not at
 * build time), so one image serves every environment. Renders nothing when Faro is off.
 */
export async function FaroSetup() {
  await connection();
  const config = publicConfig();
  if (!config.faro) return null;
  return <FaroInit config={{ ...config.faro, appVersion: config.appVersion, environment: config.environment }} />;
}
