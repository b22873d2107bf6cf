import { readJsonBody, text, type SimRequest, type SimResponse } from './http';

/**
 * Failure modes every query simulator (Pyroscope, Loki, Tempo) can be switched into, for all its
 * answers or only those about one target (a service_name or Faro app), so tests see every status.
 */
export type Fault =
  | { kind: 'status'; status: number; body?: string }
  | { kind: 'delay'; ms: number }
  | { kind: 'hang' }
  | { kind: 'malformed' }
  | { kind: 'not-ready' };

export class FaultSwitch {
  private global: Fault | null = null;
  private readonly perTarget = new Map<string, Fault>();

  set(fault: Fault | null, target?: string) {
    if (target === undefined) this.global = fault;
    else if (fault) this.perTarget.set(target, fault);
    else this.perTarget.delete(target);
  }

  clear() {
    this.global = null;
    this.perTarget.clear();
  }

  /** The fault for a request about these targets (a target's own fault wins over the global one). */
  forTargets(targets: string[]): Fault | null {
    for (const t of targets) {
      const fault = this.perTarget.get(t);
      if (fault) return fault;
    }
    return this.global;
  }

  get globalFault() {
    return this.global;
  }
}

/** Applies a fault to an answer: an error status, a delay, no answer at all, or a body that is not what was promised. */
export function withFault(fault: Fault | null, answer: () => SimResponse): SimResponse {
  if (!fault || fault.kind === 'not-ready') return answer();
  if (fault.kind === 'hang') return { status: 200, hang: true };
  if (fault.kind === 'status')
    return text(fault.status, fault.body ?? `simulated upstream failure (${fault.status})\n`);
  if (fault.kind === 'malformed')
    return {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: '<html><body>502 Bad Gateway from a proxy</body>',
    };
  return { ...answer(), delayMs: fault.ms };
}

export interface ControlBody {
  fault?: Fault | null;
  target?: string;
  /** target → on/off (or a simulator-specific mode) for the recorded data of that target. */
  data?: Record<string, unknown>;
}

/**
 * The /__sim/ endpoints shared by the query simulators (used by e2e; tests call the methods):
 * POST /__sim/control {fault, target?, data?}, POST /__sim/reset.
 */
export function handleControl(
  request: SimRequest,
  apply: {
    fault: (fault: Fault | null, target?: string) => void;
    data: (target: string, value: unknown) => void;
    reset: () => void;
  },
): SimResponse | null {
  if (!request.path.startsWith('/__sim/')) return null;
  if (request.method !== 'POST') return text(405, 'POST only\n');
  if (request.path === '/__sim/reset') {
    apply.reset();
    return text(200, 'reset');
  }
  if (request.path === '/__sim/control') {
    let body: ControlBody;
    try {
      body = readJsonBody<ControlBody>(request);
    } catch {
      return text(400, 'expected JSON {fault?, target?, data?}\n');
    }
    if ('fault' in body) apply.fault(body.fault ?? null, body.target);
    for (const [target, value] of Object.entries(body.data ?? {})) apply.data(target, value);
    return text(200, 'ok');
  }
  return text(404, 'unknown simulator control\n');
}
