import { createPrivateKey } from 'node:crypto';
import { find, type Manifest, names, render, rendered } from './render';
import { CHART, EXAMPLE_VALUES, run, tool } from './tools';

const SCHEMAS = () => tool('K8S_SCHEMAS_DIR');
const KUBE_VERSION = '1.36.0';

/** Pod specs of every workload in a rendering, with the workload's kind/name. */
function podSpecs(manifests: Manifest[]): { owner: string; spec: Manifest['spec'] }[] {
  return manifests.flatMap((m) => {
    if (m.kind === 'Deployment' || m.kind === 'StatefulSet')
      return [{ owner: `${m.kind}/${m.metadata.name}`, spec: m.spec.template.spec }];
    if (m.kind === 'Pod') return [{ owner: `Pod/${m.metadata.name}`, spec: m.spec }];
    return [];
  });
}

function env(
  container: { env?: { name: string; value?: string; valueFrom?: unknown }[] },
  name: string,
) {
  return container.env?.find((e) => e.name === name);
}

function kubeconform(yaml: string) {
  return run(
    tool('KUBECONFORM'),
    [
      '-strict',
      '-summary',
      '-kubernetes-version',
      KUBE_VERSION,
      '-schema-location',
      `${SCHEMAS()}/{{ .NormalizedKubernetesVersion }}-local{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json`,
      '-',
    ],
    yaml,
  );
}

describe.each(EXAMPLE_VALUES)('the example %s', (file) => {
  it('passes helm lint --strict', () => {
    const r = run(tool('HELM'), ['lint', '--strict', CHART, '-f', `${CHART}/${file}`]);
    expect(r.stderr + r.stdout).toContain('0 chart(s) failed');
    expect(r.status).toBe(0);
  });

  it('renders only objects that validate strictly against the Kubernetes 1.36 schemas', () => {
    const r = render({ files: [file] });
    expect(r.stderr).toBe('');
    const check = kubeconform(r.yaml);
    expect(check.stdout).toMatch(
      new RegExp(`Valid: ${r.manifests.length}, Invalid: 0, Errors: 0, Skipped: 0`),
    );
    expect(check.status).toBe(0);
  });
});

describe('schema validation of the renderings', () => {
  it('catches a field Kubernetes does not know (the offline schemas are really loaded)', () => {
    const r = render({
      files: ['values-evaluation.yaml'],
      set: { 'podSecurityContext.runAsNonRot': true },
    });
    const check = kubeconform(r.yaml);
    expect(check.status).not.toBe(0);
    expect(check.stdout).toMatch(/runAsNonRot/);
  });
});

describe('values.schema.json', () => {
  it('refuses a mistyped value, naming its path and the expected type', () => {
    const r = render({ set: { 'services.identity.replicas': 'two' } });
    expect(r.ok).toBe(false);
    expect(r.stderr).toContain("at '/services/identity/replicas': got string, want integer");
  });

  it('refuses a misspelled key', () => {
    const r = render({ set: { 'agentWorkers.backends.claude.concurency': 4 } });
    expect(r.ok).toBe(false);
    expect(r.stderr).toContain(
      "at '/agentWorkers/backends/claude': additional properties 'concurency' not allowed",
    );
  });

  it('refuses an unknown agent backend and an unknown log level', () => {
    expect(render({ set: { 'agentWorkers.backends.mistral.enabled': true } }).stderr).toContain(
      "additional properties 'mistral' not allowed",
    );
    expect(render({ set: { 'config.logLevel': 'verbose' } }).stderr).toContain(
      "at '/config/logLevel'",
    );
  });

  it('requires existingSecret once a store is external, and a URL for an external NATS', () => {
    const pg = render({ set: { 'postgres.bundled': false } });
    expect(pg.ok).toBe(false);
    expect(pg.stderr).toContain("at '/secrets/existingSecret': minLength: got 0, want 1");
    const nats = render({ set: { 'nats.bundled': false } });
    expect(nats.ok).toBe(false);
    expect(nats.stderr).toContain("at '/nats/url'");
  });
});

