/**
 * Cache hits alone (issue 6, Speed): no database, no theme, only the page cache and the hit path
 * over many pages, to tell what a hit costs from what the rest of a server costs. Each way of
 * answering runs in a child process of its own on the same synthetic pages (HITS_PAGES, default
 * 10,000, ~10 KB each, on 100 hosts), measured with wrk (-t2, 50 connections, random URLs, Host
 * per request, no Accept-Encoding), one after the other in the same minutes:
 *
 *   ceiling        a bare Fastify route sending one page's Buffer (as public-pages.ts)
 *   writeHead      a bare http server: a Map of the pages, writeHead with the page's header list, end(body)
 *   hits           cacheFirstServerFactory + answerFromCache, as the app runs them (wire answers)
 *   hits/writeHead the same hit path made to answer through writeHead (a server counting requests per socket)
 *
 *   node --conditions=@zhanqun/source --import tsx scripts/bench/cached-hits.ts
 *   HITS_PAGES=2000 HITS_SECONDS=5 HITS_ROUNDS=2 …
 *
 * It prints req/s, the server's CPU a request (utime + stime from /proc) and the ratio to the
 * ceiling for each, HITS_ROUNDS times (default 2). Absolute figures are machine noise.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, get, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { children, freePort, startChild, stopChild } from './bench-process.js';
import { assertWrk, processTicks, RANDOM_URLS_LUA, wrk } from './wrk.js';

const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback) || fallback;
const PAGES = num('HITS_PAGES', 10_000);
const SECONDS = num('HITS_SECONDS', 8);
const ROUNDS = num('HITS_ROUNDS', 2);
const MODES = ['ceiling', 'writeHead', 'hits', 'hits/writeHead'] as const;
type Mode = (typeof MODES)[number];

/** Page i: ~10 KB of Chinese text, different for every page. */
function bodyOf(i: number): Buffer {
  const words: string[] = [];
  for (let k = 0; k < 600; k++) words.push(`文章内容${((i * 7919 + k * 104729) % 100_000).toString(36)}`);
  return Buffer.from(`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${i}</title></head><body><p>${words.join(' ')}</p></body></html>`);
}
const hostOf = (i: number) => `s${i % 100}.bench.gov.cn`;
const pathOf = (i: number) => `/xwdt/yw/202611/t20261127_${i}.html`;

/** The child: one way of answering, on PORT. */
async function serve(mode: Mode, port: number): Promise<void> {
  if (mode === 'ceiling') {
    const { default: Fastify } = await import('fastify');
    const page = bodyOf(1);
    const app = Fastify();
    app.get('/*', (request, reply) => { reply.header('content-type', 'text/html; charset=utf-8').send(page); });
    await app.listen({ port, host: '127.0.0.1' });
    return;
  }
  const { PageCache } = await import('@zhanqun/server/public/page-cache');
  const { answerFromCache, cacheFirstServerFactory, pageCacheKey, pageHeaders } = await import('@zhanqun/server/public/cached-answer');
  const cache = new PageCache(4 * 1024 ** 3);
  const bare = new Map<string, { body: Buffer; list: string[] }>();
  for (let i = 0; i < PAGES; i++) {
    const page = cache.store(pageCacheKey(hostOf(i), pathOf(i))!, {
      siteIds: [String(i % 100)], status: 200, contentType: 'text/html; charset=utf-8',
      cacheControl: 'public, max-age=0, s-maxage=60, stale-while-revalidate=300', body: bodyOf(i), lastModified: new Date().toUTCString(),
    }, cache.epoch);
    if (mode === 'writeHead') {
      const headers = { ...pageHeaders(page, false).bare, 'content-length': page.body.length };
      bare.set(hostOf(i) + pathOf(i), { body: page.body, list: Object.entries(headers).flatMap(([k, v]) => [k, String(v)]) });
    }
  }
  const notFound = (_req: IncomingMessage, res: ServerResponse) => { res.statusCode = 404; res.end(); };
  const server = mode === 'writeHead'
    ? createServer((req, res) => {
      const entry = bare.get(`${req.headers.host}${req.url}`);
      if (!entry) return notFound(req, res);
      res.writeHead(200, entry.list);
      res.end(entry.body);
    })
    : cacheFirstServerFactory(answerFromCache({ cache, adminHost: 'admin.bench.gov.cn', trustProxy: false }))(
      notFound, mode === 'hits/writeHead' ? { maxRequestsPerSocket: 1_000_000_000 } : {});
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
}

/** Until the child answers page 0 with 200 (its pages are made before it listens). */
async function untilReady(port: number, child: { done: boolean; output(): string }): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    if (child.done) throw new Error(`child exited:\n${child.output()}`);
    const status = await new Promise<number>((resolve) => {
      get({ host: '127.0.0.1', port, path: pathOf(0), headers: { host: hostOf(0) }, agent: false }, (res) => { res.resume(); resolve(res.statusCode ?? 0); })
        .once('error', () => resolve(0));
    });
    if (status === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('child not ready after 120 s');
}

async function main(): Promise<void> {
  assertWrk();
  const tmp = mkdtempSync(join(tmpdir(), 'zq-hits-'));
  try {
    const urls = join(tmp, 'urls.txt');
    const lua = join(tmp, 'urls.lua');
    writeFileSync(urls, Array.from({ length: PAGES }, (_, i) => `${hostOf(i)} ${pathOf(i)}`).join('\n') + '\n');
    writeFileSync(lua, RANDOM_URLS_LUA);
    console.log(`cached-hits bench: node ${process.version}, ${PAGES} pages on 100 hosts, wrk -t2 -c50 -d${SECONDS}s after 2 s of warm-up, ${ROUNDS} rounds`);
    for (let round = 1; round <= ROUNDS; round++) {
      let ceiling = 0;
      for (const mode of MODES) {
        const port = await freePort();
        const child = startChild(mode, ['--conditions=@zhanqun/source', '--import', 'tsx', fileURLToPath(import.meta.url)], { HITS_MODE: mode, HITS_PORT: String(port), HITS_PAGES: String(PAGES) });
        try {
          await untilReady(port, child);
          await wrk({ port, conns: 50, script: lua, urlFile: urls, seconds: 2 });
          const t0 = processTicks(child.proc.pid!);
          const r = await wrk({ port, conns: 50, script: lua, urlFile: urls, seconds: SECONDS });
          const cpu = ((processTicks(child.proc.pid!) - t0) * 10_000) / (r.rps * SECONDS); // ticks of 10 ms → µs a request
          if (mode === 'ceiling') ceiling = r.rps;
          if (r.bad > 0) throw new Error(`${mode}: ${r.bad} answers not 2xx`);
          console.log(`  round ${round}  ${mode.padEnd(15)} ${String(Math.round(r.rps)).padStart(7)} req/s  server ${cpu.toFixed(1).padStart(5)} µs a request  ${(100 * r.rps / ceiling).toFixed(1).padStart(6)} % of the ceiling`);
        } finally {
          await stopChild(child);
        }
      }
    }
  } finally {
    for (const child of children) await stopChild(child);
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.env.HITS_MODE) {
  await serve(process.env.HITS_MODE as Mode, Number(process.env.HITS_PORT));
  process.once('SIGTERM', () => process.exit(0));
} else {
  await main();
}
