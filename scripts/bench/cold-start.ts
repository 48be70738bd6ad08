/**
 * Cold start of the built server on the embedded database: milliseconds from spawn to the first
 * 200 on /readyz, compared with a bare Fastify hello-world started the same way in the same run
 * (absolute numbers are machine noise; the ratio is the signal).
 *
 *   npx tsc -b && node --import tsx scripts/bench/cold-start.ts
 *
 * Env: BENCH_RUNS (default 5).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { children, freePort, ROOT, startChild, stopChild, type Child } from './bench-process.js';

const SERVER = join(ROOT, 'apps/server/dist/server.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 5) || 5;
const POLL_MS = 20;
const READY_LIMIT_MS = 120_000;
const TARGET_MS = 3_000;


const BASELINE = `
import Fastify from 'fastify';
const app = Fastify();
app.get('/readyz', async () => ({ status: 'ready' }));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.once('SIGTERM', () => app.close().then(() => process.exit(0)));
`;


function get(port: number, path: string, host: string): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host }, agent: false, timeout: 10_000 }, (res) => {
      let bytes = 0;
      res.on('data', (b: Buffer) => { bytes += b.length; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end();
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Poll /readyz every POLL_MS until it answers 200; the time since `t0`. */
async function untilReady(child: Child, port: number, t0: number): Promise<number> {
  while (performance.now() - t0 < READY_LIMIT_MS) {
    if (child.done) throw new Error(`process exited before ready (${await child.exited}):\n${child.output()}`);
    try {
      if ((await get(port, '/readyz', 'bench.localhost')).status === 200) return performance.now() - t0;
    } catch {
      // not listening yet
    }
    await sleep(POLL_MS);
  }
  throw new Error(`not ready after ${READY_LIMIT_MS} ms:\n${child.output()}`);
}

async function stop(child: Child): Promise<void> {
  if (child.done) return;
  const code = await stopChild(child);
  if (code !== 0) throw new Error(`process did not shut down cleanly (exit ${code}):\n${child.output()}`);
}

/** Spawn, wait for the first 200 on /readyz, stop: the milliseconds to ready. */
async function coldStart(args: string[], env: Record<string, string>, after?: (port: number) => Promise<void>): Promise<number> {
  const port = await freePort();
  const t0 = performance.now();
  const child = startChild('server', args, { ...env, PORT: String(port) });
  try {
    const ms = await untilReady(child, port, t0);
    await after?.(port);
    return ms;
  } finally {
    await stop(child);
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const ms = (n: number) => `${Math.round(n)} ms`;

async function main(): Promise<void> {
  if (!existsSync(SERVER)) {
    process.stderr.write(`cold-start: ${SERVER} does not exist: build first with \`npx tsc -b\`\n`);
    process.exit(1);
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'zq-bench-'));
  const cleanUp = () => {
    for (const c of children) c.proc.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => { cleanUp(); process.exit(130); });

  try {
    const serverEnv = { DATA_DIR: dataDir, HOST: '127.0.0.1', SEED_DEMO: '1' };
    const serverArgs = ['--enable-source-maps', SERVER];
    console.log(`cold-start bench: node ${process.version}, ${RUNS} runs, data dir ${dataDir}`);

    // (1) First start: creates the embedded database, migrates, seeds the demo province.
    const first = await coldStart(serverArgs, serverEnv);
    console.log(`first start incl. migrations + demo seed: ${ms(first)}`);

    // (2) Restarts on the same, seeded data dir. (4) One demo page after the first of them.
    const server: number[] = [];
    let page = '';
    for (let i = 0; i < RUNS; i++) {
      server.push(await coldStart(serverArgs, serverEnv, i > 0 ? undefined : async (port) => {
        const t = performance.now();
        const res = await get(port, '/', `prov.localhost:${port}`);
        page = `${res.status}, ${res.bytes} bytes, ${ms(performance.now() - t)}`;
      }));
    }

    // (3) Baseline: a bare Fastify hello-world, started and polled the same way.
    const bare: number[] = [];
    for (let i = 0; i < RUNS; i++) bare.push(await coldStart(['--input-type=module', '-e', BASELINE], {}));

    const rows: [string, number[]][] = [['zhanqun (built, embedded db, seeded)', server], ['bare fastify hello-world', bare]];
    const w = Math.max(...rows.map(([n]) => n.length));
    console.log(`\n${'spawn → first 200 on /readyz'.padEnd(w)}  ${['min', 'median', 'max'].map((h) => h.padStart(8)).join('')}  runs`);
    for (const [name, xs] of rows) {
      console.log(`${name.padEnd(w)}  ${[Math.min(...xs), median(xs), Math.max(...xs)].map((n) => ms(n).padStart(8)).join('')}  ${xs.map((n) => Math.round(n)).join(' ')}`);
    }
    console.log(`\nratio of medians (zhanqun / bare fastify): ${(median(server) / median(bare)).toFixed(1)}×`);
    console.log(`first demo page after ready (GET / Host: prov.localhost): ${page}`);
    const med = median(server);
    console.log(`cold start to /readyz (built, embedded db, seeded): median ${Math.round(med)} ms (target < ${TARGET_MS} ms)${med < TARGET_MS ? '' : '  OVER TARGET'}`);
  } finally {
    cleanUp();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`cold-start: ${(err as Error).message}\n`);
  for (const c of children) c.proc.kill('SIGKILL');
  process.exit(1);
});
