/** A deployed check's Kubernetes report as the store keeps it: one workload, Faro per controller, one pod per start time. */
export const deployedReport = (enabled: Array<boolean | null>, startedAt: Array<string | null>) => ({
  namespace: 'ca7f8f-dev',
  env: ['OTEL_EXPORTER_OTLP_ENDPOINT'],
  enabledBy: 'FARO_ENABLED',
  workloads: [
    {
      workload: 'acapy',
      selector: 'app.kubernetes.io/name=acapy',
      controllers: enabled.map((e, i) => ({
        kind: 'Deployment',
        name: `acapy-${i}`,
        readyReplicas: 1,
        env: {},
        enabled: e,
      })),
      pods: startedAt.map((s, i) => ({ name: `acapy-${i}`, phase: 'Running', startedAt: s, env: {} })),
      problems: [],
    },
  ],
});
