import { access } from 'node:fs';
import type { ServerConfig } from '../config/env';
import { errorFields, logger } from '../log/logger';

/**
 * Continuous profiling of the board's own server with @pyroscope/nodejs, so rollout-board shows up
 * in Pyroscope like the services it tracks (service_name "rollout-board", tagged with its version).
 * Off unless PYROSCOPE_SERVER_ADDRESS is set. An unreachable server never stops the board: the SDK
 * catches failed uploads, and a failure to start is logged and ignored.
 */
export const SELF_PROFILE_APP_NAME = 'rollout-board';

export interface SelfProfiling {
  serverAddress: string;
  stop: () => Promise<void>;
}

export async function startSelfProfiling(
  config: Pick<
    ServerConfig,
    | 'PYROSCOPE_SERVER_ADDRESS'
    | 'PYROSCOPE_BASIC_AUTH_USER'
    | 'PYROSCOPE_BASIC_AUTH_PASSWORD'
    | 'APP_VERSION'
    | 'APP_ENVIRONMENT'
  >,
  options: { flushIntervalMs?: number } = {},
): Promise<SelfProfiling | null> {
  const serverAddress = config.PYROSCOPE_SERVER_ADDRESS;
  if (!serverAddress) return null;
  try {
    const { default: Pyroscope } = await import('@pyroscope/nodejs');
    Pyroscope.init({
      serverAddress,
      appName: SELF_PROFILE_APP_NAME,
      tags: { version: config.APP_VERSION, environment: config.APP_ENVIRONMENT },
      basicAuthUser: config.PYROSCOPE_BASIC_AUTH_USER,
      basicAuthPassword: config.PYROSCOPE_BASIC_AUTH_PASSWORD,
      flushIntervalMs: options.flushIntervalMs,
    });
    Pyroscope.start();
    const stop = async () => {
      // The SDK's flush timer hands each round to setImmediate; a round that runs after stop() finds its
      // profiler stopped, rejects unhandled and re-arms its timer. So stop from the check phase, entered
      // from an I/O callback: every round whose timer has fired by then is queued ahead of us and has run.
      // (Entered from a timer callback instead, a flush timer due in the same phase would queue behind us.)
      await new Promise((resolve) => access('.', resolve));
      await new Promise((resolve) => setImmediate(resolve));
      await Pyroscope.stop();
    };
    return { serverAddress, stop };
  } catch (error) {
    logger().warn(errorFields(error), 'Self-profiling not started; the board runs without it');
    return null;
  }
}
