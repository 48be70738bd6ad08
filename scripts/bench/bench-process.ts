/**
 * What the benchmarks share for child processes: spawning the server (or a baseline) with the
 * settings it reads scrubbed from the shell, keeping the tail of its output, stopping it, and
 * finding a free port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Settings the server reads, never inherited from the shell running a bench. */
export const SCRUB = [
  'DATABASE_URL', 'DATABASE_POOL_SIZE', 'PGLITE_DIR', 'DATA_DIR', 'BLOB_DIR', 'PORT', 'HOST', 'ADMIN_HOST', 'DEV_DOMAIN',
  'SEED_DEMO', 'LOG_LEVEL', 'MIGRATE_ON_START', 'TRUST_PROXY', 'NODE_ENV', 'NODE_OPTIONS', 'PAGE_CACHE_MB', 'SITE_CACHE',
];

export interface Child { name: string; proc: ChildProcess; output(): string; exited: Promise<number | string>; done: boolean }

/** Every child still running (for cleanup on failure or Ctrl-C). */
export const children = new Set<Child>();

export function startChild(name: string, args: string[], env: Record<string, string>): Child {
  const base: Record<string, string | undefined> = { ...process.env };
  for (const v of SCRUB) delete base[v];
  const proc = spawn(process.execPath, args, { cwd: ROOT, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (s: string) => { out = (out + s).slice(-8_000); };
  proc.stdout!.setEncoding('utf8').on('data', keep);
  proc.stderr!.setEncoding('utf8').on('data', keep);
  const child: Child = {
    name, proc, output: () => out, done: false,
    exited: new Promise((resolve) => proc.once('close', (code, signal) => {
      child.done = true;
      children.delete(child);
      resolve(code ?? signal ?? -1);
    })),
  };
  children.add(child);
  return child;
}

/** SIGTERM, then SIGKILL after 15 s; the exit code or signal. */
export async function stopChild(child: Child): Promise<number | string> {
  if (child.done) return child.exited;
  child.proc.kill('SIGTERM');
  const timer = setTimeout(() => child.proc.kill('SIGKILL'), 15_000);
  const code = await child.exited;
  clearTimeout(timer);
  return code;
}

export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

/** The server's URL for database `name`, as `user` (no password) when given. */
export function withDatabase(url: string, name: string, user?: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  if (user) {
    u.username = user;
    u.password = '';
  }
  return u.toString();
}
