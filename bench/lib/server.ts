import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '../../test/free-port';

export const ROOT = path.resolve(import.meta.dirname, '../..');

export interface RunningBoard {
  url: string;
  /** The highest resident set size the server process (and any child) has reached so far, in MiB. */
  peakRssMiB: () => number;
  /** CPU time (user + system) the server process has used so far, in ms. */
  cpuMs: () => number;
  stop: () => Promise<void>;
}

/** VmHWM (peak RSS) of a process and its descendants, from /proc; the largest, in MiB. */
function peakRss(pid: number): number {
  const children = (p: number): number[] => {
    try {
      return readFileSync(`/proc/${p}/task/${p}/children`, 'utf8')
        .split(' ')
        .filter(Boolean)
        .map(Number)
        .flatMap((c) => [c, ...children(c)]);
    } catch {
      return [];
    }
  };
  let peakKiB = 0;
  for (const p of [pid, ...children(pid)]) {
    try {
      const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      if (match) peakKiB = Math.max(peakKiB, Number(match[1]));
    } catch {
      // the process ended
    }
  }
  return Math.round(peakKiB / 1024);
}

/** utime + stime of a process from /proc/<pid>/stat (clock ticks of 10 ms), in ms. */
function cpuTime(pid: number): number {
  try {
    // The fields after the command name (which may hold spaces) start at state; utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/** Starts the production build with the given environment and waits for /api/health. */
export async function startBoard(env: Record<string, string>): Promise<RunningBoard> {
  const port = await freePort();
  // The board's own server (scripts/board-server.mjs, as `npm start` runs it): Next's handler behind
  // node:http, which is what makes the trusted-header sign-in the verify bench acts through work.
  const child: ChildProcess = spawn(process.execPath, [path.join(ROOT, 'scripts/board-server.mjs')], {
    cwd: ROOT,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', PORT: String(port), BIND_HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`board exited with ${child.exitCode} before it was healthy`);
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('board did not become healthy within 60 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    peakRssMiB: () => (child.pid ? peakRss(child.pid) : 0),
    cpuMs: () => (child.pid ? cpuTime(child.pid) : 0),
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
