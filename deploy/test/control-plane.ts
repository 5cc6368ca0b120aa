import { freePort, stopChild } from '@postmagiq/platform/testing';
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, runOk, tool } from './tools';

/**
 * A real Kubernetes control plane on loopback: kine (the etcd API over SQLite), kube-apiserver,
 * kube-controller-manager, kube-scheduler and kwok, whose fake node makes scheduled pods Ready
 * without running anything. Every process is started here and stopped by its pid; ports are free
 * ones picked at start. ~10 s to ready on an idle machine.
 */
export class ControlPlane {
  readonly kubeconfig: string;
  private readonly children: { name: string; child: ChildProcess }[] = [];

  private constructor(readonly dir: string) {
    this.kubeconfig = join(dir, 'kubeconfig');
  }

  static async start(): Promise<ControlPlane> {
    const plane = new ControlPlane(mkdtempSync(join(tmpdir(), 'postmagiq-k8s-')));
    try {
      await plane.boot();
      return plane;
    } catch (e) {
      await plane.stop();
      throw e;
    }
  }

  /** kubectl against this control plane; throws with its stderr when it fails. */
  kubectl(args: string[], input?: string): string {
    return runOk(
      join(tool('KUBE_BIN_DIR'), 'kubectl'),
      ['--kubeconfig', this.kubeconfig, ...args],
      input,
    );
  }

  kubectlRun(args: string[], input?: string) {
    return run(
      join(tool('KUBE_BIN_DIR'), 'kubectl'),
      ['--kubeconfig', this.kubeconfig, ...args],
      input,
    );
  }

  helm(args: string[]) {
    return run(tool('HELM'), ['--kubeconfig', this.kubeconfig, ...args], undefined, {
      HELM_CACHE_HOME: join(this.dir, 'helm/cache'),
      HELM_CONFIG_HOME: join(this.dir, 'helm/config'),
      HELM_DATA_HOME: join(this.dir, 'helm/data'),
    });
  }

  /** The process ids this control plane runs (for the test's own checks). */
  get pids(): number[] {
    return this.children.map(({ child }) => child.pid as number);
  }

  async stop(): Promise<void> {
    // reverse order: kwok and the controllers first, kine (the storage) last
    for (const { child } of [...this.children].reverse()) await stopChild(child, 10_000);
    this.children.length = 0;
    rmSync(this.dir, { recursive: true, force: true });
  }

  private logOf(name: string): string {
    try {
      return readFileSync(join(this.dir, `${name}.log`), 'utf8').slice(-3000);
    } catch {
      return '';
    }
  }

  private launch(name: string, bin: string, args: string[]): ChildProcess {
    const log = openSync(join(this.dir, `${name}.log`), 'a');
    const child = spawn(bin, args, { stdio: ['ignore', log, log] });
    closeSync(log);
    this.children.push({ name, child });
    child.once('exit', (code, signal) => {
      if (this.children.some((c) => c.child === child)) {
        writeFileSync(join(this.dir, `${name}.exit`), `${code ?? signal}`);
      }
    });
    return child;
  }

