// The documented JSON items format (other CMS exports) on the real database: items in their
// columns at their original time with their disclosure fields, drafts, a broken item failing
// alone with its field, retired URLs 410, a re-run that changes nothing, rollback, another tenant.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatZoned } from '@zhanqun/core/time';
import { inScope } from '@zhanqun/db/scope';
import { createTestDatabase, type TestDatabase } from '@zhanqun/testing/db';
import { rollbackRun } from '../import-run.service.js';
import { legacyWorld, type LegacyWorld } from '../legacy.fixture.js';
import { resolveLegacy } from '../legacy-resolve.js';
import { importItems, ITEMS_FORMAT } from './items-import.service.js';

const FILE = JSON.stringify({
  format: ITEMS_FORMAT,
  site: { host: 'www.old-dept.gov.cn', name: '旧部门网站', query_params: ['id'] },
  items: [
    { id: '101', url: 'http://www.old-dept.gov.cn/content.jsp?id=101', also_urls: ['http://www.old-dept.gov.cn/c/101.html'], column: '/tzgg/',
      title: '关于开展专项检查的通知', body_html: '<p>正文<script>alert(1)</script></p><p><a href="http://www.old-dept.gov.cn/content.jsp?id=102">另见</a></p>',
      published_at: '2019-03-05 10:20', info: { document_number: '安部字〔2019〕3号', issuing_organ: '安和县某局', validity: 'valid', date_written: '2019-03-01' } },
    { id: '102', url: 'http://www.old-dept.gov.cn/content.jsp?id=102', column: '/tzgg/', title: '草稿', body_html: '<p>草稿</p>', published_at: '2019-03-06T09:00:00+08:00', status: 'draft' },
    { id: '103', url: 'http://www.old-dept.gov.cn/content.jsp?id=103', column: '/tzgg/', title: '', body_html: '<p>x</p>', published_at: '2019-03-07 09:00' },
    { id: '104', url: 'http://www.old-dept.gov.cn/content.jsp?id=104', column: '/nosuch/', title: '无栏目', body_html: '<p>x</p>', published_at: '2019-03-07 09:00' },
  ],
  retired: [{ url: 'http://www.old-dept.gov.cn/old/list.jsp', archive_url: 'https://archive.example.gov.cn/2019/old/list.jsp' }],
});

describe('JSON items import', () => {
  let t: TestDatabase;
  let w: LegacyWorld;
  const census = async () => {
    const n = async (table: string) => Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)} where site_id = ${w.siteId}`.execute(t.db)).rows[0]!.n);
    return { article: await n('article'), url_path: await n('url_path'), legacy_item: await n('legacy_item') };
  };
  const ask = (path: string) => inScope(t.db, { kind: 'public', siteIds: [w.siteId] }, (trx) => resolveLegacy(trx, w.siteId, { host: 'www.old-dept.gov.cn', rawPathAndQuery: path }));

  beforeAll(async () => {
    t = await createTestDatabase();
    w = await legacyWorld(t, 'itm');
  });
  afterAll(async () => { await t?.destroy(); });

  it('should import items into their columns, fail broken ones by field, retire URLs, and change nothing on a re-run', async () => {
    const before = await census();
    const { runId, report } = await importItems(w.ctx, w.siteId, { json: FILE, sourceName: 'export.json' });
    expect(report).toMatchObject({ found: 4, imported: 2, drafts: 1, retired: 1 });
    expect(report.failed.map((f) => [f.index, f.reason])).toEqual([[3, 'items[2].title: must not be empty'], [4, 'column: /nosuch/ is not a column of this site']]);
    const article = await t.db.selectFrom('article as a').innerJoin('article_revision as r', 'r.id', 'a.latest_revision_id')
      .select(['a.published_at', 'a.url_path', 'r.document_number', 'r.validity', 'r.date_written', 'r.body_html']).where('a.site_id', '=', w.siteId).where('r.title', '=', '关于开展专项检查的通知').executeTakeFirstOrThrow();
    expect(formatZoned(article.published_at!, 'yyyy-MM-dd HH:mm')).toBe('2019-03-05 10:20');
    expect(article).toMatchObject({ document_number: '安部字〔2019〕3号', validity: 'valid', date_written: '2019-03-01' });
    expect(article.body_html).not.toContain('<script');
    expect((await ask('/c/101.html'))?.decision).toMatchObject({ type: 'redirect', location: article.url_path });
    expect((await ask('/content.jsp?x=1&id=102'))?.decision).toMatchObject({ type: 'awaiting' });
    expect((await ask('/old/list.jsp'))?.decision).toMatchObject({ type: 'gone', archiveUrl: 'https://archive.example.gov.cn/2019/old/list.jsp' });

    const now = await census();
    const again = await importItems(w.ctx, w.siteId, { json: FILE, sourceName: 'export.json' });
    expect(again.report).toMatchObject({ imported: 0, updated: 0, unchanged: 2 });
    expect(await census()).toEqual(now);
    await rollbackRun(w.ctx, w.siteId, runId);
    expect(await census()).toEqual(before);
  });

  it('should refuse a file that is not the format, naming the field, and another site\'s account', async () => {
    await expect(importItems(w.ctx, w.siteId, { json: '{', sourceName: 'x' })).rejects.toMatchObject({ field: 'file' });
    await expect(importItems(w.ctx, w.siteId, { json: '{"format":"other"}', sourceName: 'x' })).rejects.toMatchObject({ field: 'format' });
    await expect(importItems({ ...w.ctx, scope: { kind: 'sites', siteIds: [w.otherSiteId] } }, w.siteId, { json: FILE, sourceName: 'x' }))
      .rejects.toMatchObject({ statusCode: 404 });
  });
});
