import { parseAllDocuments } from 'yaml';
import { CHART, run, tool } from './tools';

/** A rendered Kubernetes object, loosely typed: tests read the fields they assert. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- manifests are arbitrary YAML
export type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec?: any;
  data?: any;
  stringData?: any;
};

export interface Rendering {
  ok: boolean;
  manifests: Manifest[];
  yaml: string;
  stderr: string;
}

/**
 * `helm template` of the chart with value files (relative to the chart) and --set pairs.
 * `apiVersions` pretends the cluster serves those (as `--api-versions`), e.g. the ServiceMonitor CRD.
 */
export function render(
  options: {
    files?: string[];
    set?: Record<string, string | number | boolean>;
    apiVersions?: string[];
    release?: string;
  } = {},
): Rendering {
  const args = [
    'template',
    options.release ?? 'pm',
    CHART,
    '--namespace',
    'postmagiq',
    '--kube-version',
    '1.36.0',
  ];
  for (const f of options.files ?? []) args.push('-f', `${CHART}/${f}`);
  for (const [k, v] of Object.entries(options.set ?? {})) args.push('--set', `${k}=${v}`);
  for (const a of options.apiVersions ?? []) args.push('--api-versions', a);
  const r = run(tool('HELM'), args);
  const manifests =
    r.status === 0
      ? parseAllDocuments(r.stdout)
          .map((d) => d.toJSON() as Manifest)
          .filter((m) => m && m.kind)
      : [];
  return { ok: r.status === 0, manifests, yaml: r.stdout, stderr: r.stderr };
}

export function rendered(options: Parameters<typeof render>[0] = {}): Manifest[] {
  const r = render(options);
  if (!r.ok) throw new Error(`helm template failed:\n${r.stderr}`);
  return r.manifests;
}

export function find(manifests: Manifest[], kind: string, name: string): Manifest {
  const m = manifests.find((x) => x.kind === kind && x.metadata.name === name);
  if (!m) {
    const names = manifests.filter((x) => x.kind === kind).map((x) => x.metadata.name);
    throw new Error(`no ${kind} ${name}; the rendering has ${kind}: ${names.join(', ') || 'none'}`);
  }
  return m;
}

export function names(manifests: Manifest[], kind: string): string[] {
  return manifests
    .filter((m) => m.kind === kind)
    .map((m) => m.metadata.name)
    .sort();
}
