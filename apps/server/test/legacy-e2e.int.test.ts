// Issue 7 end to end: the generated legacy county site served on loopback is crawled (robots.txt
// respected) and its mirror imported by a mapping profile into a county site that keeps the old
// host; the old URLs then answer on the public routes — articles (GBK ones included) 301 to their
// new pages, which show them; list pages 301 to their columns; the closed section 410 by its
// mapping — a second run changes nothing, and rollback leaves the site as it was.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crawl } from '@zhanqun/legacy/crawl/crawler';
import { rollbackRun } from '@zhanqun/legacy/import-run.service';
import { legacyWorld, type LegacyWorld } from '@zhanqun/legacy/legacy.fixture';
import { importEntriesCsv } from '@zhanqun/legacy/legacy-url.service';
import { importMirror } from '@zhanqun/legacy/mirror/mirror-import.service';
import { countySite, LEGACY_HOST, serveCountySite, SHARED } from '@zhanqun/legacy/testsite/county-site.fixture';
import { createColumn } from '@zhanqun/tenancy/column.service';
import { build, type TestApp } from './helper.js';

const PROFILE = `
host: ${LEGACY_HOST}
articles: '^/art/\\d{4}/\\d{1,2}/\\d{1,2}/art_(?<section>\\d+)_\\d+\\.html$'
lists: '^/col/col(?<section>\\d+)/index(?:_\\d+)?\\.html$'
sections: { '1': /tzgg/, '2': /zcwj/, '3': /bmdt/, '4': /xzdt/ }
selectors: { title: h1.title, body: '#zoom', time: .info }
`;

describe('a legacy county site crawled, imported and answering on its old host', () => {
  let h: TestApp;
  let w: LegacyWorld;
  let dir: string;
  let served: Awaited<ReturnType<typeof serveCountySite>>;
  const pages = countySite();
  const get = (url: string) => h.app.inject({ method: 'GET', url, headers: { host: LEGACY_HOST } });
  const census = async () => {
    const n = async (table: string) => Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)} where site_id = ${w.siteId}`.execute(h.t.db)).rows[0]!.n);
    return { article: await n('article'), url_path: await n('url_path'), legacy_item: await n('legacy_item') };
  };
  let before: Awaited<ReturnType<typeof census>>;
  let runId: string;

  beforeAll(async () => {
    h = await build();
    // The county keeps its old host (a domain of the new site): old URLs answer beside the new pages.
    w = await legacyWorld(h.t, 'e2e', [LEGACY_HOST]);
    for (const [slug, name, kind] of [['zcwj', '政策文件', 'policy'], ['bmdt', '部门动态', 'news'], ['xzdt', '乡镇动态', 'news']] as const) {
      await createColumn(w.ctx, w.siteId, { slug, name, kind });
    }
    served = await serveCountySite(pages);
    dir = mkdtempSync(join(tmpdir(), 'zq-e2e-'));
    before = await census();
  });
  afterAll(async () => {
    served?.server.close();
    rmSync(dir, { recursive: true, force: true });
    await h?.close();
  });

  it('should crawl the old site and import it', async () => {
    const crawled = await crawl({
      start: `http://${LEGACY_HOST}:${new URL(served.origin).port}/`, dir, rate: 2000,
      resolve: async () => [{ address: '127.0.0.1', family: 4 }], unsafeAllowAddressesForTests: ['127.0.0.1'],
    });
    expect(crawled.failed).toEqual([]);
    expect(crawled.fetched).toBeGreaterThan(200);
    const files = { store: h.app.blobs, maxBytes: 50 * 1024 * 1024 };
    const { runId: id, report } = await importMirror(w.ctx, w.siteId, { dir: crawled.root, profile: PROFILE, sourceName: 'crawl', files });
    runId = id;
    expect(report).toMatchObject({ failed: [], duplicates: 1, imported: 186 });
    expect(report.filesStored).toBe(58);
    // The closed section was linked from nowhere any more: its old URLs are retired by a mapping.
    const retired = [...pages.keys()].filter((p) => /^\/(col\/col9\/|art\/.*\/art_9_)/.test(p)).map((p) => `http://${LEGACY_HOST}${p},,410`);
    expect((await importEntriesCsv(w.ctx, w.siteId, 'www-anhe-old-gov-cn', `Old Url,New Url,Status\n${retired.join('\n')}\n`)).errors).toEqual([]);
  });

  it('should answer the old URLs: 301 to the new page (GBK ones too), the list pages to their column, 410 for the closed section', async () => {
    // The first article of the GBK section carries an image.
    const gbk = [...pages.values()].find((p) => p.expect?.encoding === 'gbk' && p.expect.kind === 'article' && p.path.endsWith('_3000.html'))!;
    const moved = await get(gbk.path.toUpperCase().replace('/ART/', '/art/'));
    expect(moved.statusCode).toBe(301);
    expect(moved.headers.location).toMatch(/^\/bmdt\/2019\d\d\/t2019\d{4}_\d+\.html$/);
    const page = await get(moved.headers.location!);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(gbk.expect!.title!);
    // Its image is the site's attachment now, served while the article is live.
    const src = /<img src="(\/_files\/[^"]+)"/.exec(page.body)?.[1];
    expect(src).toBeDefined();
    expect((await get(src!)).headers['content-type']).toBe('image/png');
    // The image's old address answers 301 with it, as does a download's (the script's filename parameter counts).
    const image = await get(`/picture/0/${src!.split('/').pop()}`);
    expect([image.statusCode, image.headers.location]).toEqual([301, src]);
    const download = await get('/module/download/downfile.jsp?filename=3000.pdf&classid=0');
    expect(download.statusCode).toBe(301);
    expect(download.headers.location).toMatch(/^\/_files\/[0-9a-f-]{36}\/3000\.pdf$/);
    expect((await get(download.headers.location!)).headers['content-type']).toBe('application/pdf');
    expect((await get('/col/col1/index_2.html')).headers.location).toBe('/tzgg/');
    const [first, second] = SHARED.sections.map((s) => `/art/2019/1/20/art_${s}_${SHARED.id}.html`);
    expect((await get(second!)).headers.location).toBe((await get(first!)).headers.location);
    expect((await get('/col/col9/index.html')).statusCode).toBe(410);
    expect((await get('/art/2019/6/17/art_9_9003.html')).statusCode).toBe(404); // no such page ever existed
  });

  it('should change nothing on a second run, and leave the site as it was after rollback', async () => {
    const now = await census();
    const again = await importMirror(w.ctx, w.siteId, { dir: join(dir, LEGACY_HOST), profile: PROFILE, sourceName: 'again' });
    expect(again.report).toMatchObject({ imported: 0, updated: 0, failed: [] });
    expect(await census()).toEqual(now);
    await rollbackRun(w.ctx, w.siteId, runId);
    const after = await census();
    // The retired mapping was imported apart from the run (legacy urls): it stays.
    expect({ ...after, url_path: after.url_path - 13 }).toEqual(before);
  });
});
