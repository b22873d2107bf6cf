import type { z } from 'zod';
import type { gateEvidence } from '../matrix/check-evidence';
import { randomUUID } from 'node:crypto';
import { redactUrl } from '../config/redact';
import { upstreamRequest, type Upstream } from './http';
import { queryLogs } from './loki';
import { probePyroscopeReady } from './pyroscope';
import { notConfigured, pause, quoteLabel, type ProbeResult } from './types';

/** The Faro app name the gate's test payload uses, so its lines never mix with a real app's. */
export const GATE_APP = 'rollout-board-probe';

export interface GateTargets {
  pyroscope: Upstream | null;
  loki: Upstream | null;
  /** Alloy faro.receiver: its base URL or its /collect URL. */
  receiver: { url: string; apiKey?: string; timeoutMs: number } | null;
  /** How long to poll Loki for the marker. */
  deadlineMs: number;
  pollMs?: number;
  /** The run's cancellation: the receiver's request stops and Loki is no longer polled once it aborts. */
  signal?: AbortSignal;
}

/** Its schema is the stored evidence's (lib/matrix/check-evidence.ts), so what the probe writes is what readers parse. */
export type GateEvidence = z.infer<typeof gateEvidence>;

export const collectUrl = (url: string) =>
  /\/collect\/?$/.test(new URL(url).pathname) ? url : `${url.replace(/\/$/, '')}/collect`;

/** A minimal Faro payload, as the SDK would send it, carrying a marker to look for in Loki. */
export function gatePayload(marker: string, now = new Date()) {
  return {
    meta: {
      app: { name: GATE_APP, version: '1.0.0', environment: 'gate' },
      session: { id: marker.slice(0, 20) },
      sdk: { name: 'rollout-board-probe', version: '1.0.0' },
    },
    logs: [
      {
        message: `rollout-board gate probe ${marker}`,
        level: 'info',
        timestamp: now.toISOString(),
        context: { probe: 'true' },
      },
    ],
  };
}

/**
 * The go/no-go gate: Pyroscope /ready, then a marked Faro payload to Alloy's receiver (202 alone
 * proves nothing) and Loki polled until the marker shows up or the deadline passes.
 */
export async function probeGate(targets: GateTargets): Promise<ProbeResult<GateEvidence>> {
  const evidence: GateEvidence = {
    pyroscopeReachable: null,
    pyroscopeReady: null,
    pyroscopeMessage: null,
    receiverStatus: null,
    marker: null,
    foundInLokiAfterMs: null,
    lokiLine: null,
  };
  const missing = [
    !targets.pyroscope && 'PYROSCOPE_URL',
    !targets.receiver && 'FARO_RECEIVER_URL',
    !targets.loki && 'LOKI_URL',
  ].filter(Boolean);
  const { pyroscope, loki, receiver } = targets;
  if (!pyroscope || !loki || !receiver)
    return {
      status: 'not-configured',
      message: `${missing.join(', ')} not set, so the gate cannot be checked.`,
      evidence,
    };

  // Each step is its own criterion: a Pyroscope that is not ready does not stop the receiver's round trip.
  const ready = await probePyroscopeReady(pyroscope);
  evidence.pyroscopeReady = ready.ok;
  evidence.pyroscopeReachable = ready.ok || ready.status !== null;
  evidence.pyroscopeMessage = ready.ok ? null : ready.message;
  const notReady = ready.ok ? null : `Pyroscope is not ready: ${ready.message}`;

  const marker = `gate-${randomUUID()}`;
  evidence.marker = marker;
  const url = collectUrl(receiver.url);
  const receiverUpstream: Upstream = {
    name: 'Alloy faro.receiver',
    envPrefix: 'FARO_RECEIVER',
    url: new URL(url).origin,
    timeoutMs: receiver.timeoutMs,
    signal: targets.signal,
  };
  const sent = Date.now();
  const post = await upstreamRequest(receiverUpstream, {
    path: new URL(url).pathname,
    json: gatePayload(marker),
    headers: { 'x-faro-session-id': marker.slice(0, 20), ...(receiver.apiKey ? { 'x-api-key': receiver.apiKey } : {}) },
  });
  evidence.receiverStatus = post.status;
  if (!post.ok)
    return {
      status: 'error',
      message: `The test payload to ${redactUrl(url)} was refused: ${post.message}`,
      evidence,
    };
  if (post.status !== 202)
    return {
      status: 'error',
      message: `Alloy's faro.receiver answered ${post.status} instead of 202 to the test payload.`,
      evidence,
    };

  const query = `{service_name=${quoteLabel(GATE_APP)}} |= ${quoteLabel(marker)}`;
  const deadline = sent + targets.deadlineMs;
  let lastError: string | null = null;
  for (;;) {
    const found = await queryLogs(loki, query, { start: sent - 60_000, end: Date.now() + 60_000 }, 1);
    if (found.ok && found.value) {
      evidence.foundInLokiAfterMs = Date.now() - sent;
      evidence.lokiLine = found.value.line;
      const roundTrip = `Faro test payload accepted (202) and found in Loki after ${evidence.foundInLokiAfterMs} ms`;
      if (notReady) return { status: 'error', message: `${notReady} (${roundTrip})`, evidence };
      return { status: 'pass', message: `Pyroscope ready; ${roundTrip}`, evidence };
    }
    lastError = found.ok ? null : found.message;
    if (Date.now() + (targets.pollMs ?? 1000) > deadline || targets.signal?.aborted) break;
    await pause(targets.pollMs ?? 1000, targets.signal);
  }
  const seconds = Math.round(targets.deadlineMs / 1000);
  if (lastError)
    return {
      status: 'error',
      message: `The receiver accepted the test payload (202), but Loki could not be asked: ${lastError}`,
      evidence,
    };
  return {
    status: 'fail',
    message:
      `The receiver accepted the test payload (202), but it did not appear in Loki within ${seconds}s ` +
      `(query ${query}): check Alloy's loki.write endpoint and extra_log_labels.`,
    evidence,
  };
}

