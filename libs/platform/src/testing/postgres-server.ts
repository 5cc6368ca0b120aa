/*
 * A throw-away PostgreSQL server (the orchestration benchmark, and the tests of what only a real
 * multi-session server shows: races the single-session embedded Postgres serialises away): the
 * newest installed server binaries, a fresh
 * cluster in a temp dir, listening on 127.0.0.1 only (unix socket in the temp dir), with the
 * server's default durability (fsync, synchronous_commit and full_page_writes stay on), one
 * database, and a `stop()` that stops the server and removes the dir. As root, initdb and the
 * server run as the `postgres` system user (initdb refuses root).
 */
import { freePort } from './processes';
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  appendFileSync,
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from 'pg';

/** Why no server can be started here (no binaries, no user to run them as). */
export class PostgresServerUnavailable extends Error {}

export interface PostgresServer {
  /** `postgres://postgres:…@127.0.0.1:<port>/<database>` */
  url: string;
  /** e.g. `PostgreSQL 15.14 (/usr/lib/postgresql/15/bin)` */
  version: string;
  /** The postmaster's pid. */
  pid: number;
  stop(): Promise<void>;
}

const BINARIES = ['initdb', 'pg_ctl', 'postgres'] as const;
const hasAll = (dir: string) => BINARIES.every((b) => existsSync(join(dir, b)));

/** The bin dir of the newest server install: /usr/lib/postgresql/<major>/bin, then PATH. */
export function findPostgresBin(): string {
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root)
    ? readdirSync(root)
        .filter((v) => /^\d+(\.\d+)?$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  for (const major of majors) {
    const dir = join(root, major, 'bin');
    if (hasAll(dir)) return dir;
  }
  // e.g. /usr/local/bin/initdb -> /usr/lib/postgresql/15/bin/initdb
  for (const dir of (process.env['PATH'] ?? '').split(':')) {
    const initdb = join(dir, 'initdb');
    if (!dir || !existsSync(initdb)) continue;
    const real = dirname(realpathSync(initdb));
    if (hasAll(real)) return real;
  }
  throw new PostgresServerUnavailable(
    `no PostgreSQL server binaries (${BINARIES.join(', ')}) in ${root}/*/bin or on PATH; install one, e.g. apt-get install postgresql`,
  );
}

function run(
  command: string,
  args: string[],
  cwd: string,
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((ok, fail) => {
    execFile(command, args, { cwd, timeout: 120_000 }, (error, stdout, stderr) => {
      if (error) fail(new Error(`${command} ${args.join(' ')}: ${error.message}\n${stderr}`));
      else ok({ stdout, stderr });
    });
  });
}

/** uid and gid of the `postgres` system user (to run the server as, when we are root). */
function postgresUser(): { uid: number; gid: number } {
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  const uid = id('-u');
  const gid = id('-g');
  if (uid.status !== 0 || gid.status !== 0)
    throw new PostgresServerUnavailable(
      'running as root and there is no `postgres` system user to run initdb and the server as (PostgreSQL refuses to run as root); create one, e.g. useradd --system postgres',
    );
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

export async function startPostgresServer(database = 'postmagiq'): Promise<PostgresServer> {
  const bin = findPostgresBin();
  const asRoot = process.getuid?.() === 0;
  const user = asRoot ? postgresUser() : undefined;
  // as root, every server binary runs as `postgres` through runuser
  const exec = (name: string, args: string[]) =>
    user
      ? run('runuser', ['-u', 'postgres', '--', join(bin, name), ...args], dir)
      : run(join(bin, name), args, dir);

  const dir = mkdtempSync(join(tmpdir(), 'pmq-pgserver-'));
  const data = join(dir, 'data');
  const logFile = join(dir, 'postgres.log');
  let started = false;
  // the server is not our child: a process.exit() before stop() must still take it down
  const onExit = () => {
    if (started) {
      const args = ['stop', '-D', data, '-m', 'immediate', '-w'];
      if (user) spawnSync('runuser', ['-u', 'postgres', '--', join(bin, 'pg_ctl'), ...args]);
      else spawnSync(join(bin, 'pg_ctl'), args);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', onExit);
  const logTail = () => {
    try {
      return readFileSync(logFile, 'utf8').slice(-3000);
    } catch {
      return '';
    }
  };

  try {
    const password = randomBytes(18).toString('base64url');
    const pwfile = join(dir, 'pwfile');
    writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
    if (user) {
      chownSync(dir, user.uid, user.gid);
      chownSync(pwfile, user.uid, user.gid);
    }
    await exec('initdb', [
      '-D',
      data,
      '-U',
      'postgres',
      `--pwfile=${pwfile}`,
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      '--encoding=UTF8',
      '--locale=C',
    ]);
    rmSync(pwfile);
    const port = await freePort();
    // appended last, so these win over the defaults above them; durability settings untouched
    appendFileSync(
      join(data, 'postgresql.conf'),
      [
        '',
        '# throw-away server (tests, benchmark)',
        "listen_addresses = '127.0.0.1'",
        `port = ${port}`,
        `unix_socket_directories = '${dir}'`,
        '',
      ].join('\n'),
    );
    await exec('pg_ctl', ['start', '-D', data, '-l', logFile, '-w', '-t', '60']);
    started = true;
    const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const { stdout: versionOut } = await exec('postgres', ['--version']);

    const base = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}`;
    const client = new Client({ connectionString: `${base}/postgres` });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE "${database}"`);
    } finally {
      await client.end();
    }

    let stopping: Promise<void> | undefined;
    return {
      url: `${base}/${database}`,
      version: `${versionOut.trim().replace(/^postgres \(PostgreSQL\) /, 'PostgreSQL ')} (${bin})`,
      pid,
      stop: () =>
        (stopping ??= (async () => {
          try {
            await exec('pg_ctl', ['stop', '-D', data, '-m', 'fast', '-w']);
            started = false;
          } finally {
            process.off('exit', onExit);
            onExit();
          }
        })()),
    };
  } catch (e) {
    process.off('exit', onExit);
    onExit();
    if (e instanceof PostgresServerUnavailable) throw e;
    throw new Error(
      `PostgreSQL server in ${dir} did not start: ${(e as Error).message}\n${logTail()}`,
    );
  }
}
