import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { ROOT } from './server';

/**
 * Starts a simulator script of bench/lib in a process of its own and waits for the line of JSON it prints
 * once listening ({"url": …} and whatever else it tells). In the bench's own process the simulator's work
 * would be charged to what is measured: the board's proxy waiting behind it, or a sync paying for the
 * pages GitHub renders.
 */
export async function startSimulatorProcess<Started extends { url: string }>(
  script: string,
  args: string[] = [],
): Promise<Started & { stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, script), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  const started = JSON.parse(line.toString('utf8').split('\n')[0]) as Started;
  return {
    ...started,
    stop: async () => {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}
