/**
 * Two builds of the server side by side (issue 6, Speed): uncached article pages from both at
 * once, each on its own port with its own wrk, over the same kept bench database, then again with
 * the two swapped. The figure is each server's main-thread CPU a request. Both see the same
 * machine in the same seconds, so the machine's drift — which moved single runs of one build by
 * ±15 % at stop 15 — mostly cancels: two copies of one build come out within 1–2 %.
 *
 *   BENCH_KEEP=1 BENCH_SITES=600 BENCH_ARTICLES=10000 BENCH_URLS=2000 BENCH_SECONDS=3 \
 *     node --conditions=@zhanqun/source --import tsx scripts/bench/public-pages.ts   # prints "kept: database …, owner …"
 *   BENCH_DB=<database> BENCH_OWNER=<owner> node --import tsx scripts/bench/side-by-side.ts <build A> <build B>
 *
 * A build is a checkout (or a copy of one) after `npx tsc -b`: its apps/server/dist/server.js runs.
 * Env: DATABASE_URL (the Postgres server, as a superuser: the URL list is read with it), BENCH_SECONDS
 * (each run, default 30), BENCH_CONNS (each wrk's connections, default 5).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { children, freePort, startChild, stopChild, withDatabase, type Child } from './bench-process.js';
import { assertWrk, RANDOM_URLS_LUA, ticksOf, wrk } from './wrk.js';

const [dirA, dirB] = process.argv.slice(2).map((d) => resolve(d));
const database = process.env.BENCH_DB?.trim();
const owner = process.env.BENCH_OWNER?.trim();
if (!dirA || !dirB || !database || !owner) {
  console.error('usage: BENCH_DB=<database> BENCH_OWNER=<owner role> node --import tsx scripts/bench/side-by-side.ts <build A> <build B>');
  process.exit(2);
}
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const CONNS = Number(process.env.BENCH_CONNS ?? 5);
const server = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const urlOf = (user: string) => withDatabase(server.toString(), database!, user);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** CPU ticks of a process's main thread (its first task), which serves every request. */
const mainTicks = (pid: number) => ticksOf(readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8'));

interface Running { name: string; child: Child; port: number; dataDir: string }

async function start(name: string, dir: string): Promise<Running> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'zq-side-'));
  const child = startChild(name, [join(dir, 'apps/server/dist/server.js')], {
    NODE_ENV: 'production', DATABASE_URL: urlOf(owner!), SEED_DEMO: '0', LOG_LEVEL: 'warn', HOST: '127.0.0.1',
    PORT: String(port), DATA_DIR: dataDir, PAGE_CACHE_MB: '0',
  });
  try {
    for (let i = 0; i < 600; i++) {
      if (child.done) throw new Error(`${name} exited before it was ready:\n${child.output()}`);
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(async (r) => (r.ok ? '' : await r.text()), () => null);
      if (ready === '') return { name, child, port, dataDir };
      // A server that answers but is not ready says why (migrations pending: run them on the database).
      if (ready !== null && i >= 100) throw new Error(`${name} (${dir}) not ready: ${ready}`);
      await sleep(100);
    }
    throw new Error(`${name} not ready after 60 s:\n${child.output()}`);
  } catch (err) {
    await stopChild(child);
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}

async function main(): Promise<void> {
  assertWrk();
  const tmp = mkdtempSync(join(tmpdir(), 'zq-side-urls-'));
  try {
    const client = new pg.Client({ connectionString: urlOf(server.username || 'postgres') });
    await client.connect();
    const { rows } = await client.query<{ line: string }>(`
      select d.host || ' ' || rtrim(d.path_prefix, '/') || u.path as line
      from url_path u join site_domain d on d.site_id = u.site_id and d.role = 'primary'
      where u.kind = 'live' and u.article_id is not null and u.legacy_site_id is null
      order by md5(u.id::text) limit 10000`);
    await client.end();
    if (rows.length === 0) throw new Error(`no article URLs in ${database}`);
    const urlFile = join(tmp, 'urls.txt');
    const script = join(tmp, 'urls.lua');
    writeFileSync(urlFile, `${rows.map((r) => r.line).join('\n')}\n`);
    writeFileSync(script, RANDOM_URLS_LUA);
    console.log(`${rows.length} article URLs of ${database}; each run ${SECONDS} s after 4 s of warm-up, wrk -t1 -c${CONNS} each, both at once`);

    const totals = new Map<string, number[]>([[dirA!, []], [dirB!, []]]);
    for (const [first, second] of [[dirA!, dirB!], [dirB!, dirA!]] as const) {
      const servers: Running[] = [];
      try {
        servers.push(await start('first', first));
        servers.push(await start('second', second));
        const load = (seconds: number) => Promise.all(servers.map((s) => wrk({ port: s.port, conns: CONNS, script, urlFile, seconds, threads: 1 })));
        await load(4);
        const before = servers.map((s) => mainTicks(s.child.proc.pid!));
        const runs = await load(SECONDS);
        const line = servers.map((s, i) => {
          const us = ((mainTicks(s.child.proc.pid!) - before[i]!) * 10_000) / runs[i]!.requests;
          totals.get(i === 0 ? first : second)!.push(us);
          const bad = runs[i]!.bad + runs[i]!.errors;
          return `${i === 0 ? first : second}: ${runs[i]!.rps.toFixed(0)} req/s, main thread ${us.toFixed(0)} µs a request${bad ? `, ${bad} failed` : ''}`;
        });
        console.log(`  ${line.join('   |   ')}`);
      } finally {
        for (const s of servers) {
          await stopChild(s.child);
          rmSync(s.dataDir, { recursive: true, force: true });
        }
      }
    }
    const mean = (d: string) => totals.get(d)!.reduce((a, b) => a + b, 0) / totals.get(d)!.length;
    const a = mean(dirA!);
    const b = mean(dirB!);
    console.log(`mean main-thread CPU a request: A ${a.toFixed(0)} µs, B ${b.toFixed(0)} µs; B is ${(((b - a) / a) * 100).toFixed(1)} % against A`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

// Ctrl-C: no server left running.
process.once('SIGINT', () => {
  for (const c of children) c.proc.kill('SIGKILL');
  process.exit(130);
});
await main();
