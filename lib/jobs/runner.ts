import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Db } from '../db/client';
import { releaseLease, renewLease, tryAcquireLease } from './lease';
import { errorFields, logger } from '../log/logger';

export type JobTrigger = 'start' | 'schedule' | 'manual' | 'webhook' | 'sync';

export type JobOutcome<T> =
  | { status: 'ran'; result: T; joined: boolean }
  | { status: 'busy-elsewhere'; holder: string | null }
  | { status: 'failed'; error: string; joined: boolean };

export interface RunJobOptions {
  trigger: JobTrigger;
  /** When another replica holds the lease: 'skip' returns busy-elsewhere at once, 'wait' polls until it can run. */
  onBusy?: 'skip' | 'wait';
  /** How long a lease lives without renewal; renewed every third of it while the job runs. */
  leaseTtlMs?: number;
  /** Upper bound on waiting for another replica (onBusy 'wait'). */
  waitTimeoutMs?: number;
}

const DEFAULT_LEASE_TTL_MS = 60_000;

/**
 * The one way jobs (sync, verify) run: scheduled, on demand or by webhook. A job already running in
 * this process is joined, not started again; a lease in the store does the same across replicas.
 * A job's failure is an outcome, never an exception into the caller or the scheduler.
 */
export class JobRunner {
  readonly holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly inFlight = new Map<string, Promise<JobOutcome<unknown>>>();

  constructor(private readonly db: Db) {}

  isRunning(name: string): boolean {
    return this.inFlight.has(name);
  }

  /** Names of the jobs running in this process (e.g. for a "verifying…" indicator). */
  runningJobs(): string[] {
    return [...this.inFlight.keys()];
  }

  run<T>(
    name: string,
    job: (signal: { trigger: JobTrigger }) => Promise<T>,
    options: RunJobOptions,
  ): Promise<JobOutcome<T>> {
    const running = this.inFlight.get(name);
    if (running) {
      return running.then((outcome) =>
        outcome.status === 'busy-elsewhere' ? outcome : { ...outcome, joined: true },
      ) as Promise<JobOutcome<T>>;
    }
    const started = this.runWithLease(name, job, options).finally(() => this.inFlight.delete(name));
    this.inFlight.set(name, started);
    return started;
  }

  private async runWithLease<T>(
    name: string,
    job: (signal: { trigger: JobTrigger }) => Promise<T>,
    options: RunJobOptions,
  ): Promise<JobOutcome<T>> {
    const ttl = options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
    const deadline = Date.now() + (options.waitTimeoutMs ?? 10 * ttl);
    let delay = 50;
    while (!(await tryAcquireLease(this.db, name, this.holder, ttl))) {
      if (options.onBusy !== 'wait' || Date.now() > deadline) {
        const lease = await this.db.jobLease.findUnique({ where: { name } });
        return { status: 'busy-elsewhere', holder: lease?.holder ?? null };
      }
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 1000);
    }
    const heartbeat = setInterval(
      () => void renewLease(this.db, name, this.holder, ttl).catch(() => undefined),
      ttl / 3,
    );
    heartbeat.unref();
    try {
      return { status: 'ran', result: await job({ trigger: options.trigger }), joined: false };
    } catch (error) {
      return { status: 'failed', error: error instanceof Error ? error.message : String(error), joined: false };
    } finally {
      clearInterval(heartbeat);
      await releaseLease(this.db, name, this.holder).catch(() => undefined);
    }
  }
}

export interface ScheduledJob {
  stop: () => void;
}

/** Runs `tick` every `intervalMs` (first run after `initialDelayMs`); a tick still running is not started twice. */
export function schedule(intervalMs: number, tick: () => Promise<unknown>, initialDelayMs = intervalMs): ScheduledJob {
  let running = false;
  const fire = () => {
    if (running) return;
    running = true;
    tick()
      .catch((error) => logger().error(errorFields(error), 'A scheduled job failed'))
      .finally(() => {
        running = false;
      });
  };
  const first = setTimeout(fire, initialDelayMs);
  const every = setInterval(fire, intervalMs);
  first.unref();
  every.unref();
  return {
    stop: () => {
      clearTimeout(first);
      clearInterval(every);
    },
  };
}
