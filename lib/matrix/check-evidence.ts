import { z } from 'zod';

/**
 * What each check stores as its evidence (CheckResult.evidence), keyed by the check's name. The
 * probes write these shapes (their evidence types are inferred from these schemas, so writer and
 * reader cannot drift) and the store's readers parse them back. Objects are loose: a field an older
 * or newer board wrote is kept for the detail view rather than dropped.
 */

export const lokiLine = z.looseObject({ time: z.string(), line: z.string(), labels: z.record(z.string(), z.string()) });

const pyroscopeService = z.looseObject({
  serviceName: z.string(),
  profileTypes: z.array(z.string()),
  /** The profile type "last seen" was read from. */
  lastSeenType: z.string().optional(),
  lastSeenAt: z.string().nullable(),
  error: z.string().optional(),
  /** The error was no answer at all (timeout, refused). */
  unreachable: z.boolean().optional(),
});
export const pyroscopeEvidence = z.looseObject({ services: z.array(pyroscopeService) });

export const flameGraphEvidence = z.looseObject({
  minDepth: z.number(),
  cpuTypes: z.array(z.string()),
  services: z.array(
    z.looseObject({
      serviceName: z.string(),
      profileTypes: z.array(z.string()),
      cpuType: z.string().nullable(),
      total: z.number().nullable(),
      depth: z.number().nullable(),
      topFrames: z.array(z.string()),
      error: z.string().optional(),
    }),
  ),
});

const surfaceEvidence = z.looseObject({
  name: z.string(),
  query: z.string(),
  countsByKind: z.record(z.string(), z.number()),
  total: z.number(),
  newest: lokiLine.nullable(),
  missing: z.array(z.string()),
});
export const lokiEvidence = z.looseObject({
  selector: z.string(),
  window: z.looseObject({ start: z.string(), end: z.string() }),
  /** Per surface (one named "all" when the criterion names none). */
  surfaces: z.array(surfaceEvidence),
  countsByKind: z.record(z.string(), z.number()),
  total: z.number(),
  newest: lokiLine.nullable(),
});

export const traceSummary = z.looseObject({
  traceID: z.string(),
  rootServiceName: z.string().nullable(),
  rootTraceName: z.string().nullable(),
  startedAt: z.string().nullable(),
});
export const tempoEvidence = z.looseObject({
  query: z.string(),
  traceCount: z.number(),
  traces: z.array(traceSummary.extend({ linkedToBackend: z.boolean().nullable() })),
  linkedTraceId: z.string().nullable(),
});

const httpExchange = z
  .looseObject({
    status: z.number().nullable(),
    headers: z.record(z.string(), z.string()),
    problem: z.string().nullable(),
  })
  .nullable();
export const faroRouteEvidence = z.looseObject({
  routeUrl: z.string(),
  origin: z.string(),
  sameOrigin: z.boolean(),
  preflight: httpExchange,
  post: httpExchange,
  marker: z.string().nullable(),
  foundInLokiAfterMs: z.number().nullable(),
});

export const collectorUrlEvidence = z.looseObject({
  pageUrl: z.string(),
  collectorUrl: z.string(),
  searched: z.array(
    z.looseObject({ url: z.string(), status: z.number().nullable(), found: z.boolean(), error: z.string().optional() }),
  ),
  foundIn: z.string().nullable(),
});

export const latencyWindow = z.looseObject({
  start: z.string(),
  end: z.string(),
  spans: z.number().nullable(),
  /** The quantile in milliseconds. */
  quantileMs: z.number().nullable(),
});
export const latencyEvidence = z.looseObject({
  wentLiveAt: z.string().nullable(),
  /** Where the go-live time came from: the pods' start, the linked PR's merge or the issue's close. */
  wentLiveFrom: z.string().nullable(),
  quantile: z.number(),
  maxIncreasePercent: z.number(),
  minSpans: z.number(),
  queries: z.looseObject({ quantile: z.string(), count: z.string() }),
  before: latencyWindow.nullable(),
  after: latencyWindow.nullable(),
  changePercent: z.number().nullable(),
});

export const gateEvidence = z.looseObject({
  /** Pyroscope answered at all (any HTTP status) on its configured URL. */
  pyroscopeReachable: z.boolean().nullable(),
  pyroscopeReady: z.boolean().nullable(),
  pyroscopeMessage: z.string().nullable(),
  receiverStatus: z.number().nullable(),
  marker: z.string().nullable(),
  foundInLokiAfterMs: z.number().nullable(),
  lokiLine: z.string().nullable(),
});

/** One file of the merged check: what it found, and the ETag that makes the next check conditional. */
export const fileEvidence = z.looseObject({
  repository: z.string(),
  branch: z.string(),
  path: z.string(),
  status: z.enum(['pass', 'fail', 'error']),
  sha: z.string().nullable(),
  htmlUrl: z.string(),
  /** The file is unchanged since the stored check: the branch's head commit, or else the file, answered 304. */
  notModified: z.boolean(),
  /** The branch's head commit the file was read at. */
  commit: z.string().optional(),
  found: z.array(z.string()),
  missing: z.array(z.string()),
  error: z.string().optional(),
  /** Kept in the stored evidence so the next check (in any process) can be conditional. */
  etag: z.string().optional(),
  rules: z.string().optional(),
});
export const mergedEvidence = z.looseObject({ files: z.array(fileEvidence) });