describe('the GPU pool (values-gpu.yaml)', () => {
  const manifests = rendered({ files: ['values-production.yaml', 'values-gpu.yaml'] });
  const ollama = find(manifests, 'StatefulSet', 'pm-postmagiq-ollama');
  const pod = ollama.spec.template.spec;

  it('schedules Ollama on the GPU nodes: node selector, tolerations, affinity, runtime class', () => {
    expect(pod.nodeSelector).toEqual({ 'postmagiq.io/pool': 'gpu' });
    expect(pod.tolerations).toEqual([
      { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
    ]);
    expect(
      pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]
        .matchExpressions,
    ).toEqual([{ key: 'nvidia.com/gpu.present', operator: 'In', values: ['true'] }]);
    expect(pod.runtimeClassName).toBe('nvidia');
  });

  it('requests and limits the GPUs, beside cpu and memory', () => {
    const { resources } = pod.containers[0];
    expect(resources.requests).toEqual({ cpu: '4', memory: '16Gi', 'nvidia.com/gpu': 1 });
    expect(resources.limits).toEqual({ memory: '32Gi', 'nvidia.com/gpu': 1 });
  });

  it('keeps the models on a volume and pulls each listed model only when it is missing', () => {
    expect(ollama.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('100Gi');
    const pull = pod.initContainers[0];
    expect(pull.args[0]).toContain('for model in llama3.1:8b nomic-embed-text');
    expect(pull.args[0]).toMatch(/ollama show "\$model".*\|\| |if ollama show "\$model"/);
    expect(env(pull, 'OLLAMA_MODELS')?.value).toBe('/models');
  });

  it('points the ollama agent pool and content at the in-cluster Ollama', () => {
    expect(names(manifests, 'Deployment')).toContain('pm-postmagiq-agent-ollama');
    const config = find(manifests, 'ConfigMap', 'pm-postmagiq-config');
    expect(config.data.OLLAMA_HOST).toBe('http://pm-postmagiq-ollama:11434');
    const worker = find(manifests, 'Deployment', 'pm-postmagiq-agent-ollama').spec.template.spec;
    expect(worker.containers[0].envFrom[0].configMapRef.name).toBe('pm-postmagiq-config');
    expect(env(worker.containers[0], 'AGENT_BACKEND')?.value).toBe('ollama');
    expect(worker.nodeSelector).toBeUndefined(); // only Ollama needs the GPU pool
  });

  it('refuses an ollama agent pool with nowhere to send its calls', () => {
    const r = render({ set: { 'agentWorkers.backends.ollama.enabled': true } });
    expect(r.ok).toBe(false);
    expect(r.stderr).toContain('agentWorkers.backends.ollama needs ollama.enabled');
  });
});

describe('agent pools', () => {
  it('makes one Deployment per enabled backend with its replicas, concurrency and rate limit', () => {
    const manifests = rendered({ files: ['values-production.yaml'] });
    expect(names(manifests, 'Deployment').filter((n) => n.includes('-agent-'))).toEqual([
      'pm-postmagiq-agent-claude',
      'pm-postmagiq-agent-openai',
    ]);
    const claude = find(manifests, 'Deployment', 'pm-postmagiq-agent-claude');
    expect(claude.spec.replicas).toBe(3);
    const c = claude.spec.template.spec.containers[0];
    expect(env(c, 'AGENT_CONCURRENCY')?.value).toBe('8');
    expect(env(c, 'AGENT_RATE_MAX')?.value).toBe('40');
    expect(env(c, 'ANTHROPIC_API_KEY')?.valueFrom).toEqual({
      secretKeyRef: { name: 'postmagiq', key: 'ANTHROPIC_API_KEY' },
    });
  });

  it('leaves nothing of a disabled backend: no Deployment, Service, PDB or ScaledObject', () => {
    const manifests = rendered({
      files: ['values-production.yaml'],
      set: {
        'agentWorkers.backends.claude.enabled': false,
        'agentWorkers.keda.enabled': true,
        'agentWorkers.keda.redisAddress': 'redis.internal:6379',
      },
    });
    const claudeObjects = manifests.filter((m) => m.metadata.name.includes('agent-claude'));
    expect(claudeObjects).toEqual([]);
    expect(names(manifests, 'ScaledObject')).toEqual(['pm-postmagiq-agent-openai']);
  });

  it('scales a pool with KEDA on its BullMQ queue depth when enabled', () => {
    const manifests = rendered({
      files: ['values-evaluation.yaml'],
      set: { 'agentWorkers.keda.enabled': true },
    });
    const scaled = find(manifests, 'ScaledObject', 'pm-postmagiq-agent-simulated');
    expect(scaled.spec.triggers[0].metadata.listName).toBe('pmq:agents.simulated:wait');
    // KEDA owns the replica count then
    expect(
      find(manifests, 'Deployment', 'pm-postmagiq-agent-simulated').spec.replicas,
    ).toBeUndefined();
  });
});

describe('data stores', () => {
  it('leaves no StatefulSet and no store Service when every store is external', () => {
    const manifests = rendered({ files: ['values-production.yaml'] });
    expect(names(manifests, 'StatefulSet')).toEqual([]);
    expect(names(manifests, 'Service').filter((n) => /postgres|redis|nats/.test(n))).toEqual([]);
    expect(find(manifests, 'ConfigMap', 'pm-postmagiq-config').data.NATS_URL).toBe(
      'nats://nats.nats.svc.cluster.local:4222',
    );
  });

  it('bundles Postgres with pgvector, Redis with AOF and noeviction, JetStream on files synced always', () => {
    const manifests = rendered({ files: ['values-evaluation.yaml'] });
    expect(names(manifests, 'StatefulSet')).toEqual([
      'pm-postmagiq-nats',
      'pm-postmagiq-postgres',
      'pm-postmagiq-redis',
    ]);
    const pg = find(manifests, 'StatefulSet', 'pm-postmagiq-postgres').spec.template.spec
      .containers[0];
    expect(pg.image).toMatch(/^pgvector\/pgvector:/);
    expect(
      find(manifests, 'ConfigMap', 'pm-postmagiq-postgres-initdb').data['01-pgvector.sql'],
    ).toContain('CREATE EXTENSION IF NOT EXISTS vector');
    const redisArgs: string[] = find(manifests, 'StatefulSet', 'pm-postmagiq-redis').spec.template
      .spec.containers[0].args;
    expect(redisArgs.join(' ')).toContain('--appendonly yes');
    expect(redisArgs.join(' ')).toContain('--maxmemory-policy noeviction');
    const nats: string = find(manifests, 'ConfigMap', 'pm-postmagiq-nats').data['nats.conf'];
    expect(nats).toMatch(/store_dir: \/data\/jetstream/);
    expect(nats).toMatch(/sync_interval: always/);
    for (const name of ['pm-postmagiq-postgres', 'pm-postmagiq-redis', 'pm-postmagiq-nats']) {
      expect(find(manifests, 'StatefulSet', name).spec.volumeClaimTemplates).toHaveLength(1);
    }
  });
});

describe('secrets', () => {
  it('come only from existingSecret when it is set: no Secret object, every reference names it', () => {
    const manifests = rendered({ files: ['values-production.yaml', 'values-gpu.yaml'] });
    expect(names(manifests, 'Secret')).toEqual([]);
    const refs = podSpecs(manifests).flatMap(({ spec }) =>
      [...(spec.initContainers ?? []), ...spec.containers].flatMap(
        (c: { env?: { valueFrom?: { secretKeyRef?: { name: string } } }[] }) =>
          (c.env ?? []).flatMap((e) =>
            e.valueFrom?.secretKeyRef ? [e.valueFrom.secretKeyRef.name] : [],
          ),
      ),
    );
    expect(refs.length).toBeGreaterThan(10);
    expect(new Set(refs)).toEqual(new Set(['postmagiq']));
    const identity = find(manifests, 'Deployment', 'pm-postmagiq-identity').spec.template.spec
      .containers[0];
    for (const key of ['DATABASE_URL', 'REDIS_URL', 'IDENTITY_SIGNING_KEY']) {
      expect(env(identity, key)?.valueFrom).toEqual({ secretKeyRef: { name: 'postmagiq', key } });
    }
    expect(env(identity, 'SMTP_URL')?.valueFrom).toEqual({
      secretKeyRef: { name: 'postmagiq', key: 'SMTP_URL', optional: true },
    });
  });

  it('are generated for an evaluation install: an Ed25519 signing key Node accepts, store URLs with passwords', () => {
    const secret = find(
      rendered({ files: ['values-evaluation.yaml'] }),
      'Secret',
      'pm-postmagiq-secrets',
    );
    const key = createPrivateKey(secret.stringData.IDENTITY_SIGNING_KEY);
    expect(key.asymmetricKeyType).toBe('ed25519');
    expect(secret.stringData.DATABASE_URL).toBe(
      `postgres://postmagiq:${secret.stringData.POSTGRES_PASSWORD}@pm-postmagiq-postgres:5432/postmagiq`,
    );
    expect(secret.stringData.POSTGRES_PASSWORD).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(secret.stringData.REDIS_URL).toBe(
      `redis://:${secret.stringData.REDIS_PASSWORD}@pm-postmagiq-redis:6379`,
    );
  });
});

describe('every pod', () => {
  const all = [
    ...rendered({ files: ['values-evaluation.yaml'] }),
    ...rendered({ files: ['values-production.yaml', 'values-gpu.yaml'] }),
  ];

  it('runs hardened: non-root, read-only root filesystem, no capabilities, RuntimeDefault seccomp, bounded resources', () => {
    const pods = podSpecs(all);
    expect(pods.length).toBeGreaterThan(15);
    for (const { owner, spec } of pods) {
      expect({ owner, runAsNonRoot: spec.securityContext?.runAsNonRoot }).toEqual({
        owner,
        runAsNonRoot: true,
      });
      for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
        const where = `${owner} ${c.name}`;
        expect({ where, sc: c.securityContext }).toEqual({
          where,
          sc: expect.objectContaining({
            readOnlyRootFilesystem: true,
            allowPrivilegeEscalation: false,
            capabilities: { drop: ['ALL'] },
            seccompProfile: { type: 'RuntimeDefault' },
          }),
        });
        expect({
          where,
          limits: Boolean(c.resources?.limits?.memory),
          requests: Boolean(c.resources?.requests),
        }).toEqual({ where, limits: true, requests: true });
      }
    }
  });

  it('of a service is probed on its health endpoints and has a PDB', () => {
    const manifests = rendered({ files: ['values-production.yaml'] });
    for (const name of ['identity', 'content', 'orchestration']) {
      const c = find(manifests, 'Deployment', `pm-postmagiq-${name}`).spec.template.spec
        .containers[0];
      expect(c.livenessProbe.httpGet.path).toBe('/health/live');
      expect(c.readinessProbe.httpGet.path).toBe('/health/ready');
      expect(find(manifests, 'PodDisruptionBudget', `pm-postmagiq-${name}`).spec.minAvailable).toBe(
        1,
      );
      const hpa = find(manifests, 'HorizontalPodAutoscaler', `pm-postmagiq-${name}`);
      expect(hpa.spec.scaleTargetRef.name).toBe(`pm-postmagiq-${name}`);
      expect(find(manifests, 'Deployment', `pm-postmagiq-${name}`).spec.replicas).toBeUndefined();
    }
  });
});

