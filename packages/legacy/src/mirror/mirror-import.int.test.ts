// Importing a static mirror of the generated legacy county site (../testsite) by a mapping profile,
// on the real database: every article in its column at its original time (GBK pages included),
// the disclosure fields kept, list pages 301 to their column, the closed section 410, the document
// of two sections one article, unmapped pages reported; a re-run changes nothing; rollback
// leaves the site as it was; another site's account cannot import.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createBlobStore } from '@zhanqun/content/attachment/blob-store';
import { formatZoned } from '@zhanqun/core/time';
import { inScope } from '@zhanqun/db/scope';
import { createColumn } from '@zhanqun/tenancy/column.service';
import { createTestDatabase, type TestDatabase } from '@zhanqun/testing/db';
import { rollbackRun } from '../import-run.service.js';
import { legacyWorld, type LegacyWorld } from '../legacy.fixture.js';
import { createLegacySite } from '../legacy-site.service.js';
import { importEntriesCsv } from '../legacy-url.service.js';
import { resolveLegacy } from '../legacy-resolve.js';
import { countySite, LEGACY_HOST, SHARED, writeMirror } from '../testsite/county-site.fixture.js';
import { importMirror } from './mirror-import.service.js';

const PROFILE = `
host: ${LEGACY_HOST}
articles: '^/art/\\d{4}/\\d{1,2}/\\d{1,2}/art_(?<section>\\d+)_\\d+\\.html$'
lists: '^/col/col(?<section>\\d+)/index(?:_\\d+)?\\.html$'
retired: ['^/col/col9/', '^/art/.*/art_9_']
sections: { '1': /tzgg/, '2': /zcwj/, '3': /bmdt/, '4': /xzdt/ }
selectors: { title: h1.title, body: '#zoom', time: .info }
`;

