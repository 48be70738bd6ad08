/**
 * The server as a process: every way it refuses to start prints one `zhanqun: …` line to stderr
 * and exits 1; the embedded database's directory lock keeps a second process out and is taken
 * over after a crash; SIGTERM shuts down cleanly. Each case spawns the dev command (no build)
 * with its own temporary DATA_DIR and port; nothing here touches the test database.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const NODE_ARGS = ['--conditions=@zhanqun/source', '--import', 'tsx'];
const SERVER = 'apps/server/src/server.ts';
const CLI = 'apps/cli/src/main.ts';
const TIMEOUT = 60_000;

// Settings the server reads: never inherited from the shell running the tests.
const SCRUB = [
  'DATABASE_URL', 'TEST_DATABASE_URL', 'DATABASE_POOL_SIZE', 'PGLITE_DIR', 'DATA_DIR', 'PORT', 'HOST', 'ADMIN_HOST',
  'DEV_DOMAIN', 'SEED_DEMO', 'LOG_LEVEL', 'MIGRATE_ON_START', 'TRUST_PROXY', 'NODE_ENV', 'NODE_OPTIONS',
];

interface Proc {
  child: ChildProcess;
  pid: number;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal's name) once the process is gone and reaped. */
  exited: Promise<number | string>;
  done: boolean;
}

const live = new Set<Proc>();
const dirs = new Set<string>();

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'zq-proc-'));
  dirs.add(dir);
  return dir;
}

function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  dirs.delete(dir);
}

async function kill(p: Proc): Promise<void> {
  if (!p.done) {
    p.child.kill('SIGKILL');
    await p.exited;
  }
  live.delete(p);
}

async function cleanUp(procs: Iterable<Proc>, tempDirs: Iterable<string>): Promise<void> {
  await Promise.all([...procs].map(kill));
  for (const dir of [...tempDirs]) removeDir(dir);
}

function run(script: string, args: string[], env: Record<string, string>): Proc {
  const base: Record<string, string | undefined> = { ...process.env };
  for (const name of SCRUB) delete base[name];
  const child = spawn(process.execPath, [...NODE_ARGS, script, ...args], {
    cwd: ROOT, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => { out += s; });
  child.stderr!.setEncoding('utf8').on('data', (s: string) => { err += s; });
  const p: Proc = {
    child,
    pid: child.pid!,
    stdout: () => out,
    stderr: () => err,
    done: false,
    exited: new Promise((resolve) => {
      // 'close' comes after 'exit' and after both pipes are drained: the output is complete.
      child.once('close', (code, signal) => {
        p.done = true;
        resolve(code ?? signal ?? -1);
      });
    }),
  };
  live.add(p);
  return p;
}

function startServer(env: Record<string, string>): Proc {
  return run(SERVER, [], { HOST: '127.0.0.1', SEED_DEMO: '0', ...env });
}

/** A port nobody listens on right now. */
async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

function get(port: number, path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host }, timeout: 5_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (s: string) => { body += s; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end();
  });
}

