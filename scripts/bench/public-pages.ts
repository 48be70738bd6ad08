/**
 * The public sites under load (issue 6, Speed): the built server over a seeded province on a
 * throwaway Postgres database, measured with wrk against a bare Fastify route started by this
 * script that sends the very bytes of one article page from a Buffer (the ceiling). One run,
 * ratios to the ceiling (absolute req/s are machine noise).
 *
 *   npx tsc -b      # the bench runs apps/server/dist/server.js, it builds nothing
 *   node --conditions=@zhanqun/source --import tsx scripts/bench/public-pages.ts
 *   BENCH_SITES=600 BENCH_ARTICLES=10000 BENCH_URLS=2000 BENCH_SECONDS=5 node --conditions=@zhanqun/source --import tsx scripts/bench/public-pages.ts
 *
 * Env: DATABASE_URL (the server, as a superuser; default postgres://postgres@127.0.0.1:5432/postgres;
 * the bench creates a database and a login role there and drops both at the end), BENCH_SITES
 * (default 1000, all live), BENCH_ARTICLES (default 100000), BENCH_URLS (article URLs of the
 * cached run, default 10000), BENCH_SECONDS (per wrk run, default 15; the cached pages and the
 * ceiling: that much each in all, in BENCH_PAIRS alternating runs, default 3), WRK (default /usr/bin/wrk),
 * BENCH_CPU_PROF (a directory: the servers write V8 CPU profiles there, `node --cpu-prof`), BENCH_KEEP=1
 * (keep the database and its owner role for a look with psql).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createConnection, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { ServiceContext } from '@zhanqun/audit/context';
import { systemClock } from '@zhanqun/core/clock';
import { openDatabase, type DbHandle } from '@zhanqun/db/connect';
import { migrateToLatest } from '@zhanqun/db/migrator';
import { provisionSites } from '@zhanqun/tenancy/bulk-provision.service';
import { importOrgUnits } from '@zhanqun/tenancy/org-import.service';
import { createPlatform } from '@zhanqun/tenancy/platform.service';
import { prng, writeArticles, type BulkSite } from './bulk-articles.js';
import { generateProvince } from './generated-province.js';
import { children, freePort, ROOT, startChild, stopChild, withDatabase, type Child } from './bench-process.js';
import { assertWrk, loadavg, RANDOM_URLS_LUA, ticksOf, wrk, type WrkResult } from './wrk.js';

const SERVER_JS = join(ROOT, 'apps/server/dist/server.js');
const PG = process.env.DATABASE_URL?.trim() || 'postgres://postgres@127.0.0.1:5432/postgres';
const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback) || fallback;
const SITES = num('BENCH_SITES', 1000);
const ARTICLES = num('BENCH_ARTICLES', 100_000);
const URLS = num('BENCH_URLS', 10_000);
const SECONDS = num('BENCH_SECONDS', 15);
/**
 * The cached pages and the ceiling are measured in this many pairs of runs, taking turns (SECONDS
 * each in all): the machine's speed drifts from one minute to the next (the same build's hit cost
 * 22 µs in one run and 30 µs in the next), and a ceiling measured a minute away from the hits
 * moved their ratio more than the code did.
 */
const PAIRS = Math.max(1, Math.round(num('BENCH_PAIRS', 3)));
/** Each run's warm-up before it is measured (same load, not counted). */
const WARM_SECONDS = 3;
/** Clock ticks a second in /proc (USER_HZ: 100 on Linux). */
const CLK_TCK = 100;
const DEEP_PAGE = 100;
const PAGE_SIZE = 20;
/** A deep column holds a bit more than DEEP_PAGE full pages. */
const DEEP_SIZE = DEEP_PAGE * PAGE_SIZE + 10;
/** Pages are numbered from the oldest end (columnPagination): the block that page DEEP_PAGE (第 100 页) of a column of `count` shows. */
const deepBlock = (count: number) => Math.floor(count / PAGE_SIZE) - DEEP_PAGE + 1;

/** A wrk run with the CPU ticks it cost: the server, Postgres, and the rest of the machine. */
type Measured = WrkResult & { ticks: { server: number; postgres: number; rest: number } };

const TARGETS = {
  cached: { ratio: 0.85, p99: 20, conns: 50 },
  uncached: { ratio: 0.05, p99: 50, conns: 10 },
  deep: { ratio: 0.05, conns: 10 },
};

// Settings the server reads, never inherited from the shell running the bench.

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

// ---- child processes ---------------------------------------------------------------------

async function stop(child: Child): Promise<void> {
  await stopChild(child);
}

const agent = new Agent({ keepAlive: true, maxSockets: 16 });

