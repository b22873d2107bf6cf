import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { redactSecrets } from '../config/redact';
import type { Db } from '../db/client';
import { formatDuration } from '../http/bounded';
import { reclaimLease, releaseLease, renewLease, tryAcquireLease } from './lease';
import { errorFields, logger } from '../log/logger';

export type JobTrigger = 'start' | 'schedule' | 'manual' | 'webhook' | 'sync';

export type JobOutcome<T> =
  | { status: 'ran'; result: T; joined: boolean }
  | {
      status: 'busy-elsewhere';
      holder: string | null;
      /** When the holder's lease runs out unless renewed: a dead holder's job can start then. */
      leaseExpiresAt: string | null;
    }
  | { status: 'failed'; error: string; joined: boolean };

export interface RunJobOptions {
  trigger: JobTrigger;
  /** When another replica holds the lease: 'skip' returns busy-elsewhere at once, 'wait' polls until it can run. */
  onBusy?: 'skip' | 'wait';
  /** How long a lease lives without renewal; renewed every third of it while the job runs. */
  leaseTtlMs?: number;
  /** Upper bound on waiting for another replica (onBusy 'wait'). */
  waitTimeoutMs?: number;
  /**
   * The longest the job may run. At the deadline its signal aborts (outbound requests stop at once) and,
   * a moment later, the run ends as failed with `deadlineHint` in its reason, whether the job noticed or not.
   */
  deadlineMs?: number;
  /** Names the setting behind the deadline, e.g. "SYNC_TIMEOUT". */
  deadlineHint?: string;
  /** When another holder has the lease: try once more when it runs out (a click is not lost to a dead replica). */
  retryWhenFree?: boolean;
}

/** What a job gets: why it runs, and a signal that aborts at its deadline. */
export interface JobContext {
  trigger: JobTrigger;
  signal: AbortSignal;
}

/** How long a job past its deadline may take to record how it ended before the runner stops waiting. */
const DEADLINE_GRACE_MS = 1_000;

/** A failure's message for the run's outcome: the store's own texts (query dumps) stay in the server log. */
function outcomeMessage(name: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof Error && /^Prisma/.test(error.name)) {
    logger().error({ job: name, ...errorFields(error) }, `Job ${name} failed in the store`);
    return `${name} failed in the store; the server log has the details.`;
  }
  return redactSecrets(message);
}

const DEFAULT_LEASE_TTL_MS = 60_000;

/** Whether a process of this machine is alive (signal 0 only checks). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A process killed along with its parent stays a zombie until something reaps it (in a container, PID 1
  // may never do so): signal 0 still reaches it, but it runs nothing and holds nothing.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return true;
  }
}

/** What a start attempt came to: the lease is ours and the job runs, or another holder has it. */
export type JobClaim =
  | { status: 'started' }
  | { status: 'busy-elsewhere'; holder: string | null; leaseExpiresAt: string | null; retryAt: string | null };

interface InFlight {
  outcome: Promise<JobOutcome<unknown>>;
  claim: Promise<JobClaim>;
  startedAt: Date;
}

export interface JobRunnerOptions {
  /**
   * This replica's stable name (the pod's host name by default). A lease held under this name by an earlier
   * process that is gone (a crash, a kill -9, a restarted container) is this replica's own dead lease: it is
   * taken back at once instead of waiting for it to expire.
   */
  replica?: string;
}

/**
 * The one way jobs (sync, verify) run: scheduled, on demand or by webhook. A job already running in
 * this process is joined, not started again; a lease in the store does the same across replicas.
 * A job's failure is an outcome, never an exception into the caller or the scheduler.
 */
