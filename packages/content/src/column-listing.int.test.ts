import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceContext } from '@zhanqun/audit/context';
import { inScope, readInScope } from '@zhanqun/db/scope';
import { createColumn } from '@zhanqun/tenancy/column.service';
import { createTestDatabase, type TestDatabase } from '@zhanqun/testing/db';
import { findColumnPage } from './article-read.repository.js';
import { createDraft, publishRevision } from './article.service.js';
import { twoSites } from './content.fixture.js';
import { moveArticle, placeArticle, unplaceArticle } from './placement.service.js';
import { restoreArticle, trashArticle, withdrawArticle } from './publishing.service.js';

// A column's count of live articles (column_listing, migration 2026_11_29_100000) follows every
// way its placements change — publish, pin, place, move, withdraw, trash, restore, remove, bulk
// inserts — always equal to counting the placements, and stays within its site.
describe('column listing counts', () => {
  let t: TestDatabase;
  let ctx: ServiceContext;
  let siteId = '';
  let otherSiteId = '';
  let columnId = '';
  let otherColumnId = '';
  let newsId = '';

  beforeAll(async () => {
    t = await createTestDatabase();
    ({ ctx, siteId, otherSiteId, columnId, otherColumnId } = await twoSites(t, 'cl', ['jinghe', 'lanxi']));
    newsId = (await createColumn(ctx, siteId, { slug: 'yw', name: '要闻', kind: 'news' })).id;
  });
  afterAll(async () => { await t.destroy(); });

  /** Every column's count as kept, and as counted from the placements (the owner, no scope). */
  async function counts() {
    const kept = await sql<{ column_id: string; pinned: number; unpinned: number }>`
      select column_id, pinned, unpinned from column_listing where pinned + unpinned > 0 order by column_id`.execute(t.db);
    const counted = await sql<{ column_id: string; pinned: number; unpinned: number }>`
      select column_id, count(*) filter (where pinned)::int as pinned, count(*) filter (where not pinned)::int as unpinned
      from article_placement where listed group by column_id order by column_id`.execute(t.db);
    expect(kept.rows).toEqual(counted.rows);
    const of = (id: string) => {
      const row = kept.rows.find((r) => r.column_id === id);
      return { pinned: row?.pinned ?? 0, unpinned: row?.unpinned ?? 0 };
    };
    return { column: of(columnId), news: of(newsId) };
  }
  const publish = async (title: string, at: string) => {
    const a = await createDraft(ctx, siteId, { columnId, title, bodyHtml: '<p>x</p>' });
    return publishRevision(ctx, siteId, a.id, { publishedAt: new Date(at) });
  };

  it('should count live articles per column through publishing, pinning, placing, moving, withdrawing and the trash', async () => {
    const a = await publish('一', '2026-11-01T02:00:00Z');
    const b = await publish('二', '2026-11-02T02:00:00Z');
    const c = await publish('三', '2026-11-03T02:00:00Z');
    await createDraft(ctx, siteId, { columnId, title: '草稿不计', bodyHtml: '<p>x</p>' });
    expect(await counts()).toMatchObject({ column: { pinned: 0, unpinned: 3 } });

    await placeArticle(ctx, siteId, a.id, columnId, { pinned: true });
    await placeArticle(ctx, siteId, b.id, newsId, {});
    expect(await counts()).toMatchObject({ column: { pinned: 1, unpinned: 2 }, news: { pinned: 0, unpinned: 1 } });

    await moveArticle(ctx, siteId, c.id, newsId);
    expect(await counts()).toMatchObject({ column: { pinned: 1, unpinned: 1 }, news: { pinned: 0, unpinned: 2 } });

    await withdrawArticle(ctx, siteId, b.id, { reason: '内容过时' });
    expect(await counts()).toMatchObject({ column: { pinned: 1, unpinned: 0 }, news: { pinned: 0, unpinned: 1 } });

    await trashArticle(ctx, siteId, a.id);
    expect(await counts()).toMatchObject({ column: { pinned: 0, unpinned: 0 }, news: { pinned: 0, unpinned: 1 } });
    await restoreArticle(ctx, siteId, a.id);
    await unplaceArticle(ctx, siteId, c.id, newsId).catch(() => undefined); // its primary column: refused, counts unchanged
    await counts();

    // The page reads its counts from the kept row: the column's own page lists the pinned item and the rest.
    const page = await readInScope(t.db, { kind: 'public', siteIds: [siteId] }, (db) => findColumnPage(db, siteId, newsId, null, 20));
    const kept = await counts();
    expect({ pinned: page.pinned, unpinned: page.unpinned }).toEqual(kept.news);
    expect(page.items).toHaveLength(kept.news.pinned + kept.news.unpinned);
  });

  it('should add a bulk insert of placements in one go and keep the count exact', async () => {
    const before = (await counts()).column;
    // As the bench's bulk path and the legacy import write them: many placements in one statement.
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push((await createDraft(ctx, siteId, { columnId: newsId, title: `批量${i}`, bodyHtml: '<p>x</p>' })).id);
    for (const id of ids.slice(0, 12)) await publishRevision(ctx, siteId, id, { publishedAt: new Date('2026-11-05T02:00:00Z') });
    await sql`insert into article_placement (site_id, article_id, column_id) select site_id, id, ${columnId}::uuid from article where id = any(${ids}::uuid[])`.execute(t.db);
    expect((await counts()).column).toEqual({ pinned: before.pinned, unpinned: before.unpinned + 12 });
    await sql`update article_placement set pinned = true where column_id = ${columnId}::uuid and article_id = any(${ids.slice(0, 5)}::uuid[])`.execute(t.db);
    await sql`delete from article_placement where column_id = ${columnId}::uuid and article_id = any(${ids.slice(5, 8)}::uuid[])`.execute(t.db);
    expect((await counts()).column).toEqual({ pinned: before.pinned + 5, unpinned: before.unpinned + 4 });
  });

  it('should keep counts within their site: another site neither reads nor writes them', async () => {
    const seen = await readInScope(t.db, { kind: 'public', siteIds: [otherSiteId] }, (db) =>
      db.selectFrom('column_listing').select(['site_id', 'column_id']).execute());
    expect(seen.every((r) => r.site_id === otherSiteId)).toBe(true);
    const other = { ...ctx, scope: { kind: 'sites', siteIds: [otherSiteId] } as const };
    await expect(inScope(t.db, other.scope, (trx) => trx.insertInto('column_listing')
      .values({ site_id: siteId, column_id: columnId, pinned: 0, unpinned: 99 }).execute())).rejects.toThrow();
    await expect(inScope(t.db, other.scope, (trx) => trx.updateTable('column_listing').set({ unpinned: 99 })
      .where('site_id', '=', siteId).execute())).resolves.toBeDefined(); // no row of another site is visible to update
    await counts(); // unchanged, still exact
    // A page of the other site's column says 0 for a column it has no count for.
    const page = await readInScope(t.db, { kind: 'public', siteIds: [otherSiteId] }, (db) => findColumnPage(db, otherSiteId, otherColumnId, null, 20));
    expect(page).toMatchObject({ pinned: 0, unpinned: 0, items: [] });
    // A column of the other site asked for under this site's id finds nothing either.
    const foreign = await readInScope(t.db, { kind: 'public', siteIds: [siteId] }, (db) => findColumnPage(db, siteId, otherColumnId, null, 20));
    expect(foreign).toMatchObject({ pinned: 0, unpinned: 0, items: [] });
  });
});
