import { sql } from 'kysely';
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

  describe('the triggers that keep placements in step, under a platform scope', () => {
    const SETTINGS = ['zhanqun.platform_ids', 'zhanqun.site_ids', 'zhanqun.read_platform_ids', 'zhanqun.mode'] as const;
    const settings = async (trx: Parameters<Parameters<typeof inScope>[2]>[0]) => Object.fromEntries(await Promise.all(
      SETTINGS.map(async (name) => [name, (await sql<{ v: string }>`select current_setting(${name}, true) as v`.execute(trx)).rows[0]!.v] as const)));

    it('should fill and follow a placement with its article and give the writer its scope back', async () => {
      const article = await publish('平台范围内的通知', '2026-11-21T02:00:00Z');
      await inScope(t.db, ctx.scope, async (trx) => {
        const before = await settings(trx);
        expect(before['zhanqun.platform_ids']).not.toBe('');
        const placed = await trx.insertInto('article_placement').values({ site_id: siteId, article_id: article.id, column_id: newsId })
          .returning(['listed', 'published_at']).executeTakeFirstOrThrow();
        expect(placed).toEqual({ listed: true, published_at: new Date('2026-11-21T02:00:00Z') });
        expect(await settings(trx)).toEqual(before);
        await trx.updateTable('article').set({ live: false }).where('site_id', '=', siteId).where('id', '=', article.id).execute();
        expect(await settings(trx)).toEqual(before);
        const listed = await trx.selectFrom('article_placement').select('listed').where('site_id', '=', siteId).where('article_id', '=', article.id).execute();
        expect(listed.map((r) => r.listed)).toEqual([false, false]);
        throw new RollBack();
      }).catch((err: unknown) => { if (!(err instanceof RollBack)) throw err; });
    });

    it("should still refuse a placement on another platform's site, the trigger's narrowing notwithstanding", async () => {
      const elsewhere = await twoSites(t, 'plother', ['bingsheng', 'dingshi']);
      const foreign = await createDraft(elsewhere.ctx, elsewhere.siteId, { columnId: elsewhere.columnId, title: '外平台', bodyHtml: '<p>x</p>' });
      await expect(inScope(t.db, ctx.scope, (trx) => trx.insertInto('article_placement')
        .values({ site_id: elsewhere.siteId, article_id: foreign.id, column_id: elsewhere.columnId }).execute())).rejects.toThrow();
      const rows = await inScope(t.db, elsewhere.ctx.scope, (trx) => trx.selectFrom('article_placement').select('column_id')
        .where('site_id', '=', elsewhere.siteId).where('article_id', '=', foreign.id).execute());
      expect(rows).toHaveLength(1);
    });
  });
});

class RollBack extends Error {}