describe('routing', () => {
  it('sends each API path to its service and / to the console, with long-lived WebSocket upgrades', () => {
    const manifests = rendered({ files: ['values-evaluation.yaml'] });
    const ingress = find(manifests, 'Ingress', 'pm-postmagiq');
    const routes = Object.fromEntries(
      ingress.spec.rules[0].http.paths.map(
        (p: { path: string; backend: { service: { name: string } } }) => [
          p.path,
          p.backend.service.name,
        ],
      ),
    );
    expect(routes['/api/auth']).toBe('pm-postmagiq-identity');
    expect(routes['/api/posts']).toBe('pm-postmagiq-content');
    expect(routes['/api/workflows']).toBe('pm-postmagiq-orchestration');
    expect(routes['/']).toBe('pm-postmagiq-console');
    expect(ingress.metadata).toMatchObject({
      annotations: { 'nginx.ingress.kubernetes.io/proxy-read-timeout': '3600' },
    });
  });

  it('offers a Gateway API HTTPRoute', () => {
    const manifests = rendered({
      files: ['values-evaluation.yaml'],
      set: { 'httpRoute.enabled': true, 'httpRoute.parentRefs[0].name': 'public-gateway' },
    });
    const route = find(manifests, 'HTTPRoute', 'pm-postmagiq');
    expect(route.spec.parentRefs).toEqual([{ name: 'public-gateway' }]);
    const orchestration = route.spec.rules.find(
      (r: { backendRefs: { name: string }[] }) =>
        r.backendRefs[0]?.name === 'pm-postmagiq-orchestration',
    );
    expect(orchestration.matches).toEqual([
      { path: { type: 'PathPrefix', value: '/api/workflows' } },
    ]);
  });

  it('adds a service from one values entry: Deployment, Service and its paths', () => {
    const manifests = rendered({
      files: ['values-evaluation.yaml'],
      set: { 'services.billing.enabled': true },
    });
    expect(
      find(manifests, 'Deployment', 'pm-postmagiq-billing').spec.template.spec.containers[0].image,
    ).toBe('postmagiq-billing:0.1.0');
    expect(find(manifests, 'Service', 'pm-postmagiq-billing').spec.ports[0].port).toBe(8080);
    const paths = find(manifests, 'Ingress', 'pm-postmagiq').spec.rules[0].http.paths.map(
      (p: { path: string }) => p.path,
    );
    expect(paths).toContain('/api/billing');
  });
});