function get(port: number, host: string, path: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host }, agent, timeout: 30_000 }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (b: Buffer) => parts.push(b));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${host}${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

async function untilReady(child: Child, port: number): Promise<void> {
  const t0 = performance.now();
  while (performance.now() - t0 < 60_000) {
    if (child.done) throw new Error(`${child.name} exited before it was ready (${await child.exited}):\n${child.output()}`);
    try {
      if ((await get(port, 'bench.localhost', '/readyz')).status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(50);
  }
  throw new Error(`${child.name} not ready after 60 s:\n${child.output()}`);
}

interface Server { child: Child; port: number }

async function startServer(name: string, databaseUrl: string, dataDir: string, pageCacheMb: number): Promise<Server> {
  const port = await freePort();
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`, `--cpu-prof-name=${name}.cpuprofile`] : [];
  const child = startChild(name, [...profile, SERVER_JS], {
    NODE_ENV: 'production', DATABASE_URL: databaseUrl, SEED_DEMO: '0', LOG_LEVEL: 'warn', HOST: '127.0.0.1', PORT: String(port),
    DATA_DIR: dataDir, PAGE_CACHE_MB: String(pageCacheMb),
  });
  await untilReady(child, port);
  return { child, port };
}

/** The ceiling: a bare Fastify route answering every path with the same Buffer. */
const CEILING = `
import Fastify from 'fastify';
import { readFileSync } from 'node:fs';
const page = readFileSync(process.env.PAGE_FILE);
const app = Fastify();
app.get('/readyz', (request, reply) => { reply.send({ status: 'ready' }); });
app.get('/*', (request, reply) => { reply.header('content-type', 'text/html; charset=utf-8').send(page); });
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.once('SIGTERM', () => app.close().then(() => process.exit(0)));
`;

// ---- CPU a request ---------------------------------------------------------------------------

/**
 * CPU time used so far (clock ticks of /proc, utime + stime) by one process, by every `postgres`
 * process, and by the whole machine: a run's deltas split its CPU per page between the server,
 * Postgres and the rest (wrk, the kernel's softirqs, anything else running).
 */
function cpuTicks(serverPid: number): { server: number; postgres: number; machine: number } {
  let server = 0;
  let postgres = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    if (Number(pid) === serverPid) server = ticksOf(stat);
    else if (stat.includes('(postgres)')) postgres += ticksOf(stat);
  }
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const machine = cpu.reduce((a, b) => a + b, 0) - cpu[3]! - cpu[4]!; // all but idle and iowait
  return { server, postgres, machine };
}

// ---- round trips: a counting proxy in front of Postgres -------------------------------------

/** A transaction, or statements sent in one round trip outside any; `trips` is its round trips. */
interface TxRecord { statements: string[]; trips: number }

/** A statement as a short label: `select site_domain`, `begin`, `select set_config`. */
function label(text: string): string {
  const t = text.trim().replace(/\s+/g, ' ').toLowerCase();
  if (t.includes('pgboss')) return 'pgboss';
  if (/^begin; .*set_config\(/.test(t)) return 'begin + set_config (scope)'; // one round trip (pg-driver.ts)
  if (/^(begin|commit|rollback)/.test(t)) return t.split(/[ ;]/)[0]!;
  if (t.includes('set_config(')) return 'select set_config (scope)';
  // The statement's own table: the first from/into outside parentheses (select lists hold subqueries).
  let depth = 0;
  let top = '';
  for (const ch of t) {
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (depth === 0) top += ch;
  }
  const table = (x: string) => /^(select|insert into|update|delete from|with)\b.*?\b(?:from|into|update)\s+"?([a-z_.]+)"?/.exec(x) ?? /^(update|insert into)\s+"?([a-z_.]+)"?/.exec(x);
  // Selecting from a subquery: name the first table inside it.
  const m = table(top)?.[2] === 'as' ? table(t) : table(top);
  return m ? `${m[1]!.split(' ')[0]} ${m[2]}` : t.slice(0, 40);
}

/**
 * Counts round trips between a server and Postgres: every simple Query and every Sync of the
 * extended protocol is one (the client then waits for ReadyForQuery); the statements a Sync ends
 * are those Executed since the last one (a scoped read pipelines two: pg-driver.ts). Statements
 * are grouped into transactions per connection, so a page's reads can be told from the job
 * queue's.
 */
async function countingProxy(target: URL) {
  const finished: TxRecord[] = [];
  const server = createServer((client: Socket) => {
    const upstream = createConnection({ host: target.hostname, port: Number(target.port || 5432) });
    client.pipe(upstream);
    upstream.pipe(client);
    const closeBoth = () => { client.destroy(); upstream.destroy(); };
    client.on('error', closeBoth);
    upstream.on('error', closeBoth);
    client.on('close', closeBoth);
    upstream.on('close', closeBoth);
    let buf: Buffer = Buffer.alloc(0);
    let started = false;
    let parsed: string | null = null;
    const statements = new Map<string, string>();
    let executed: string[] = [];
    let tx: TxRecord | null = null;
    const roundTrip = (labels: string[]) => {
      if (labels.length === 0) return;
      const last = labels[labels.length - 1]!;
      if (!tx && labels[0]!.startsWith('begin')) {
        tx = { statements: [...labels], trips: 1 };
      } else if (tx) {
        tx.statements.push(...labels);
        tx.trips++;
      } else {
        finished.push({ statements: labels, trips: 1 });
        return;
      }
      if (last === 'commit' || last === 'rollback') {
        finished.push(tx);
        tx = null;
      }
    };
    client.on('data', (chunk: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      for (;;) {
        if (!started) {
          if (buf.length < 8) return;
          const len = buf.readInt32BE(0);
          if (buf.length < len) return;
          if (buf.readInt32BE(4) !== 80877103) started = true; // not an SSLRequest: the startup message
          buf = buf.subarray(len);
          continue;
        }
        if (buf.length < 5) return;
        const type = String.fromCharCode(buf[0]!);
        const len = buf.readInt32BE(1);
        if (buf.length < 1 + len) return;
        const payload = buf.subarray(5, 1 + len);
        buf = buf.subarray(1 + len);
        if (type === 'Q') {
          roundTrip([label(payload.subarray(0, payload.indexOf(0)).toString('utf8'))]);
        } else if (type === 'P') {
          const nameEnd = payload.indexOf(0);
          parsed = payload.subarray(nameEnd + 1, payload.indexOf(0, nameEnd + 1)).toString('utf8');
          // A named statement is parsed once per connection (pg-driver.ts); later runs only Bind it.
          if (nameEnd > 0) statements.set(payload.subarray(0, nameEnd).toString('utf8'), parsed);
        } else if (type === 'B') {
          const portalEnd = payload.indexOf(0);
          const name = payload.subarray(portalEnd + 1, payload.indexOf(0, portalEnd + 1)).toString('utf8');
          if (name) parsed = statements.get(name) ?? parsed;
        } else if (type === 'E') {
          executed.push(label(parsed ?? '(prepared)'));
        } else if (type === 'S') {
          roundTrip(executed);
          executed = [];
          parsed = null;
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    take(): TxRecord[] { return finished.splice(0); },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const isJobQueue = (t: TxRecord) => t.statements.some((s) => s === 'pgboss');
/** What the site directory reads (site-directory.ts): a host's routes, a site with its columns, settings and partials. */
const DIRECTORY_READS = new Set(['select site', 'select site_domain', 'select site_column', 'select site_theme_setting', 'select site_partial_override']);
/** A transaction of the app's, or a scoped read (readInScope: the scope and a statement in one round trip). */
const isTransaction = (t: TxRecord) => !isJobQueue(t) && (t.statements[0]!.startsWith('begin') || t.statements[0]!.includes('set_config'));
const isDirectoryLoad = (t: TxRecord) => isTransaction(t) && t.statements[0]!.startsWith('begin') && t.statements.slice(1, -1).every((s) => DIRECTORY_READS.has(s) || s.includes('set_config'));
/** A public page's own transaction: the rest. */
const isPage = (t: TxRecord) => isTransaction(t) && !isDirectoryLoad(t);

interface RoundTrips { perPage: number; directoryLoads: number; directoryTrips: number; typical: string; other: number }

function summarise(records: TxRecord[], requests: number): RoundTrips {
  const pages = records.filter(isPage);
  const loads = records.filter(isDirectoryLoad);
  const count = (ts: TxRecord[]) => ts.reduce((a, t) => a + t.trips, 0);
  const shape = (t: TxRecord) => `${t.statements.join(', ')} (${t.trips} round trip${t.trips === 1 ? '' : 's'})`;
  const byShape = new Map<string, number>();
  for (const t of pages) byShape.set(shape(t), (byShape.get(shape(t)) ?? 0) + 1);
  const typical = [...byShape].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
  const other = records.filter((t) => !isPage(t) && !isDirectoryLoad(t)).length;
  if (pages.length !== requests) console.log(`  note: ${pages.length} page transactions for ${requests} requests`);
  return { perPage: (count(pages) + count(loads)) / requests, directoryLoads: loads.length, directoryTrips: count(loads), typical, other };
}

// ---- main ----------------------------------------------------------------------------------

interface Url { host: string; path: string }

async function main(): Promise<void> {
  if (!existsSync(SERVER_JS)) throw new Error(`${SERVER_JS} does not exist: build first with \`npx tsc -b\``);
  assertWrk();
  const t0 = performance.now();
  const stamp = `${Date.now().toString(36)}_${process.pid}`;
  const dbName = `zq_bench_pages_${stamp}`;
  const owner = `zq_bench_owner_${stamp}`;
  const tmp = mkdtempSync(join(tmpdir(), 'zq-bench-pages-'));
  const admin = await openDatabase({ databaseUrl: PG, poolSize: 1 });
  let su: DbHandle | undefined;
  let ownerDb: DbHandle | undefined;
  const servers: Server[] = [];
  let proxy: Awaited<ReturnType<typeof countingProxy>> | undefined;
  let created = false;
  // Ctrl-C: stop the children and drop what was made, on a connection of its own.
  process.once('SIGINT', () => {
    for (const c of children) c.proc.kill('SIGKILL');
    void (async () => {
      const last = await openDatabase({ databaseUrl: PG, poolSize: 1 });
      await sql.raw(`drop database if exists "${dbName}" with (force)`).execute(last.db).catch(() => {});
      await sql.raw(`drop role if exists "${owner}"`).execute(last.db).catch(() => {});
      await last.close();
      rmSync(tmp, { recursive: true, force: true });
      process.exit(130);
    })();
  });
  try {
    // NODE_ENV=production refuses a superuser connection: the database belongs to a plain login
    // role (CREATEROLE only, so its migration may grant itself the app role), which the servers use.
    await sql.raw(`create role "${owner}" login createrole`).execute(admin.db);
    await sql.raw(`create database "${dbName}" owner "${owner}"`).execute(admin.db);
    created = true;
    const ownerUrl = withDatabase(PG, dbName, owner);
    ownerDb = await openDatabase({ databaseUrl: ownerUrl, poolSize: 2 });
    su = await openDatabase({ databaseUrl: withDatabase(PG, dbName), poolSize: 2 });
    const version = (await sql<{ v: string }>`select current_setting('server_version') as v`.execute(su.db)).rows[0]!.v;
    console.log(`public-pages bench: node ${process.version}, Postgres ${version}, database ${dbName} (owner ${owner}), load average ${loadavg()}`);
    await migrateToLatest(ownerDb.db);

    // 1. The province: sites through provisionSites, articles through the bulk path.
    let t = performance.now();
    const actor = { userId: null, label: 'bench:public-pages' };
    const platform = await createPlatform(ownerDb.db, systemClock, actor, { code: 'bench', name: '基准平台' });
    const ctx: ServiceContext = { db: ownerDb.db, clock: systemClock, actor, scope: { kind: 'platform', platformIds: [platform.id] } };
    const gen = generateProvince(SITES, { allLive: true });
    const orgs = await importOrgUnits(ctx, gen.orgCsv, { mode: 'all_or_nothing' });
    if (orgs.errors.length) throw new Error(`org import refused: ${JSON.stringify(orgs.errors.slice(0, 3))}`);
    const provisioned = await provisionSites(ctx, gen.siteCsv, { mode: 'all_or_nothing', devDomain: 'localhost', adminHost: 'admin.localhost' });
    if (provisioned.errors.length) throw new Error(`site import refused: ${JSON.stringify(provisioned.errors.slice(0, 3))}`);
    console.log(`sites: ${provisioned.imported} provisioned (${gen.subSites} sub-sites), all live, in ${secs(performance.now() - t)}`);

    const siteRows = await su.db.selectFrom('site').select(['id', 'code', 'name', 'site_id_code']).where('status', '=', 'live').orderBy('code').execute();
    const columnRows = await su.db.selectFrom('site_column').select(['id', 'site_id', 'parent_id', 'path', 'kind']).where('status', '=', 'open').execute();
    const parents = new Set(columnRows.map((c) => c.parent_id).filter(Boolean));
    const sites: BulkSite[] = siteRows.map((s) => ({
      ...s, columns: columnRows.filter((c) => c.site_id === s.id).map((c) => ({ id: c.id, path: c.path, kind: c.kind, leaf: !parents.has(c.id) })),
    }));
    // The provincial and city portals' 要闻 go deep: about a quarter of the articles, at least one column.
    const portals = ['jx', ...Array.from({ length: 11 }, (_, i) => `c${String(i + 1).padStart(2, '0')}`)];
    const deepCount = Math.max(1, Math.min(portals.length, Math.floor((ARTICLES * 0.25) / DEEP_SIZE)));
    const deepSites = portals.slice(0, deepCount).map((code) => siteRows.find((s) => s.code === code)!.id);
    if (ARTICLES < deepCount * DEEP_SIZE) throw new Error(`BENCH_ARTICLES must be at least ${DEEP_SIZE}`);

    t = performance.now();
    let lastReport = 0;
    const written = await writeArticles(su.db, sites, {
      total: ARTICLES, deepSites, deepSize: DEEP_SIZE, now: new Date(),
      onProgress: (n) => {
        if (performance.now() - lastReport > 10_000) {
          lastReport = performance.now();
          process.stdout.write(`  … ${n} articles written\n`);
        }
      },
    });
    const articleMs = performance.now() - t;
    t = performance.now();
    for (const table of ['site', 'site_domain', 'site_column', 'article', 'article_placement', 'url_path', 'site_counter']) {
      await sql.raw(`vacuum (analyze) ${table}`).execute(su.db);
    }
    await sql`analyze article_revision`.execute(su.db);
    const rows = Object.entries(written.rows).map(([k, v]) => `${v} ${k}`).join(', ');
    console.log(`articles: ${rows} in ${secs(articleMs)} (${Math.round(written.rows.article / (articleMs / 1000))} articles/s); vacuum analyze ${secs(performance.now() - t)}`);
    console.log(`  bodies ${written.bodyBytes.min}–${written.bodyBytes.max} bytes (mean ${written.bodyBytes.mean}); deep columns: ${written.deepColumns.map((d) => d.count).join(', ')} articles`);

    // 2. URLs: host and path on the site's primary route.
    const routes = await su.db.selectFrom('site_domain').select(['site_id', 'host', 'path_prefix']).where('role', '=', 'primary').execute();
    const mount = new Map<string, { host: string; prefix: string }>();
    for (const r of routes) if (!mount.has(r.site_id)) mount.set(r.site_id, { host: r.host, prefix: r.path_prefix.replace(/\/$/, '') });
    const toUrl = (siteId: string, path: string): Url => {
      const m = mount.get(siteId);
      if (!m) throw new Error(`site ${siteId} has no primary route`);
      return { host: m.host, path: `${m.prefix}${path}` };
    };
    const all = written.articles.map((a) => toUrl(a.siteId, a.path));
    const rnd = prng(42);
    const shuffled = [...all];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    const hot = shuffled.slice(0, Math.min(URLS, shuffled.length));
    const deep = written.deepColumns.map((d) => toUrl(d.siteId, `${d.path}?page=${deepBlock(d.count)}`));
    const hosts = (us: Url[]) => new Set(us.map((u) => u.host)).size;
    const lines = (us: Url[]) => `${us.map((u) => `${u.host} ${u.path}`).join('\n')}\n`;
    const files = { hot: join(tmp, 'hot.txt'), all: join(tmp, 'all.txt'), deep: join(tmp, 'deep.txt'), lua: join(tmp, 'urls.lua'), page: join(tmp, 'page.html') };
    writeFileSync(files.hot, lines(hot));
    writeFileSync(files.all, lines(all));
    writeFileSync(files.deep, lines(deep));
    writeFileSync(files.lua, RANDOM_URLS_LUA);
    console.log(`URLs: cached run ${hot.length} articles on ${hosts(hot)} hosts; uncached run ${all.length} articles on ${hosts(all)} hosts; deep run ${deep.length} column pages 第 ${DEEP_PAGE} 页 (?page=${written.deepColumns.map((d) => deepBlock(d.count)).join(', ')}) on ${hosts(deep)} hosts`);
    if (hot.length < 10_000 || hosts(hot) < 100) console.log(`  (fewer than 10,000 URLs or 100 hosts: a quick run, not the issue's figure)`);
    await su.close();
    su = undefined;

    // 3. Servers: without the cache first (also the source of the ceiling's bytes).
    const uncached = await startServer('server (PAGE_CACHE_MB=0)', ownerUrl, join(tmp, 'data-uncached'), 0);
    servers.push(uncached);
    const sample = await get(uncached.port, hot[0]!.host, hot[0]!.path);
    if (sample.status !== 200) throw new Error(`GET ${hot[0]!.host}${hot[0]!.path} answered ${sample.status}:\n${sample.body.toString().slice(0, 500)}`);
    writeFileSync(files.page, sample.body);
    let t1 = performance.now();
    const deepSample = await get(uncached.port, deep[0]!.host, deep[0]!.path);
    const deepAloneMs = performance.now() - t1;
    if (deepSample.status !== 200 || !deepSample.body.toString().includes(`第 ${DEEP_PAGE} 页`)) throw new Error(`deep column page answered ${deepSample.status}, not 第 ${DEEP_PAGE} 页`);
    console.log(`article page: ${sample.body.length} bytes (${hot[0]!.host}${hot[0]!.path}); column page 第 ${DEEP_PAGE} 页: ${deepSample.body.length} bytes, ${Math.round(deepAloneMs)} ms alone`);
    // A running server knows its sites (the site directory, SITE_CACHE): one page per host first,
    // so the uncached run measures pages rendered from Postgres, not the directory filling up.
    t1 = performance.now();
    const firstPerHost = [...new Map(all.map((u) => [u.host, u])).values()];
    for (let i = 0; i < firstPerHost.length; i += 8) await Promise.all(firstPerHost.slice(i, i + 8).map((u) => get(uncached.port, u.host, u.path)));
    console.log(`uncached server: site directory filled with ${firstPerHost.length} hosts in ${secs(performance.now() - t1)}`);

    const ceilingPort = await freePort();
    const ceilingChild = startChild('ceiling', ['--input-type=module', '-e', CEILING], { PORT: String(ceilingPort), PAGE_FILE: files.page });
    const ceiling: Server = { child: ceilingChild, port: ceilingPort };
    servers.push(ceiling);
    await untilReady(ceilingChild, ceilingPort);

    // Each entry keeps its body, gzip and brotli variants: size the cache to hold every URL, with room.
    const cacheMb = Math.max(256, Math.ceil((hot.length * (sample.body.length * 2 + 512) * 1.5) / 1024 / 1024));
    const cached = await startServer(`server (PAGE_CACHE_MB=${cacheMb})`, ownerUrl, join(tmp, 'data-cached'), cacheMb);
    servers.push(cached);

    // Warm the cache: every URL once (this also checks that each of them answers 200).
    t = performance.now();
    let failed = 0;
    for (let i = 0; i < hot.length; i += 8) {
      const res = await Promise.all(hot.slice(i, i + 8).map((u) => get(cached.port, u.host, u.path)));
      for (const r of res) if (r.status !== 200) failed++;
    }
    if (failed) throw new Error(`${failed} of ${hot.length} article URLs did not answer 200`);
    const again = await get(cached.port, hot[0]!.host, hot[0]!.path);
    if (!again.body.equals(sample.body)) console.log('  note: the cached server\'s page differs from the uncached one\'s (request-dependent content?)');
    console.log(`cache warmed: ${hot.length} pages in ${secs(performance.now() - t)} (${Math.round(hot.length / ((performance.now() - t) / 1000))} req/s at 8 concurrent, all 200)`);

    // 4. Measure: the ceiling before and after, the rest in between.
    const pgStats = async () => {
      const r = await sql<{ xact: number; fetched: number; returned: number }>`
        select (xact_commit + xact_rollback)::float8 as xact, tup_fetched::float8 as fetched, tup_returned::float8 as returned
        from pg_stat_database where datname = ${dbName}`.execute(admin.db);
      return r.rows[0]!;
    };
    console.log(`\nwrk -t2 -d${SECONDS}s --latency after ${WARM_SECONDS} s of the same load not counted, one Lua script, random URLs, Host per request, no Accept-Encoding (identity bodies on every side)`);
    const tick = 1000 / CLK_TCK;
    const cpuPer = (t: Measured['ticks'], requests: number) => {
      const per = (ticks: number) => `${(ticks * tick * 1000 / requests).toFixed(0)} µs`;
      return `server ${per(t.server)}, postgres ${per(t.postgres)}, the rest ${per(t.rest)}`;
    };
    /** Runs of one kind taken together: their mean rate, the worst p99, CPU over all their requests. */
    const combined = (runs: Measured[]): Measured => {
      const sum = (of: (r: Measured) => number) => runs.reduce((n, r) => n + of(r), 0);
      const requests = sum((r) => r.requests);
      const ticks = { server: sum((r) => r.ticks.server), postgres: sum((r) => r.ticks.postgres), rest: sum((r) => r.ticks.rest) };
      return {
        ...runs[0]!, requests, ticks, cpu: requests ? cpuPer(ticks, requests) : '',
        rps: sum((r) => r.rps) / runs.length, p50: sum((r) => r.p50) / runs.length, p99: Math.max(...runs.map((r) => r.p99)),
        bad: sum((r) => r.bad), errors: sum((r) => r.errors), timeouts: sum((r) => r.timeouts),
      };
    };
    /** One measured wrk run after its warm-up. `measuring`: called after the warm-up, before the run. */
    const run = async (name: string, server: Server, conns: number, urlFile: string,
      { timeoutS = 5, seconds = SECONDS, measuring }: { timeoutS?: number; seconds?: number; measuring?: () => Promise<void> } = {}): Promise<Measured> => {
      // Warm-up, not counted: the same load for WARM_SECONDS, so the measured run finds the server's
      // code optimised (V8 compiles hot functions in the first seconds, on the same 2 cores).
      await wrk({ port: server.port, conns, script: files.lua, urlFile, timeoutS, seconds: WARM_SECONDS });
      if (measuring) {
        await sleep(1_500); // backends report their statistics at most once a second
        await measuring();
      }
      const c0 = cpuTicks(server.child.proc.pid!);
      const r: Measured = { ...await wrk({ port: server.port, conns, script: files.lua, urlFile, timeoutS, seconds }), ticks: { server: 0, postgres: 0, rest: 0 } };
      const c1 = cpuTicks(server.child.proc.pid!);
      if (r.requests === 0) {
        console.log(`  ${name.padEnd(34)} no answer within the ${seconds} s run (${r.timeouts} over ${timeoutS} s; load ${r.load})`);
        return r;
      }
      // A backend that exits during the run (a pool's idle connection) takes its ticks along: never below 0.
      r.ticks = { server: Math.max(0, c1.server - c0.server), postgres: Math.max(0, c1.postgres - c0.postgres), rest: Math.max(0, c1.machine - c1.server - c1.postgres - (c0.machine - c0.server - c0.postgres)) };
      r.cpu = cpuPer(r.ticks, r.requests);
      console.log(`  ${name.padEnd(34)} ${String(Math.round(r.rps)).padStart(7)} req/s  p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms  (${r.requests} requests, ${r.bad} non-2xx, ${r.errors} socket errors, ${r.timeouts} over ${timeoutS} s; load ${r.load})`);
      console.log(`  ${''.padEnd(34)} CPU a request: ${r.cpu}`);
      return r;
    };
    // The ceiling and the cached pages take turns (PAIRS), so both see the same minutes of the machine.
    const ceilRuns: Measured[] = [];
    const hitRuns: Measured[] = [];
    const pairSeconds = Math.max(1, Math.round(SECONDS / PAIRS));
    for (let i = 1; i <= PAIRS; i++) {
      const turn = PAIRS > 1 ? ` (${i} of ${PAIRS})` : '';
      const c = () => run(`ceiling, 50 conns${turn}`, ceiling, 50, files.hot, { seconds: pairSeconds }).then((r) => ceilRuns.push(r));
      const h = () => run(`cached article, 50 conns${turn}`, cached, 50, files.hot, { seconds: pairSeconds }).then((r) => hitRuns.push(r));
      if (i % 2 === 1) { await c(); await h(); } else { await h(); await c(); }
    }
    const ceil1 = combined(ceilRuns);
    const hit = combined(hitRuns);
    if (PAIRS > 1) {
      console.log(`  ${'ceiling, taken together'.padEnd(34)} ${String(Math.round(ceil1.rps)).padStart(7)} req/s  p99 ${ceil1.p99.toFixed(2)} ms; CPU a request: ${ceil1.cpu}`);
      console.log(`  ${'cached article, taken together'.padEnd(34)} ${String(Math.round(hit.rps)).padStart(7)} req/s  p99 ${hit.p99.toFixed(2)} ms; CPU a request: ${hit.cpu}`);
    }
    await stop(cached.child);
    let before = { xact: 0, fetched: 0, returned: 0 };
    const miss = await run('uncached article, 10 conns', uncached, 10, files.all, { timeoutS: 30, measuring: async () => { before = await pgStats(); } });
    await sleep(1_500); // backends report their statistics at most once a second
    const after = await pgStats();
    const deepRun = await run(`column 第 ${DEEP_PAGE} 页 uncached, 10 conns`, uncached, 10, files.deep, { timeoutS: 30 });
    const ceil2 = await run('ceiling again, 50 conns', ceiling, 50, files.hot);
    for (const s of servers) await stop(s.child);
    servers.length = 0;

    // 5. Database round trips per uncached page: a fresh server behind a counting proxy, requests one at a time.
    proxy = await countingProxy(new URL(PG));
    const proxied = new URL(ownerUrl);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    const counted = await startServer('server (PAGE_CACHE_MB=0, counted)', proxied.toString(), join(tmp, 'data-counted'), 0);
    servers.push(counted);
    proxy.take();
    const probe = shuffled.slice(hot.length, hot.length + 200);
    const probeSet = probe.length >= 100 ? probe : hot.slice(0, 200);
    const probeAll = async (set: Url[]) => {
      for (const u of set) {
        const r = await get(counted.port, u.host, u.path);
        if (r.status !== 200) throw new Error(`GET ${u.host}${u.path} answered ${r.status}`);
      }
    };
    // First with the site directory empty (just started), then again with it filled, as in steady state.
    await probeAll(probeSet);
    const coldTrips = summarise(proxy.take(), probeSet.length);
    await probeAll(probeSet);
    const articleTrips = summarise(proxy.take(), probeSet.length);
    const deepProbe = deep.slice(0, 3);
    await get(counted.port, deepProbe[0]!.host, deepProbe[0]!.path);
    proxy.take();
    for (const u of deepProbe) await get(counted.port, u.host, u.path);
    const deepTrips = summarise(proxy.take(), deepProbe.length);
    await stop(counted.child);
    servers.length = 0;

    // 6. The table. Cached pages against the ceiling runs they took turns with; the uncached
    // runs, which come between, against the mean of the ceiling before them and after them.
    const ceil = (ceil1.rps + ceil2.rps) / 2;
    const mark = (ok: boolean) => (ok ? 'ok' : 'MISSED');
    /** A row: its run, the ceiling it is divided by, and the target met or not for that ratio. */
    const tableRows: [string, WrkResult, string, number, (ratio: number) => string][] = [
      ['ceiling (bare Fastify, Buffer)', { ...ceil1, rps: ceil, p99: Math.max(ceil1.p99, ceil2.p99) }, '50', ceil, () => ''],
      ['cached article', hit, '50', ceil1.rps, (x) => `≥ 85 %, p99 < 20 ms: ${mark(x >= TARGETS.cached.ratio && hit.p99 < TARGETS.cached.p99)}`],
      ['uncached article (cache off)', miss, '10', ceil, (x) => `≥ 5 %, p99 < 50 ms: ${mark(x >= TARGETS.uncached.ratio && miss.p99 < TARGETS.uncached.p99)}`],
      [`column 第 ${DEEP_PAGE} 页 (cache off)`, deepRun, '10', ceil, (x) => `≥ 5 %: ${mark(x >= TARGETS.deep.ratio)}`],
    ];
    console.log(`\n${'page'.padEnd(32)} ${'conns'.padStart(5)} ${'req/s'.padStart(8)} ${'p99'.padStart(10)} ${'÷ ceiling'.padStart(10)}  target`);
    for (const [name, r, conns, of, target] of tableRows) {
      const p99 = r.requests === 0 ? `> ${SECONDS} s` : `${r.p99.toFixed(2)} ms`;
      const ratio = r.rps / of;
      console.log(`${name.padEnd(32)} ${conns.padStart(5)} ${String(Math.round(r.rps)).padStart(8)} ${p99.padStart(10)} ${`${(ratio * 100).toFixed(1)} %`.padStart(10)}  ${target(ratio)}`);
    }
    console.log(`(ceiling: mean of ${Math.round(ceil1.rps)} before${PAIRS > 1 ? `, its ${PAIRS} runs with the cached pages,` : ''} and ${Math.round(ceil2.rps)} after; its p99 is the worst of its runs.`);
    console.log(` The cached pages are ÷ the ceiling runs they took turns with: ${Math.round(ceil1.rps)}; the uncached ones ÷ the mean.)`);
    const xact = (after.xact - before.xact) / miss.requests;
    console.log(`\ndatabase work per uncached article page:`);
    console.log(`  round trips: ${articleTrips.perPage.toFixed(1)} per page (${probeSet.length} pages one at a time through a counting proxy: every Query and every Sync is one)`);
    console.log(`    the page's reads: ${articleTrips.typical}`);
    if (articleTrips.other) console.log(`    (${articleTrips.other} other statements or transactions meanwhile, not counted: scheduled jobs)`);
    console.log(`    with the site directory empty (a fresh process): ${coldTrips.perPage.toFixed(1)} per page, of which ${coldTrips.directoryTrips} in ${coldTrips.directoryLoads} directory loads (hosts' routes, sites with columns and settings) for ${hosts(probeSet)} hosts`);
    console.log(`  under wrk: ${xact.toFixed(2)} transactions per page (pg_stat_database, all of the bench database's sessions), ${((after.fetched - before.fetched) / miss.requests).toFixed(0)} tuples fetched per page`);
    console.log(`  column 第 ${DEEP_PAGE} 页: ${deepTrips.perPage.toFixed(1)} round trips per page: ${deepTrips.typical}`);
    console.log(`\nload average at the end ${loadavg()}; total ${secs(performance.now() - t0)}`);
  } finally {
    for (const s of servers) await stop(s.child).catch(() => {});
    for (const c of children) c.proc.kill('SIGKILL');
    await proxy?.close().catch(() => {});
    agent.destroy();
    await su?.close().catch(() => {});
    await ownerDb?.close().catch(() => {});
    if (process.env.BENCH_KEEP === '1') {
      console.log(`kept: database ${dbName}, owner ${owner} (drop both when done)`);
    } else {
      if (created) await sql.raw(`drop database if exists "${dbName}" with (force)`).execute(admin.db);
      await sql.raw(`drop role if exists "${owner}"`).execute(admin.db).catch((err: unknown) => console.error(`could not drop role ${owner}: ${(err as Error).message}`));
    }
    await admin.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`public-pages: ${(err as Error).stack ?? String(err)}\n`);
  for (const c of children) c.proc.kill('SIGKILL');
  process.exit(1);
});
