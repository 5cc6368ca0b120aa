import { execSync } from 'node:child_process';
import { join } from 'node:path';
import { ControlPlane } from './control-plane';
import { render } from './render';
import { CHART } from './tools';

/*
 * The chart against a real kube-apiserver (kwok's fake node stands in for kubelets): only the API
 * server refuses what the schemas cannot see (label values, port ranges, immutable fields), and
 * only an install shows that Helm can bring every object to ready, test, upgrade and remove them.
 */
const NS = 'postmagiq';
const RELEASE = 'pm';
const INSTANCE = `app.kubernetes.io/instance=${RELEASE}`;

let plane: ControlPlane;

beforeAll(async () => {
  plane = await ControlPlane.start();
  plane.kubectl(['create', 'namespace', NS]);
  plane.kubectl(['apply', '-f', join(__dirname, 'cluster/volumes.yaml')]);
}, 180_000);

afterAll(async () => {
  await plane?.stop();
}, 60_000);

function names(kind: string, selector = INSTANCE): string[] {
  const out = plane
    .kubectl(['get', kind, '-n', NS, '-l', selector, '-o', 'jsonpath={.items[*].metadata.name}'])
    .trim();
  return out ? out.split(/\s+/).sort() : [];
}

function helmOk(args: string[]): string {
  const r = plane.helm(args);
  if (r.status !== 0)
    throw new Error(`helm ${args.join(' ')} failed (${r.status}):\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

describe('the chart on a real control plane', () => {
  it.each([
    { files: ['values-evaluation.yaml'] },
    { files: ['values-production.yaml'] },
    { files: ['values-production.yaml', 'values-gpu.yaml'] },
  ])(
    'every object of $files passes server-side validation (kubectl apply --dry-run=server --validate=strict)',
    ({ files }) => {
      const rendering = render({ files });
      expect(rendering.stderr).toBe('');
      const out = plane.kubectl(
        ['apply', '--dry-run=server', '--validate=strict', '-n', NS, '-f', '-'],
        rendering.yaml,
      );
      const applied = out.trim().split('\n');
      expect(applied).toHaveLength(rendering.manifests.length);
      for (const line of applied)
        expect(line).toMatch(/ (created|configured|unchanged) \(server dry run\)$/);
    },
    120_000,
  );

  it('refuses what only the API server checks (a bad label value, a port out of range)', () => {
    const rendering = render({ files: ['values-evaluation.yaml'], set: { 'metrics.port': 70000 } });
    // the chart's schema already refuses it…
    expect(rendering.ok).toBe(false);
    expect(rendering.stderr).toContain("at '/metrics/port'");
    // …and the API server refuses the same object built by hand
    const bad = plane.kubectlRun(
      ['apply', '--dry-run=server', '-n', NS, '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'bad', labels: { 'app.kubernetes.io/version': 'not a label value!' } },
        spec: { ports: [{ port: 70000 }] },
      }),
    );
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/spec.ports\[0\].port: Invalid value: 70000/);
    expect(bad.stderr).toMatch(/metadata.labels: Invalid value: "not a label value!"/);
  });

  it('installs the evaluation release, tests it, upgrades it and uninstalls it without leftovers', () => {
    const values = ['-f', `${CHART}/values-evaluation.yaml`];

    // install: every workload ready (kwok's node makes pods Ready; the claims bind to test volumes)
    const notes = helmOk([
      'install',
      RELEASE,
      CHART,
      '-n',
      NS,
      ...values,
      '--wait',
      '--timeout',
      '3m',
    ]);
    // the notes say how to reach the console and how to name the first owner in the built image
    expect(notes).toContain('Console: http://postmagiq.local');
    expect(notes).toContain(
      'exec deploy/pm-postmagiq-identity -- \\\n    node services/identity/src/grant-system-role.main.js you@example.com owner',
    );
    expect(names('deployments')).toEqual([
      'pm-postmagiq-agent-simulated',
      'pm-postmagiq-billing',
      'pm-postmagiq-console',
      'pm-postmagiq-content',
      'pm-postmagiq-identity',
      'pm-postmagiq-orchestration',
    ]);
    expect(names('statefulsets')).toEqual([
      'pm-postmagiq-nats',
      'pm-postmagiq-postgres',
      'pm-postmagiq-redis',
    ]);
    expect(names('persistentvolumeclaims')).toEqual([
      'data-pm-postmagiq-nats-0',
      'data-pm-postmagiq-postgres-0',
      'data-pm-postmagiq-redis-0',
    ]);
    const ready = plane.kubectl([
      'get',
      'deployments,statefulsets',
      '-n',
      NS,
      '-l',
      INSTANCE,
      '-o',
      'jsonpath={range .items[*]}{.metadata.name}={.status.readyReplicas}/{.spec.replicas} {end}',
    ]);
    for (const entry of ready.trim().split(' ')) expect(entry).toMatch(/=(\d+)\/\1$/);
    const pods = plane.kubectl([
      'get',
      'pods',
      '-n',
      NS,
      '-l',
      INSTANCE,
      '-o',
      'jsonpath={range .items[*]}{.spec.nodeName}:{.status.phase} {end}',
    ]);
    for (const p of pods.trim().split(' ')) expect(p).toBe('kwok-node-0:Running');
    const key = plane.kubectl([
      'get',
      'secret',
      'pm-postmagiq-secrets',
      '-n',
      NS,
      '-o',
      'jsonpath={.data.IDENTITY_SIGNING_KEY}',
    ]);
    expect(Buffer.from(key, 'base64').toString()).toContain('BEGIN PRIVATE KEY');

    // helm test: the endpoint-check pod runs (kwok completes it) and succeeds
    const test = helmOk(['test', RELEASE, '-n', NS, '--timeout', '2m']);
    expect(test).toMatch(/TEST SUITE:\s+pm-postmagiq-test-endpoints[\s\S]*Phase:\s+Succeeded/);

    // upgrade with changed values: more content replicas, the console off, a second agent pool
    helmOk([
      'upgrade',
      RELEASE,
      CHART,
      '-n',
      NS,
      ...values,
      '--set',
      'services.content.replicas=3',
      '--set',
      'console.enabled=false',
      '--set',
      'agentWorkers.backends.openai.enabled=true',
      '--set',
      'config.logLevel=debug',
      '--wait',
      '--timeout',
      '3m',
    ]);
    expect(names('deployments')).toEqual([
      'pm-postmagiq-agent-openai',
      'pm-postmagiq-agent-simulated',
      'pm-postmagiq-billing',
      'pm-postmagiq-content',
      'pm-postmagiq-identity',
      'pm-postmagiq-orchestration',
    ]);
    expect(
      plane.kubectl([
        'get',
        'deployment',
        'pm-postmagiq-content',
        '-n',
        NS,
        '-o',
        'jsonpath={.status.readyReplicas}',
      ]),
    ).toBe('3');
    expect(
      plane.kubectl([
        'get',
        'configmap',
        'pm-postmagiq-config',
        '-n',
        NS,
        '-o',
        'jsonpath={.data.LOG_LEVEL}',
      ]),
    ).toBe('debug');
    // generated secrets survive the upgrade (a new signing key would log every user out)
    expect(
      plane.kubectl([
        'get',
        'secret',
        'pm-postmagiq-secrets',
        '-n',
        NS,
        '-o',
        'jsonpath={.data.IDENTITY_SIGNING_KEY}',
      ]),
    ).toBe(key);
    expect(names('services')).not.toContain('pm-postmagiq-console');
    expect(helmOk(['history', RELEASE, '-n', NS])).toMatch(/2\s+.*deployed/);

    // uninstall: every object of the release goes (pods once the garbage collector has removed
    // them after their ReplicaSets); the stores' volume claims stay (data is kept by design)
    helmOk(['uninstall', RELEASE, '-n', NS, '--wait', '--timeout', '2m']);
    const kinds = 'all,configmaps,secrets,serviceaccounts,pdb,networkpolicies,ingresses';
    const left = () => plane.kubectl(['get', kinds, '-n', NS, '-l', INSTANCE, '-o', 'name']).trim();
    const deadline = Date.now() + 90_000;
    while (left() !== '' && Date.now() < deadline) execSync('sleep 1');
    expect(left()).toBe('');
    expect(plane.kubectl(['get', 'pods', '-n', NS, '-o', 'name']).trim()).toBe('');
    expect(
      names('persistentvolumeclaims', 'app.kubernetes.io/component in (nats,postgres,redis)'),
    ).toHaveLength(3);
    expect(plane.helm(['status', RELEASE, '-n', NS]).status).not.toBe(0);
  }, 600_000);
});
