import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceContext } from '@zhanqun/audit/context';
import { newId } from '@zhanqun/core/id';
import { inScope, readInScope } from '@zhanqun/db/scope';
import { createTestDatabase, type TestDatabase } from '@zhanqun/testing/db';
import { createDraft, publishRevision } from './article.service.js';
import { saveRevision } from './article-revision.service.js';
import { twoSites } from './content.fixture.js';
import { restoreArticle, trashArticle, withdrawArticle } from './publishing.service.js';

// What public requests may read of revisions and their attachment links is the `public_live`
// flag (migration 2026_11_29_110000), kept by triggers: always equal to "the live revision of a
// live article not in the trash", through every change of the article and in either order of
// inserts, and not settable by the app.
describe('public_live on revisions and their attachments', () => {
  let t: TestDatabase;
  let ctx: ServiceContext;
  let siteId = '';
  let otherSiteId = '';
  let columnId = '';
  let fileId = '';

  beforeAll(async () => {
    t = await createTestDatabase();
    ({ ctx, siteId, otherSiteId, columnId } = await twoSites(t, 'pr', ['qingshan', 'baishui']));
    const sha = 'a'.repeat(64);
    fileId = newId();
    await sql`insert into blob (sha256, size, media_type, created_at) values (${sha}, 3, 'text/plain', now())`.execute(t.db);
    await sql`insert into attachment (id, site_id, blob_sha256, filename, media_type, size, created_at)
      values (${fileId}, ${siteId}, ${sha}, '说明.txt', 'text/plain', 3, now())`.execute(t.db);
  });
  afterAll(async () => { await t.destroy(); });

  /** Rows whose flag disagrees with the articles (as the owner, no scope): none, always. */
  async function expectFlagsTrue() {
    const wrong = await sql<{ n: number }>`
      select (select count(*) from article_revision r where r.public_live <> exists (select 1 from article a
                where a.site_id = r.site_id and a.live_revision_id = r.id and a.live and a.deleted_at is null))
           + (select count(*) from revision_attachment ra where ra.public_live <> exists (select 1 from article a
                where a.site_id = ra.site_id and a.live_revision_id = ra.revision_id and a.live and a.deleted_at is null)) as n`.execute(t.db);
    expect(Number(wrong.rows[0]!.n)).toBe(0);
  }
  /** What a public request of the site reads of the article's revisions and attachment links. */
  const publicView = (articleId: string) => readInScope(t.db, { kind: 'public', siteIds: [siteId] }, async (db) => ({
    revisions: (await db.selectFrom('article_revision').select('title').where('article_id', '=', articleId).execute()).map((r) => r.title),
    files: (await db.selectFrom('revision_attachment as ra').innerJoin('article_revision as r', (j) => j.onRef('r.site_id', '=', 'ra.site_id').onRef('r.id', '=', 'ra.revision_id'))
      .select('ra.attachment_id').where('r.article_id', '=', articleId).execute()).map((r) => r.attachment_id),
  }));

  it('should follow publishing, a new live revision, withdrawal, the trash and restoring', async () => {
    const draft = await createDraft(ctx, siteId, { columnId, title: '第一稿', bodyHtml: '<p>x</p>', attachmentIds: [fileId] });
    await expectFlagsTrue();
    expect(await publicView(draft.id)).toEqual({ revisions: [], files: [] });

    await publishRevision(ctx, siteId, draft.id, { publishedAt: new Date('2026-11-20T02:00:00Z') });
    await expectFlagsTrue();
    expect(await publicView(draft.id)).toEqual({ revisions: ['第一稿'], files: [fileId] });

    // An edit is a new revision: not public until published; then it replaces the first.
    const second = await saveRevision(ctx, siteId, draft.id, { baseRevisionId: draft.latest_revision_id!, title: '第二稿', bodyHtml: '<p>y</p>' });
    await expectFlagsTrue();
    expect(await publicView(draft.id)).toEqual({ revisions: ['第一稿'], files: [fileId] });
    await publishRevision(ctx, siteId, draft.id, {});
    await expectFlagsTrue();
    expect((await publicView(draft.id)).revisions).toEqual(['第二稿']);
    expect((await publicView(draft.id)).files).toEqual([]); // the second revision carries no file
    const flags = await sql<{ id: string; public_live: boolean }>`select id, public_live from article_revision where article_id = ${draft.id} order by created_at`.execute(t.db);
    expect(flags.rows.map((r) => r.public_live)).toEqual([false, true]);
    expect(flags.rows[1]!.id).toBe(second.id);

    await withdrawArticle(ctx, siteId, draft.id, { reason: '已过时' });
    await expectFlagsTrue();
    expect(await publicView(draft.id)).toEqual({ revisions: [], files: [] });
    await trashArticle(ctx, siteId, draft.id);
    await restoreArticle(ctx, siteId, draft.id);
    await expectFlagsTrue();
  });

  it('should be right in either order of inserts, and not be settable by the app', async () => {
    // A bulk path writes the article first (its revision reference is deferred), then the revision.
    const articleId = newId();
    const revisionId = newId();
    await t.db.transaction().execute(async (trx) => {
      await sql`insert into article (id, site_id, primary_column_id, live, live_revision_id, latest_revision_id, published_at, created_at, updated_at, draft_title)
        select ${articleId}, ${siteId}, ${columnId}, true, ${revisionId}, ${revisionId}, now(), now(), now(), '批量' `.execute(trx);
      await sql`insert into article_revision (id, site_id, article_id, title, body_html, created_at) values (${revisionId}, ${siteId}, ${articleId}, '批量', '<p>z</p>', now())`.execute(trx);
      await sql`insert into revision_attachment (site_id, revision_id, attachment_id, position, public_live) values (${siteId}, ${revisionId}, ${fileId}, 0, false)`.execute(trx);
    });
    await expectFlagsTrue();
    expect(await publicView(articleId)).toEqual({ revisions: ['批量'], files: [fileId] });

    // The app role cannot update revisions at all, and a link's flag is recomputed whatever it sets.
    const draft = await createDraft(ctx, siteId, { columnId, title: '未发布', bodyHtml: '<p>x</p>', attachmentIds: [fileId] });
    await expect(inScope(t.db, ctx.scope, (trx) => trx.updateTable('article_revision').set({ public_live: true }).where('article_id', '=', draft.id).execute()))
      .rejects.toThrow();
    await inScope(t.db, ctx.scope, (trx) => trx.updateTable('revision_attachment').set({ public_live: true }).where('revision_id', '=', draft.latest_revision_id!).execute());
    await inScope(t.db, ctx.scope, (trx) => trx.insertInto('revision_attachment')
      .values({ site_id: siteId, revision_id: draft.latest_revision_id!, attachment_id: fileId, position: 1, public_live: true }).execute()).catch(() => undefined);
    await expectFlagsTrue();
    expect(await publicView(draft.id)).toEqual({ revisions: [], files: [] });
  });

  it('should show nothing of one site\'s live revisions to another site\'s public requests', async () => {
    const seen = await readInScope(t.db, { kind: 'public', siteIds: [otherSiteId] }, async (db) => ({
      revisions: await db.selectFrom('article_revision').select('id').where('site_id', '=', siteId).execute(),
      files: await db.selectFrom('revision_attachment').select('attachment_id').where('site_id', '=', siteId).execute(),
    }));
    expect(seen).toEqual({ revisions: [], files: [] });
  });
});