export class JobRunner {
  readonly replica: string;
  readonly holder: string;
  private readonly startedAt = new Date();
  private readonly inFlight = new Map<string, InFlight>();
  private readonly retries = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly db: Db,
    options: JobRunnerOptions = {},
  ) {
    this.replica = options.replica ?? hostname();
    this.holder = `${this.replica}:${process.pid}:${randomUUID().slice(0, 8)}`;
  }

  isRunning(name: string): boolean {
    return this.inFlight.has(name);
  }

  /** Names of the jobs running in this process (e.g. for a "verifying…" indicator). */
  runningJobs(): string[] {
    return [...this.inFlight.keys()];
  }

  /** When the run of `name` in flight here began (this process's clock), or null when none is. */
  runStartedAt(name: string): Date | null {
    return this.inFlight.get(name)?.startedAt ?? null;
  }

  /** How the current (or just finished) start of `name` went; `started` when nothing is in flight. */
  claimed(name: string): Promise<JobClaim> {
    return this.inFlight.get(name)?.claim ?? Promise.resolve({ status: 'started' });
  }

  run<T>(name: string, job: (context: JobContext) => Promise<T>, options: RunJobOptions): Promise<JobOutcome<T>> {
    const running = this.inFlight.get(name);
    if (running) {
      return running.outcome.then((outcome) =>
        outcome.status === 'busy-elsewhere' ? outcome : { ...outcome, joined: true },
      ) as Promise<JobOutcome<T>>;
    }
    const startedAt = new Date();
    let settleClaim: (claim: JobClaim) => void = () => undefined;
    const claim = new Promise<JobClaim>((resolve) => {
      settleClaim = resolve;
    });
    const outcome = this.runWithLease(name, job, options, settleClaim).finally(() => this.inFlight.delete(name));
    this.inFlight.set(name, { outcome, claim, startedAt });
    return outcome;
  }

  /** Schedules one more attempt of `name` just after the lease runs out; returns when, as an ISO time. */
  private retryAt<T>(name: string, expiresAt: Date, job: (context: JobContext) => Promise<T>, options: RunJobOptions) {
    const at = new Date(Math.max(expiresAt.getTime(), Date.now()) + 250);
    if (!this.retries.has(name)) {
      const timer = setTimeout(() => {
        this.retries.delete(name);
        void this.run(name, job, { ...options, retryWhenFree: false });
      }, at.getTime() - Date.now());
      timer.unref();
      this.retries.set(name, timer);
    }
    return at.toISOString();
  }

  /** The lease's holder is this replica's own earlier process, which is gone: its job is not running anywhere. */
  private async isOwnDeadLease(name: string): Promise<string | null> {
    const lease = await this.db.jobLease.findUnique({ where: { name } });
    if (!lease || lease.holder === this.holder || !lease.holder.startsWith(`${this.replica}:`)) return null;
    if (lease.acquiredAt >= this.startedAt) return null; // taken after this process started: not from a past life
    const pid = Number(lease.holder.slice(this.replica.length + 1).split(':')[0]);
    const gone = pid === process.pid || !Number.isInteger(pid) || !processAlive(pid);
    return gone ? lease.holder : null;
  }

  private async runWithLease<T>(
    name: string,
    job: (context: JobContext) => Promise<T>,
    options: RunJobOptions,
    settleClaim: (claim: JobClaim) => void,
  ): Promise<JobOutcome<T>> {
    const ttl = options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
    const waitUntil = Date.now() + (options.waitTimeoutMs ?? 10 * ttl);
    let delay = 50;
    try {
      while (!(await tryAcquireLease(this.db, name, this.holder, ttl))) {
        const dead = await this.isOwnDeadLease(name);
        if (dead && (await reclaimLease(this.db, name, dead, this.holder, ttl))) break;
        if (options.onBusy !== 'wait' || Date.now() > waitUntil) {
          const lease = await this.db.jobLease.findUnique({ where: { name } });
          const leaseExpiresAt = lease?.expiresAt.toISOString() ?? null;
          const retryAt = options.retryWhenFree && lease ? this.retryAt(name, lease.expiresAt, job, options) : null;
          const busy = { status: 'busy-elsewhere' as const, holder: lease?.holder ?? null, leaseExpiresAt };
          settleClaim({ ...busy, retryAt });
          return busy;
        }
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 1000);
      }
    } catch (error) {
      settleClaim({ status: 'busy-elsewhere', holder: null, leaseExpiresAt: null, retryAt: null });
      return { status: 'failed', error: outcomeMessage(name, error), joined: false };
    }
    settleClaim({ status: 'started' });
    const heartbeat = setInterval(
      () => void renewLease(this.db, name, this.holder, ttl).catch(() => undefined),
      ttl / 3,
    );
    heartbeat.unref();
    const controller = new AbortController();
    let deadlineTimer: NodeJS.Timeout | undefined;
    let graceTimer: NodeJS.Timeout | undefined;
    const work = job({ trigger: options.trigger, signal: controller.signal });
    const pastDeadline =
      options.deadlineMs === undefined
        ? null
        : new Promise<never>((_, reject) => {
            const limit = formatDuration(options.deadlineMs ?? 0);
            deadlineTimer = setTimeout(() => {
              const reason = new DOMException(
                `the run did not finish within ${limit}${options.deadlineHint ? ` (${options.deadlineHint})` : ''}, so it ` +
                  `was stopped; the next run starts fresh`,
                'AbortError',
              );
              controller.abort(reason);
              graceTimer = setTimeout(() => reject(reason), DEADLINE_GRACE_MS);
            }, options.deadlineMs);
          });
    try {
      return { status: 'ran', result: await (pastDeadline ? Promise.race([work, pastDeadline]) : work), joined: false };
    } catch (error) {
      work.catch(() => undefined); // a job abandoned at its deadline may still fail later: nobody waits for it
      return { status: 'failed', error: outcomeMessage(name, error), joined: false };
    } finally {
      clearTimeout(deadlineTimer);
      clearTimeout(graceTimer);
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