/** How a variable reaches a container: its value (host/path only, no secrets), a ConfigMap or Secret, or a field. */
export const envSource = z.union([
  z.looseObject({ source: z.literal('value'), host: z.string().nullable(), path: z.string().optional() }),
  z.looseObject({
    source: z.enum(['configMap', 'secret']),
    name: z.string(),
    key: z.string().optional(),
    via: z.enum(['valueFrom', 'envFrom']),
  }),
  z.looseObject({ source: z.literal('field'), fieldPath: z.string() }),
]);
const envReport = z.record(z.string(), envSource.nullable());

export const workloadReport = z.looseObject({
  workload: z.string(),
  selector: z.string(),
  controllers: z.array(
    z.looseObject({
      kind: z.string(),
      name: z.string(),
      readyReplicas: z.number(),
      env: envReport,
      /** The plan's `enabledBy` variable switches the feature on here; null when its value is not visible. */
      enabled: z.boolean().nullable().optional(),
    }),
  ),
  /** startedAt: when the pod started (the latency proof's "went live" time). */
  pods: z.array(
    z.looseObject({ name: z.string(), phase: z.string(), startedAt: z.string().nullable(), env: envReport }),
  ),
  problems: z.array(z.string()),
});
/** The deployed check's Kubernetes report. */
export const deployedEvidence = z.looseObject({
  namespace: z.string(),
  env: z.array(z.string()),
  enabledBy: z.string().nullable(),
  workloads: z.array(workloadReport),
  /** Some variables come from a ConfigMap or Secret the board cannot read (see unconfirmed). */
  partial: z.boolean().optional(),
  unconfirmed: z.array(z.string()).optional(),
  /** On an error: the resource the Kubernetes API failed on. */
  resource: z.string().optional(),
});

/** The check names whose results the store keeps, each with the evidence it writes. */
const evidenceOfCheck = {
  pyroscope: pyroscopeEvidence,
  'flame-graph': flameGraphEvidence,
  loki: lokiEvidence,
  tempo: tempoEvidence,
  'faro-route': faroRouteEvidence,
  'collector-url': collectorUrlEvidence,
  merged: mergedEvidence,
  deployed: deployedEvidence,
  latency: latencyEvidence,
  'gate-ready': gateEvidence,
  'gate-reachable': gateEvidence,
  'gate-receiver': gateEvidence,
  'gate-loki': gateEvidence,
} as const;

export type CheckName = keyof typeof evidenceOfCheck;
export const isCheckName = (name: string): name is CheckName => Object.hasOwn(evidenceOfCheck, name);

export const GATE_STEPS = ['gate-ready', 'gate-reachable', 'gate-receiver', 'gate-loki'] as const;
export type GateStep = (typeof GATE_STEPS)[number];
export const isGateStep = (name: string): name is GateStep => (GATE_STEPS as readonly string[]).includes(name);

/**
 * Evidence as stored: any field may be missing, since a result that is not a pass (not configured,
 * an error before the upstream answered) stores only what it got, often nothing.
 */
export type StoredEvidenceOf<C extends CheckName> = Partial<z.infer<(typeof evidenceOfCheck)[C]>>;

/** Any check's evidence as stored (what a result of some check carries). */
export type StoredEvidence = StoredEvidenceOf<CheckName>;

const storedEvidenceOfCheck: { [C in CheckName]: z.ZodType<StoredEvidenceOf<C>> } = {
  pyroscope: pyroscopeEvidence.partial(),
  'flame-graph': flameGraphEvidence.partial(),
  loki: lokiEvidence.partial(),
  tempo: tempoEvidence.partial(),
  'faro-route': faroRouteEvidence.partial(),
  'collector-url': collectorUrlEvidence.partial(),
  merged: mergedEvidence.partial(),
  deployed: deployedEvidence.partial(),
  latency: latencyEvidence.partial(),
  'gate-ready': gateEvidence.partial(),
  'gate-reachable': gateEvidence.partial(),
  'gate-receiver': gateEvidence.partial(),
  'gate-loki': gateEvidence.partial(),
};

/** A stored check's name and evidence, discriminated by the name (C narrows it to some checks). */
export type CheckEvidence<C extends CheckName = CheckName> = {
  [K in CheckName]: { check: K; evidence?: StoredEvidenceOf<K>; evidenceProblem?: string };
}[C];

/**
 * Reads one stored evidence text with its check's schema. Never throws: a row that is not JSON or
 * has the wrong shape reads as the problem, in words.
 */
export function readEvidenceOf<C extends CheckName>(
  check: C,
  text: string,
): { ok: true; evidence: StoredEvidenceOf<C> } | { ok: false; problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, problem: `the stored ${check} evidence is not JSON` };
  }
  const parsed = storedEvidenceOfCheck[check].safeParse(value);
  if (parsed.success) return { ok: true, evidence: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue?.path.join('.') || 'value';
  return { ok: false, problem: `the stored ${check} evidence has an unexpected shape (${where}: ${issue?.message})` };
}

/**
 * A stored result's check and evidence; a row whose evidence does not read carries the problem
 * instead, so a page still shows the result.
 */
export function readStoredEvidence(check: CheckName, text: string): CheckEvidence {
  const read = readEvidenceOf(check, text);
  // TypeScript does not carry the check name into the evidence type it indexes; readEvidenceOf pairs them.
  return read.ok ? ({ check, evidence: read.evidence } as CheckEvidence) : { check, evidenceProblem: read.problem };
}

/** The check passed but could not confirm everything (a deployed variable inside an unreadable ConfigMap). */
export const provenPartly = (fact: CheckEvidence | { check: string; evidence?: undefined }): boolean =>
  fact.check === 'deployed' && fact.evidence?.partial === true;