// Postgres only: the item writer runs on PGlite in the WordPress import's tests; these 200 pages take 40 s there.
describe.skipIf(inject('zqTestBackend').kind === 'pglite')('mirror import', () => {
  let t: TestDatabase;
  let w: LegacyWorld;
  let dir: string;
  let root: string;
  const pages = countySite();
  const census = async () => {
    const n = async (table: string) => Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)} where site_id = ${w.siteId}`.execute(t.db)).rows[0]!.n);
    return { article: await n('article'), article_revision: await n('article_revision'), url_path: await n('url_path'), legacy_item: await n('legacy_item'), attachment: await n('attachment') };
  };
  const ask = (path: string) => inScope(t.db, { kind: 'public', siteIds: [w.siteId] }, (trx) => resolveLegacy(trx, w.siteId, { host: LEGACY_HOST, rawPathAndQuery: path }));

  beforeAll(async () => {
    t = await createTestDatabase();
    w = await legacyWorld(t, 'mir');
    for (const [slug, name, kind] of [['zcwj', '政策文件', 'policy'], ['bmdt', '部门动态', 'news'], ['xzdt', '乡镇动态', 'news']] as const) {
      await createColumn(w.ctx, w.siteId, { slug, name, kind });
    }
    dir = mkdtempSync(join(tmpdir(), 'zq-mirror-'));
    root = writeMirror(dir, pages);
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t?.destroy();
  });

  let runId: string;
  let before: Awaited<ReturnType<typeof census>>;

  it('should import every article of the mapped sections at its original time, and place every other page', async () => {
    before = await census();
    const files = { store: createBlobStore(join(dir, 'blobs')), maxBytes: 50 * 1024 * 1024 };
    const { runId: id, report } = await importMirror(w.ctx, w.siteId, { dir: root, profile: PROFILE, sourceName: 'anhe-old mirror', files });
    runId = id;
    const articles = [...pages.values()].filter((p) => p.expect?.kind === 'article');
    const mapped = articles.filter((p) => p.expect!.section !== 9);
    expect(report.failed).toEqual([]);
    expect(report.imported).toBe(mapped.length - 1); // the shared document once
    expect(report.duplicates).toBe(1);
    expect(report.lists).toBe(11);
    expect(report.retired).toBe(articles.length - mapped.length + 1); // col9's articles and its list page
    expect(report.unmapped.map((u) => u.path).sort()).toEqual(['/index.html', '/module/search/search.jsp?q=1', '/robots.txt']);
    expect(report.files).toBeGreaterThan(30);
    // Attachments and images the imported articles use are the site's own now, and their links point there.
    const used = articles.filter((p) => p.expect!.section !== 9 && !p.path.includes(`_${SHARED.id}.`)).length;
    expect(report.filesStored, JSON.stringify(report.notes.slice(0, 3))).toBeGreaterThan(30);
    expect(report.filesStored).toBeLessThan(used);
    const linked = await t.db.selectFrom('revision_attachment').select('attachment_id').where('site_id', '=', w.siteId).execute();
    expect(new Set(linked.map((l) => l.attachment_id)).size).toBe(report.filesStored);
    expect(report.sections['3']).toMatchObject({ column: '/bmdt/', imported: 50 });
    expect(report.linksRewritten).toBeGreaterThan(100); // 相关阅读 links to the previous article

    const rows = await t.db.selectFrom('legacy_item as i').innerJoin('article as a', 'a.id', 'i.article_id')
      .innerJoin('article_revision as r', 'r.id', 'a.live_revision_id')
      .select(['i.legacy_url', 'a.published_at', 'r.title', 'r.document_number', 'r.issuing_organ', 'r.validity', 'r.body_html']).execute();
    const byUrl = new Map(rows.map((r) => [r.legacy_url, r]));
    for (const page of mapped.filter((p) => !p.path.includes(`_${SHARED.id}.`))) {
      const row = byUrl.get(`http://${LEGACY_HOST}${page.path}`)!;
      expect(row?.title, page.path).toBe(page.expect!.title);
      expect(formatZoned(row.published_at!, 'yyyy-MM-dd HH:mm'), page.path).toBe(page.expect!.publishedAt);
    }
    const policy = rows.find((r) => r.document_number)!;
    expect(policy).toMatchObject({ issuing_organ: '安和县人民政府办公室', document_number: expect.stringMatching(/^安府办字〔2019〕\d+号$/) });
    expect(rows.every((r) => !/<script|\/art\/\d{4}\//.test(r.body_html.replace(/href="\/art\/2019\/1\/20\/[^"]*"/, '')))).toBe(true);
    expect(rows.some((r) => /<img src="\/_files\/[0-9a-f-]{36}\/\d+\.png"/.test(r.body_html))).toBe(true);
    expect(rows.some((r) => /<a href="\/_files\/[0-9a-f-]{36}\/\d+\.pdf"/.test(r.body_html))).toBe(true);
  });

  it('should answer the old URLs: articles 301 to their new page, the second copy to the same, lists to the column, the closed section 410', async () => {
    const [first, second] = SHARED.sections.map((s) => `/art/2019/1/20/art_${s}_${SHARED.id}.html`);
    const a = (await ask(first!))?.decision;
    expect(a).toMatchObject({ type: 'redirect', location: expect.stringMatching(/^\/(tzgg|bmdt)\/201901\/t20190120_\d+\.html$/) });
    expect((await ask(second!))?.decision).toEqual(a);
    expect((await ask('/col/col3/index_1.html'))?.decision).toMatchObject({ type: 'redirect', location: '/bmdt/' });
    expect((await ask('/COL/col9/index.html'))?.decision).toMatchObject({ type: 'gone' });
  });

  /** The attachment stored for an old file address (its ID map row), with the entry the row links. */
  const storedAt = (path: string) => t.db.selectFrom('legacy_item').select(['attachment_id', 'url_path_id']).where('site_id', '=', w.siteId)
    .where('legacy_key', '=', `file:${path.toLowerCase()}`).executeTakeFirst();
  const downfile = (id: number) => `/module/download/downfile.jsp?classid=0&filename=${id}.pdf`;
  const filePaths = () => [...pages.keys()].filter((p) => p.startsWith('/picture/') || p.startsWith('/module/download/'));

  it('should answer the old addresses of the stored images and downloads 301 with the stored file, on the old host only', async () => {
    // The legacy site the import made keeps the download script's filename: each PDF has an address of its own.
    const legacy = await t.db.selectFrom('legacy_site').select('query_params').where('site_id', '=', w.siteId).executeTakeFirstOrThrow();
    expect(legacy.query_params).toEqual(['filename']);
    const files = await t.db.selectFrom('legacy_item').select(['legacy_url', 'attachment_id', 'url_path_id']).where('site_id', '=', w.siteId)
      .where('legacy_key', 'like', 'file:%').execute();
    expect(files.length).toBeGreaterThan(30);
    expect(files.filter((f) => f.url_path_id === null)).toEqual([]);
    let images = 0, pdfs = 0;
    for (const path of filePaths()) {
      const row = await storedAt(path);
      if (!row) continue; // a file only a retired page uses, never stored
      const name = /\d+\.(png|pdf)$/.exec(path)![0];
      expect((await ask(path))?.decision, path).toMatchObject({ type: 'redirect', location: `/_files/${row.attachment_id}/${name}`, viaEntry: true });
      if (name.endsWith('.png')) images++;
      else pdfs++;
    }
    expect(images + pdfs).toBe(files.length);
    expect([images, pdfs].every((n) => n > 10)).toBe(true);
    // Canonicalised as every legacy URL is: case, https, parameter order, parameters that do not count.
    const pdf = files.find((f) => f.legacy_url!.includes('downfile.jsp'))!;
    const id = Number(/filename=(\d+)/.exec(pdf.legacy_url!)![1]);
    expect((await ask(`/MODULE/download/downfile.jsp?filename=${id}.PDF&classid=7&utm_source=x`))?.decision)
      .toMatchObject({ type: 'redirect', location: `/_files/${pdf.attachment_id}/${id}.pdf` });
    expect((await ask('/picture/0/999999.png'))?.decision).toMatchObject({ type: 'not_found' });
    // Another site has no such entries, on the old host or its own.
    const theirs = { kind: 'public', siteIds: [w.otherSiteId] } as const;
    expect(await inScope(t.db, theirs, (trx) => resolveLegacy(trx, w.otherSiteId, { host: LEGACY_HOST, rawPathAndQuery: downfile(id) }))).toBeNull();
    expect(await inScope(t.db, theirs, (trx) => resolveLegacy(trx, w.siteId, { host: LEGACY_HOST, rawPathAndQuery: downfile(id) }))).toBeNull();
    expect(await inScope(t.db, { kind: 'sites', siteIds: [w.otherSiteId] }, (trx) => trx.selectFrom('url_path').select('id').where('site_id', '=', w.siteId).execute())).toEqual([]);
  });

  it('should change nothing when run again, and roll back to the site as it was', async () => {
    const now = await census();
    const again = await importMirror(w.ctx, w.siteId, { dir: root, profile: PROFILE, sourceName: 'again' });
    expect(again.report).toMatchObject({ imported: 0, updated: 0, urlEntries: 0, failed: [] });
    const withFiles = await importMirror(w.ctx, w.siteId, { dir: root, profile: PROFILE, sourceName: 'again with files', files: { store: createBlobStore(join(dir, 'blobs')), maxBytes: 50 * 1024 * 1024 } });
    expect(withFiles.report).toMatchObject({ imported: 0, updated: 0, filesStored: 0, urlEntries: 0, failed: [] });
    expect(await census()).toEqual(now);
    const image = filePaths().find((p) => p.startsWith('/picture/'))!;
    await rollbackRun(w.ctx, w.siteId, runId);
    expect(await census()).toEqual(before);
    expect((await ask(image))?.decision).toMatchObject({ type: 'not_found' });
  });

  it('should read the pages on worker threads as it reads them inline', async () => {
    const { runId: threaded, report } = await importMirror(w.ctx, w.siteId, { dir: root, profile: PROFILE, sourceName: 'threads', threads: 2 });
    const mapped = [...pages.values()].filter((p) => p.expect?.kind === 'article' && p.expect.section !== 9);
    expect(report).toMatchObject({ failed: [], imported: mapped.length - 1, duplicates: 1 });
    const titles = await t.db.selectFrom('article').select('draft_title').where('site_id', '=', w.siteId).execute();
    expect(titles.map((r) => r.draft_title).sort()).toEqual(mapped.filter((p) => !p.path.includes(`_${SHARED.id}.`)).map((p) => p.expect!.title).concat(SHARED.title).sort());
    await rollbackRun(w.ctx, w.siteId, threaded);
    expect(await census()).toEqual(before);
  });

  it('should place articles by their breadcrumb when the profile says so, and report the pages it names no section for', async () => {
    const byCrumb = `
host: ${LEGACY_HOST}
articles: '^/art/\\d{4}/\\d{1,2}/\\d{1,2}/art_\\d+_\\d+\\.html$'
map_by: breadcrumb
sections: { 通知公告: /tzgg/, 政策文件: /zcwj/, 部门动态: /bmdt/, 乡镇动态: /xzdt/ }
selectors: { title: h1.title, body: '#zoom', time: .info, breadcrumb: .position }
`;
    const { runId: placed, report } = await importMirror(w.ctx, w.siteId, { dir: root, profile: byCrumb, sourceName: 'crumbs' });
    const articles = [...pages.values()].filter((p) => p.expect?.kind === 'article');
    expect(report.failed).toEqual([]);
    expect(report.sections['部门动态']).toMatchObject({ column: '/bmdt/', found: 51, imported: 50 }); // and the shared document's second copy
    // 旧栏目 is no section of this profile: its articles are reported with their crumbs, not dropped.
    const old = articles.filter((p) => p.expect!.section === 9).map((p) => p.path).sort();
    expect(report.unmapped.filter((u) => u.reason.includes('旧栏目')).map((u) => u.path).sort()).toEqual(old);
    expect(report.unmapped.find((u) => u.path === old[0])!.reason).toBe('its breadcrumb (首页 > 旧栏目) names no section of the profile');
    const rows = await t.db.selectFrom('legacy_item as i').innerJoin('article as a', 'a.id', 'i.article_id').innerJoin('site_column as c', 'c.id', 'a.primary_column_id')
      .select(['i.legacy_url', 'c.path']).where('i.created_run_id', '=', placed).execute();
    const slugOf = new Map([[1, '/tzgg/'], [2, '/zcwj/'], [3, '/bmdt/'], [4, '/xzdt/']]);
    for (const page of articles.filter((p) => p.expect!.section !== 9 && !p.path.includes(`_${SHARED.id}.`))) {
      expect(rows.find((r) => r.legacy_url === `http://${LEGACY_HOST}${page.path}`)?.path, page.path).toBe(slugOf.get(page.expect!.section));
    }
    await rollbackRun(w.ctx, w.siteId, placed);
    expect(await census()).toEqual(before);
    await expect(importMirror(w.ctx, w.siteId, { dir: root, profile: byCrumb.replace(', breadcrumb: .position', ''), sourceName: 'x' }))
      .rejects.toMatchObject({ code: 'ZQ_VALIDATION', field: 'selectors.breadcrumb' });
  });

  it('should leave an old file address that answers already as it is, and one whose legacy site drops the filename parameter without entry, with notes', async () => {
    // A legacy site set up before the import, without the download script's parameter; one image's old address already 410.
    await createLegacySite(w.ctx, w.siteId, { code: 'plain', name: 'plain', hosts: [LEGACY_HOST] });
    const image = filePaths().find((p) => p.startsWith('/picture/'))!;
    const mapping = await importEntriesCsv(w.ctx, w.siteId, 'plain', `Old Url,New Url,Status\nhttp://${LEGACY_HOST}${image},,410\n`);
    expect(mapping.errors).toEqual([]);
    const files = { store: createBlobStore(join(dir, 'blobs')), maxBytes: 50 * 1024 * 1024 };
    const { runId: plain, report } = await importMirror(w.ctx, w.siteId, { dir: root, profile: PROFILE, legacyCode: 'plain', sourceName: 'plain', files });
    const notes = report.notes.filter((n) => n.key.startsWith('file:')).map((n) => n.reason);
    const pdf = filePaths().find((p) => p.includes('downfile.jsp') && notes.some((r) => r.startsWith(`http://${LEGACY_HOST}${p} `)))!;
    expect(notes).toContain(`http://${LEGACY_HOST}${pdf} names its file by the query parameter filename, which legacy site plain does not keep: no entry`);
    expect(notes).toContain(`http://${LEGACY_HOST}${image} already answers for another page: no entry`);
    expect(notes.every((r) => r.includes('downfile.jsp') || r.startsWith(`http://${LEGACY_HOST}${image} `))).toBe(true);
    expect((await ask(image))?.decision).toMatchObject({ type: 'gone' });
    expect((await ask(pdf))?.decision).toMatchObject({ type: 'not_found' });
    const other = filePaths().find((p) => p.startsWith('/picture/') && p !== image)!;
    const row = await storedAt(other);
    expect((await ask(other))?.decision).toMatchObject({ type: 'redirect', location: `/_files/${row!.attachment_id}/${other.split('/').pop()}` });
    await rollbackRun(w.ctx, w.siteId, plain);
    expect((await ask(image))?.decision).toMatchObject({ type: 'gone' });
  });

  it('should refuse a profile that names a missing column or a bad pattern, by field, and another site\'s account', async () => {
    await expect(importMirror(w.ctx, w.siteId, { dir: root, profile: PROFILE.replace('/xzdt/', '/nosuch/'), sourceName: 'x' }))
      .rejects.toMatchObject({ code: 'ZQ_VALIDATION', field: 'sections.4' });
    await expect(importMirror(w.ctx, w.siteId, { dir: root, profile: PROFILE.replace("'^/col/col9/'", "'^/col/col9/('"), sourceName: 'x' }))
      .rejects.toMatchObject({ code: 'ZQ_VALIDATION', field: 'retired[0]' });
    await expect(importMirror({ ...w.ctx, scope: { kind: 'sites', siteIds: [w.otherSiteId] } }, w.siteId, { dir: root, profile: PROFILE, sourceName: 'x' }))
      .rejects.toMatchObject({ statusCode: 404 });
  });
});
