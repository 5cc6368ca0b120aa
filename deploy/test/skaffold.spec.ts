import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CHART, REPO_ROOT } from './tools';

interface Artifact {
  image: string;
  docker: { dockerfile: string; target: string; buildArgs?: { SERVICE?: string } };
}

const skaffold = parse(readFileSync(join(REPO_ROOT, 'skaffold.yaml'), 'utf8'));
const artifacts: Artifact[] = skaffold.build.artifacts;
const release = skaffold.deploy.helm.releases[0];
const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
const values = parse(readFileSync(join(CHART, 'values.yaml'), 'utf8'));

describe('skaffold.yaml', () => {
  it('builds one image per deployable from a Dockerfile target that exists', () => {
    const targets = [...dockerfile.matchAll(/^FROM \S+ AS (\S+)$/gm)].map((m) => m[1]);
    for (const a of artifacts) {
      expect(targets).toContain(a.docker.target);
      const service = a.docker.buildArgs?.SERVICE;
      if (a.docker.target === 'service') {
        expect(service && existsSync(join(REPO_ROOT, 'services', service, 'src/main.ts'))).toBe(
          true,
        );
        expect(a.image).toBe(`postmagiq-${service}`);
      }
    }
    expect(artifacts.map((a) => a.image)).toEqual(
      expect.arrayContaining(['postmagiq-console', 'postmagiq-agent-worker']),
    );
  });

  it('hands every built image to the chart and builds every service the chart enables', () => {
    for (const a of artifacts) {
      const name = a.image.replace(/^postmagiq-/, '');
      const variable = a.image.replace(/[^A-Za-z0-9]/g, '_');
      expect(release.setValueTemplates[`image.overrides.${name}`]).toBe(
        `{{.IMAGE_FULLY_QUALIFIED_${variable}}}`,
      );
    }
    const enabled = Object.entries(values.services as Record<string, { enabled: boolean }>)
      .filter(([, s]) => s.enabled)
      .map(([n]) => `postmagiq-${n}`);
    expect(artifacts.map((a) => a.image)).toEqual(expect.arrayContaining(enabled));
  });

  it('deploys the chart with the evaluation values, and the GPU pool in the gpu profile', () => {
    expect(release.chartPath).toBe('deploy/helm/postmagiq');
    expect(release.valuesFiles).toEqual(['deploy/helm/postmagiq/values-evaluation.yaml']);
    const gpu = skaffold.profiles.find((p: { name: string }) => p.name === 'gpu');
    expect(gpu.patches[0].value).toContain('deploy/helm/postmagiq/values-gpu.yaml');
    for (const file of [...release.valuesFiles, ...gpu.patches[0].value])
      expect(existsSync(join(REPO_ROOT, file))).toBe(true);
  });

  it('has every FROM of the Dockerfile parameterised by ARG BASE, defaulting to node:20-bookworm-slim', () => {
    expect(dockerfile).toMatch(/^ARG BASE=node:20-bookworm-slim$/m);
    const froms = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    const stages = [...dockerfile.matchAll(/^FROM \S+ AS (\S+)$/gm)].map((m) => m[1]);
    for (const from of froms)
      expect(from === '${BASE}' || stages.includes(from as string)).toBe(true);
    expect(dockerfile).toMatch(/^USER 10001:10001$/m);
    // runtime stages take node_modules only from the production-only install
    const stage = (name: string) =>
      dockerfile.split(/^FROM /m).find((part) => part.includes(` AS ${name}\n`)) ?? '';
    expect(stage('deps')).toMatch(/npm ci --omit=dev/);
    expect(stage('service')).toMatch(/COPY --from=deps \/app\/node_modules node_modules/);
    expect(stage('service')).not.toMatch(/npm (ci|install)/);
    expect(stage('service')).toMatch(/ENTRYPOINT \["node", "main.js"\]/);
  });
});
