// The crawler against the generated legacy county site served on loopback: only the site's own
// pages, robots.txt respected, bounded and resumable without fetching a page twice, private
// addresses refused unless a test allows them; the crawl's mirror is what the mirror import reads.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mirrorPaths } from '../mirror/mirror-import.service.js';
import { countySite, DISALLOWED, LEGACY_HOST, serveCountySite } from '../testsite/county-site.fixture.js';
import { crawl, type CrawlOptions } from './crawler.js';
import { parseRobots } from './robots.js';

describe('robots.txt', () => {
  it('should take the longest rule, Allow on a tie, wildcards and end anchors, and our group over *', () => {
    const robots = parseRobots('User-agent: *\nDisallow: /module/\nAllow: /module/download/\nDisallow: /*.doc$\n\nUser-agent: other\nDisallow: /', 'zhanqun-legacy-crawler');
    expect(robots.isAllowed('/module/search/x.jsp')).toBe(false);
    expect(robots.isAllowed('/module/download/downfile.jsp?f=1.pdf')).toBe(true);
    expect(robots.isAllowed('/files/a.doc')).toBe(false);
    expect(robots.isAllowed('/files/a.docx')).toBe(true);
    expect(parseRobots('User-agent: zhanqun\nDisallow: /private/\nUser-agent: *\nDisallow: /', 'zhanqun-legacy-crawler').isAllowed('/art/1.html')).toBe(true);
  });
});

// Postgres pass only: no database here: the PGlite pass has nothing to add.
describe.skipIf(inject('zqTestBackend').kind === 'pglite')('crawl', () => {
  let served: Awaited<ReturnType<typeof serveCountySite>>;
  let port: number;
  const dirs: string[] = [];
  const pages = countySite();
  const options = (dir: string, over: Partial<CrawlOptions> = {}): CrawlOptions => ({
    start: `http://${LEGACY_HOST}:${port}/`, dir, concurrency: 4, rate: 2000,
    // The old host's name resolves to the test server on loopback, which only a test may allow.
    resolve: async () => [{ address: '127.0.0.1', family: 4 }], unsafeAllowAddressesForTests: ['127.0.0.1'], ...over,
  });
  const tmp = () => { const d = mkdtempSync(join(tmpdir(), 'zq-crawl-')); dirs.push(d); return d; };

  beforeAll(async () => {
    served = await serveCountySite(pages);
    port = Number(new URL(served.origin).port);
  });
  afterAll(() => {
    served?.server.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('should fetch every page reachable from the home page, never a disallowed one, into a mirror', async () => {
    const dir = tmp();
    served.requests.length = 0;
    const report = await crawl(options(dir));
    expect(report.failed).toEqual([]);
    expect(report.disallowed).toEqual([`http://${LEGACY_HOST}:${port}${DISALLOWED}search.jsp?q=1`]);
    expect(served.requests.some((r) => r.startsWith(DISALLOWED))).toBe(false);
    // The closed section is linked from nowhere: its pages stay behind, as they did for visitors.
    const reachable = [...pages.keys()].filter((p) => !/col9|art_9_|[=/]90\d\d\./.test(p) && !p.startsWith(DISALLOWED) && p !== '/robots.txt');
    const onDisk = mirrorPaths(report.root).map((f) => f.path).filter((p) => p !== '/robots.txt');
    const expected = reachable.map((p) => (p === '/' ? '/index.html' : p));
    expect(expected.filter((p) => !onDisk.includes(p))).toEqual([]);
    expect(onDisk.sort()).toEqual(expected.sort());
    expect(new Set(served.requests).size).toBe(served.requests.length); // nothing fetched twice
  });

  it('should stop at its bound and resume where it stopped, fetching nothing twice', async () => {
    const dir = tmp();
    served.requests.length = 0;
    const first = await crawl(options(dir, { maxPages: 40 }));
    expect(first.fetched).toBe(40);
    expect(first.remaining).toBeGreaterThan(0);
    const second = await crawl(options(dir));
    expect(second.alreadyDone).toBeGreaterThanOrEqual(40);
    expect(second.remaining).toBe(0);
    const pagesOnly = served.requests.filter((r) => r !== '/robots.txt');
    expect(new Set(pagesOnly).size).toBe(pagesOnly.length);
  });

  it('should refuse a private address unless a test allows it, and leave the site\'s hosts alone otherwise', async () => {
    const dir = tmp();
    const refused = await crawl({ ...options(dir), unsafeAllowAddressesForTests: [] });
    expect(refused.fetched).toBe(0);
    expect(refused.failed[0]).toMatchObject({ error: 'private_address' });
    expect(existsSync(join(dir, LEGACY_HOST, 'index.html'))).toBe(false);
  });
});
