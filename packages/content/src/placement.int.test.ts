import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceContext } from '@zhanqun/audit/context';
import { inScope } from '@zhanqun/db/scope';
import { createColumn } from '@zhanqun/tenancy/column.service';
import { createTestDatabase, type TestDatabase } from '@zhanqun/testing/db';
import { listLiveInColumn } from './article-read.repository.js';
import { createDraft, publishRevision } from './article.service.js';
import { twoSites } from './content.fixture.js';
import { moveArticle, placeArticle, placementsOf, unplaceArticle } from './placement.service.js';

describe('placements in other columns, pinning and moving', () => {
  let t: TestDatabase;
  let ctx: ServiceContext;
  let siteId = '';
  let otherSiteId = '';
  let columnId = '';
  let otherColumnId = '';
  let newsId = '';

  beforeAll(async () => {
    t = await createTestDatabase();
    ({ ctx, siteId, otherSiteId, columnId, otherColumnId } = await twoSites(t, 'pl'));
    newsId = (await createColumn(ctx, siteId, { slug: 'yw', name: '要闻', kind: 'news' })).id;
  });
  afterAll(async () => { await t.destroy(); });

  const publish = async (title: string, at: string) => {
    const a = await createDraft(ctx, siteId, { columnId, title, bodyHtml: '<p>x</p>' });
    return publishRevision(ctx, siteId, a.id, { publishedAt: new Date(at) });
  };
  const titlesIn = (column: string) => inScope(t.db, { kind: 'public', siteIds: [siteId] }, async (trx) =>
    (await listLiveInColumn(trx, siteId, column, { limit: 20, offset: 0 })).map((r) => r.title));

  it('should show an article in another column, pinned and weighted, and move it without changing its URL', async () => {
    const old = await publish('较早的通知', '2026-11-01T02:00:00Z');
    const recent = await publish('最新的通知', '2026-11-20T02:00:00Z');
    const key = await publish('重要通知', '2026-11-10T02:00:00Z');
    expect(await titlesIn(columnId)).toEqual(['最新的通知', '重要通知', '较早的通知']);
    await placeArticle(ctx, siteId, key.id, columnId, { pinned: true });
    await placeArticle(ctx, siteId, old.id, columnId, { pinned: false, sortOrder: 5 });
    expect(await titlesIn(columnId)).toEqual(['重要通知', '较早的通知', '最新的通知']);

    await placeArticle(ctx, siteId, recent.id, newsId, {});
    expect(await titlesIn(newsId)).toEqual(['最新的通知']);
    await expect(unplaceArticle(ctx, siteId, recent.id, columnId)).rejects.toMatchObject({ field: 'columnId' });
    await unplaceArticle(ctx, siteId, recent.id, newsId);
    expect(await titlesIn(newsId)).toEqual([]);

    const moved = await moveArticle(ctx, siteId, key.id, newsId);
    expect(moved).toMatchObject({ primary_column_id: newsId, url_path: key.url_path });
    expect(await titlesIn(newsId)).toEqual(['重要通知']);
    const placements = await inScope(t.db, ctx.scope, (trx) => placementsOf(trx, siteId, key.id));
    expect(placements).toMatchObject([{ column_id: newsId, pinned: true, primary: true }]);
  });

  it('should not place an article into a column of another site', async () => {
    const a = await publish('本站稿件', '2026-11-21T02:00:00Z');
    await expect(placeArticle(ctx, siteId, a.id, otherColumnId)).rejects.toMatchObject({ statusCode: 404 });
    const other = { ...ctx, scope: { kind: 'sites', siteIds: [otherSiteId] } as const };
    await expect(moveArticle(other, siteId, a.id, otherColumnId)).rejects.toMatchObject({ statusCode: 404 });
  });
});