/** The check names of the gate's four automated criteria. */
export type GateStep = 'gate-ready' | 'gate-reachable' | 'gate-receiver' | 'gate-loki';

/**
 * One gate run as four criteria results: Pyroscope /ready, Pyroscope reachable on its port, the
 * receiver accepting the test POST, and the payload showing up in Loki.
 */
export function gateStepResult(step: GateStep, run: ProbeResult<GateEvidence>): ProbeResult {
  const e = run.evidence;
  const evidence = { ...e };
  if (run.status === 'not-configured') {
    const needs: Record<GateStep, string> = {
      'gate-ready': 'PYROSCOPE_URL',
      'gate-reachable': 'PYROSCOPE_URL',
      'gate-receiver': 'FARO_RECEIVER_URL',
      'gate-loki': 'FARO_RECEIVER_URL and LOKI_URL',
    };
    return { ...notConfigured(needs[step]), evidence };
  }
  if (step === 'gate-reachable') {
    if (e.pyroscopeReachable) return { status: 'pass', message: 'Pyroscope answered on its configured URL.', evidence };
    return { status: 'fail', message: e.pyroscopeMessage ?? 'Pyroscope did not answer.', evidence, unreachable: true };
  }
  if (step === 'gate-ready') {
    if (e.pyroscopeReady) return { status: 'pass', message: 'Pyroscope /ready answered 200 ready.', evidence };
    return {
      status: e.pyroscopeReachable ? 'fail' : 'error',
      message: `Pyroscope is not ready: ${e.pyroscopeMessage}`,
      evidence,
    };
  }
  if (step === 'gate-receiver') {
    if (e.receiverStatus === 202)
      return { status: 'pass', message: 'The receiver accepted the test payload (202).', evidence };
    return { status: 'error', message: run.message ?? 'The receiver did not accept the test payload.', evidence };
  }
  if (e.foundInLokiAfterMs !== null)
    return { status: 'pass', message: `The test payload was in Loki after ${e.foundInLokiAfterMs} ms.`, evidence };
  if (e.receiverStatus !== 202)
    return { status: 'error', message: `Not sent: ${run.message ?? 'the receiver refused the payload'}`, evidence };
  return { status: run.status === 'pass' ? 'error' : run.status, message: run.message, evidence };
}