/** Poll /readyz until it answers 200; fail early, with the output, if the process exits. */
async function waitReady(p: Proc, port: number, limitMs = 45_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    if (p.done) throw new Error(`server exited before ready (${await p.exited})\nstdout:\n${p.stdout()}\nstderr:\n${p.stderr()}`);
    try {
      if ((await get(port, '/readyz', 'any.example')).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`server not ready after ${limitMs} ms\nstdout:\n${p.stdout()}\nstderr:\n${p.stderr()}`);
}

/** Wait for the process to end on its own; kill it and fail if it does not. */
async function exitOf(p: Proc, limitMs = 45_000): Promise<number | string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      void kill(p);
      reject(new Error(`process still running after ${limitMs} ms\nstdout:\n${p.stdout()}\nstderr:\n${p.stderr()}`));
    }, limitMs);
  });
  try {
    return await Promise.race([p.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The one line a refused start prints, after checking there is exactly one. */
function oneLine(p: Proc): string {
  const lines = p.stderr().split('\n').filter((l) => l.trim() !== '');
  expect(lines, `stderr should be one line:\n${p.stderr()}`).toHaveLength(1);
  expect(lines[0]).toMatch(/^zhanqun: /);
  return lines[0]!;
}

afterAll(async () => {
  await cleanUp([...live], [...dirs]);
});

describe.concurrent('a refused start prints one line and exits 1', () => {
  it('a bad DATABASE_URL value names DATABASE_URL', { timeout: TIMEOUT }, async ({ onTestFinished }) => {
    const dir = tempDir();
    const p = startServer({ DATA_DIR: dir, PORT: String(await freePort()), DATABASE_URL: 'mysql://x' });
    onTestFinished(() => cleanUp([p], [dir]));
    expect(await exitOf(p)).toBe(1);
    const line = oneLine(p);
    expect(line).toContain('DATABASE_URL');
    expect(line).toContain('postgres://');
  });

  it('an unreachable DATABASE_URL names DATABASE_URL and the reason', { timeout: TIMEOUT }, async ({ onTestFinished }) => {
    const dir = tempDir();
    const p = startServer({ DATA_DIR: dir, PORT: String(await freePort()), DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nope' });
    onTestFinished(() => cleanUp([p], [dir]));
    expect(await exitOf(p)).toBe(1);
    const line = oneLine(p);
    expect(line).toContain('DATABASE_URL');
    expect(line).toContain('127.0.0.1:1');
    expect(line).toContain('ECONNREFUSED');
  });

  it('a bad PORT names PORT', { timeout: TIMEOUT }, async ({ onTestFinished }) => {
    const dir = tempDir();
    const p = startServer({ DATA_DIR: dir, PORT: 'abc' });
    onTestFinished(() => cleanUp([p], [dir]));
    expect(await exitOf(p)).toBe(1);
    const line = oneLine(p);
    expect(line).toContain('PORT');
    expect(line).toContain('"abc"');
  });

  it('a port already in use is named, with "already in use"', { timeout: TIMEOUT }, async ({ onTestFinished }) => {
    const dir = tempDir();
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    const p = startServer({ DATA_DIR: dir, PORT: String(port) });
    onTestFinished(async () => {
      await cleanUp([p], [dir]);
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    });
    expect(await exitOf(p)).toBe(1);
    const line = oneLine(p);
    expect(line).toContain(String(port));
    expect(line).toContain('already in use');
    expect(line).toContain('PORT');
  });
});

describe('the embedded database directory lock', () => {
  let dataDir: string;
  let portA: number;
  let serverA: Proc;
  let serverB: Proc | undefined;

  beforeAll(async () => {
    dataDir = tempDir();
    portA = await freePort();
    serverA = startServer({ DATA_DIR: dataDir, PORT: String(portA) });
    await waitReady(serverA, portA);
  }, TIMEOUT);

  afterEach(async () => {
    if (serverB) await kill(serverB);
    serverB = undefined;
  });

  afterAll(async () => {
    await cleanUp([serverA, ...(serverB ? [serverB] : [])], [dataDir]);
  });

  it('an unknown host gets the bilingual 404 page', { timeout: TIMEOUT }, async () => {
    const res = await get(portA, '/', 'nobody.example');
    expect(res.status).toBe(404);
    expect(res.body).toContain('站点不存在');
    expect(res.body).toContain('Site not found');
  });

  it('a second server and the CLI are refused while the owner lives', { timeout: TIMEOUT }, async () => {
    const b = startServer({ DATA_DIR: dataDir, PORT: String(await freePort()) });
    serverB = b;
    const cli = run(CLI, ['db', 'status'], { DATA_DIR: dataDir });
    const [codeB, codeCli] = await Promise.all([exitOf(b), exitOf(cli)]);

    expect(codeB).toBe(1);
    const line = oneLine(b);
    expect(line).toContain(`in use by process ${serverA.pid}`);
    expect(line).toContain('stop the server or set DATABASE_URL');

    expect(codeCli, `cli stdout:\n${cli.stdout()}\nstderr:\n${cli.stderr()}`).not.toBe(0);
    expect(cli.stderr()).toContain('DATABASE_URL');
    expect(cli.stderr()).toContain(String(serverA.pid));

    // The refused processes left the owner alone.
    expect((await get(portA, '/readyz', 'any.example')).status).toBe(200);
  });

  it('a stale lock of a killed server is taken over; SIGTERM then exits 0', { timeout: TIMEOUT }, async () => {
    serverA.child.kill('SIGKILL');
    expect(await serverA.exited).toBe('SIGKILL'); // reaped: its pid no longer answers

    const port = await freePort();
    const b = startServer({ DATA_DIR: dataDir, PORT: String(port) });
    serverB = b;
    await waitReady(b, port);

    const warnings = b.stdout().split('\n').filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: number; msg?: string; pid?: number })
      .filter((e) => e.level === 40 && /took over/.test(e.msg ?? ''));
    expect(warnings, b.stdout()).toHaveLength(1);
    expect(warnings[0]!.msg).toContain(String(serverA.pid));

    b.child.kill('SIGTERM');
    expect(await exitOf(b, 10_000)).toBe(0);
    expect(b.stderr()).toBe('');
  });
});