describe('monitoring', () => {
  it('adds a ServiceMonitor only when the Prometheus operator CRD exists', () => {
    expect(names(rendered({ files: ['values-evaluation.yaml'] }), 'ServiceMonitor')).toEqual([]);
    const manifests = rendered({
      files: ['values-evaluation.yaml'],
      apiVersions: ['monitoring.coreos.com/v1/ServiceMonitor'],
    });
    const monitor = find(manifests, 'ServiceMonitor', 'pm-postmagiq');
    expect(monitor.spec.endpoints[0]).toMatchObject({ port: 'metrics', path: '/metrics' });
    const scraped = manifests.filter(
      (m) => m.kind === 'Service' && m.metadata.labels?.['postmagiq.io/metrics'] === 'true',
    );
    expect(scraped.map((s) => s.metadata.name)).toEqual(
      expect.arrayContaining(['pm-postmagiq-identity', 'pm-postmagiq-agent-simulated']),
    );
  });

  it('ships a Grafana dashboard whose panels query the services’ metrics', () => {
    const dashboard = find(
      rendered({ files: ['values-evaluation.yaml'] }),
      'ConfigMap',
      'pm-postmagiq-dashboard',
    );
    const json = JSON.parse(dashboard.data['postmagiq.json']);
    const exprs = json.panels
      .flatMap((p: { targets: { expr: string }[] }) => p.targets.map((t) => t.expr))
      .join('\n');
    for (const metric of [
      'http_server_request_duration_seconds',
      'agent_worker_jobs_total',
      'agent_worker_cost_usd_total',
    ]) {
      expect(exprs).toContain(metric);
    }
  });
});

describe('network policies', () => {
  it('deny by default and let the services reach the bundled stores they use', () => {
    const manifests = rendered({ files: ['values-evaluation.yaml'] });
    const deny = find(manifests, 'NetworkPolicy', 'pm-postmagiq-default-deny');
    expect(deny.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(deny.spec.ingress).toBeUndefined();
    expect(deny.spec.egress).toBeUndefined();
    const pg = find(manifests, 'NetworkPolicy', 'pm-postmagiq-postgres');
    expect(pg.spec.ingress[0].from[0].podSelector.matchLabels['postmagiq.io/database']).toBe(
      'true',
    );
    expect(
      find(manifests, 'Deployment', 'pm-postmagiq-identity').spec.template.metadata.labels[
        'postmagiq.io/database'
      ],
    ).toBe('true');
    expect(
      find(manifests, 'Deployment', 'pm-postmagiq-agent-simulated').spec.template.metadata.labels[
        'postmagiq.io/database'
      ],
    ).toBeUndefined();
  });
});