  private async waitFor(what: string, check: () => boolean, timeoutMs = 90_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const dead = this.children.find(
        ({ child }) => child.exitCode !== null || child.signalCode !== null,
      );
      if (dead)
        throw new Error(`${dead.name} exited while waiting for ${what}:\n${this.logOf(dead.name)}`);
      if (check()) return;
      if (Date.now() > deadline) {
        throw new Error(
          `${what} not ready in ${timeoutMs} ms\n${this.children.map((c) => `--- ${c.name}\n${this.logOf(c.name)}`).join('\n')}`,
        );
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  private async boot(): Promise<void> {
    const bin = tool('KUBE_BIN_DIR');
    const certs = join(this.dir, 'certs');
    runOk('mkdir', ['-p', certs]);
    runOk('openssl', ['genrsa', '-out', join(certs, 'sa.key'), '2048']);
    runOk('openssl', [
      'rsa',
      '-in',
      join(certs, 'sa.key'),
      '-pubout',
      '-out',
      join(certs, 'sa.pub'),
    ]);
    const token = runOk('openssl', ['rand', '-hex', '24']).trim();
    writeFileSync(join(certs, 'tokens.csv'), `${token},admin,admin,system:masters\n`);

    const [etcdPort, apiPort, cmPort, schedPort, kwokPort] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
      freePort(),
      freePort(),
    ]);
    this.launch('kine', tool('KINE'), [
      '--listen-address',
      `127.0.0.1:${etcdPort}`,
      '--metrics-bind-address',
      '0',
      '--endpoint',
      `sqlite://${join(this.dir, 'state.db')}?_journal=WAL&cache=shared`,
    ]);
    this.launch('kube-apiserver', join(bin, 'kube-apiserver'), [
      `--etcd-servers=http://127.0.0.1:${etcdPort}`,
      '--storage-media-type=application/json',
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      `--cert-dir=${certs}`,
      `--token-auth-file=${join(certs, 'tokens.csv')}`,
      '--authorization-mode=RBAC',
      '--anonymous-auth=false',
      '--service-account-issuer=https://kubernetes.default.svc',
      `--service-account-key-file=${join(certs, 'sa.pub')}`,
      `--service-account-signing-key-file=${join(certs, 'sa.key')}`,
      '--service-cluster-ip-range=10.96.0.0/16',
      '--endpoint-reconciler-type=none',
      '--enable-priority-and-fairness=false',
      '--profiling=false',
    ]);
    const ca = join(certs, 'apiserver.crt');
    writeFileSync(
      this.kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        `- name: test\n  cluster:\n    server: https://127.0.0.1:${apiPort}\n    certificate-authority: ${ca}`,
        'users:',
        `- name: admin\n  user:\n    token: ${token}`,
        'contexts:',
        '- name: test\n  context: {cluster: test, user: admin}',
        'current-context: test',
        '',
      ].join('\n'),
    );
    await this.waitFor(
      'kube-apiserver',
      () => this.kubectlRun(['get', '--raw', '/readyz']).stdout.trim() === 'ok',
    );

    this.launch('kube-controller-manager', join(bin, 'kube-controller-manager'), [
      `--kubeconfig=${this.kubeconfig}`,
      `--authentication-kubeconfig=${this.kubeconfig}`,
      `--authorization-kubeconfig=${this.kubeconfig}`,
      '--bind-address=127.0.0.1',
      `--secure-port=${cmPort}`,
      '--leader-elect=false',
      `--service-account-private-key-file=${join(certs, 'sa.key')}`,
      `--root-ca-file=${ca}`,
    ]);
    const schedConfig = join(this.dir, 'scheduler.yaml');
    writeFileSync(
      schedConfig,
      [
        'apiVersion: kubescheduler.config.k8s.io/v1',
        'kind: KubeSchedulerConfiguration',
        'clientConnection:',
        `  kubeconfig: ${this.kubeconfig}`,
        'leaderElection:',
        '  leaderElect: false',
        '',
      ].join('\n'),
    );
    this.launch('kube-scheduler', join(bin, 'kube-scheduler'), [
      `--config=${schedConfig}`,
      '--bind-address=127.0.0.1',
      `--secure-port=${schedPort}`,
      `--authentication-kubeconfig=${this.kubeconfig}`,
      `--authorization-kubeconfig=${this.kubeconfig}`,
    ]);
    this.launch('kwok', tool('KWOK'), [
      `--kubeconfig=${this.kubeconfig}`,
      `--config=${join(__dirname, 'cluster/kwok-stages.yaml')}`,
      '--manage-all-nodes=false',
      '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
      '--cidr=192.0.2.0/24',
      '--node-ip=192.0.2.1',
      `--server-address=127.0.0.1:${kwokPort}`,
    ]);
    this.kubectl(['apply', '-f', join(__dirname, 'cluster/node.yaml')]);
    await this.waitFor(
      'the fake node',
      () =>
        this.kubectlRun([
          'get',
          'node',
          'kwok-node-0',
          '-o',
          'jsonpath={.status.conditions[?(@.type=="Ready")].status}',
        ]).stdout === 'True',
    );
    // namespaces get their default ServiceAccount from the controller-manager
    await this.waitFor(
      'the default ServiceAccount',
      () => this.kubectlRun(['get', 'serviceaccount', 'default', '-n', 'default']).status === 0,
    );
  }
}
