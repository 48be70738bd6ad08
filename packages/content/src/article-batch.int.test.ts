// The importers' batch writer yields the rows createDraft + publishRevision write, item for item
// (ids, times and serials aside), keeps the audit chain whole, and refuses another site's column.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceContext } from '@zhanqun/audit/context';
import { verifyChain } from '@zhanqun/audit/audit.verify';
import { inScope } from '@zhanqun/db/scope';
import { createTestDatabase, type TestDatabase } from '@zhanqun/testing/db';
import { insertArticles, planArticles, type BatchArticle } from './article-batch.service.js';
import { createDraft, publishRevision, revisionContent, type CreateDraftInput } from './article.service.js';
import { twoSites } from './content.fixture.js';

describe('article batch writer', () => {
  let t: TestDatabase;
  let ctx: ServiceContext;
  let siteId = '';
  let otherSiteId = '';
  let columnId = '';
  let otherColumnId = '';

  beforeAll(async () => {
    t = await createTestDatabase();
    ({ ctx, siteId, otherSiteId, columnId, otherColumnId } = await twoSites(t, 'ab'));
  });
  afterAll(async () => { await t.destroy(); });

  const inputs = (tag: string): { input: CreateDraftInput; publishedAt: Date | null }[] => [
    { input: { columnId, title: ` 第一篇${tag} `, bodyHtml: '<h1>标题</h1><p onclick="x()">正文<script>alert(1)</script></p>', documentNumber: '安府〔2019〕1号', validity: 'valid' }, publishedAt: new Date('2019-03-05T02:20:00Z') },
    { input: { columnId, title: `第二篇${tag}`, bodyHtml: '<p>二</p>', tags: ['政务', '公开'] }, publishedAt: new Date('2020-12-31T17:30:00Z') },
    { input: { columnId, title: `草稿${tag}`, bodyHtml: '<p>三</p>' }, publishedAt: null },
  ];

  /** What an article is, without what differs between two writes of it. */
  const rowsOf = async (ids: string[]) => {
    const rows = await sql<Record<string, unknown>>`
      select a.live, a.has_unpublished_changes, a.draft_title, a.url_path is not null as has_url, a.index_number is not null as has_index,
        a.published_at, a.primary_column_id, (a.live_revision_id = a.latest_revision_id) as live_is_latest, a.created_by,
        r.title, r.body_html, r.document_number, r.validity, r.tags, p.column_id as placed_in, p.listed, p.published_at as placed_at,
        u.kind as url_kind, (select array_agg(action order by seq) from audit_log_entry e where e.object_id = a.id::text) as audit
      from article a join article_revision r on r.id = a.latest_revision_id
      join article_placement p on p.article_id = a.id
      left join url_path u on u.article_id = a.id and u.path = a.url_path
      where a.id = any(${ids}) order by a.created_at, a.id`.execute(t.db);
    return rows.rows.map((r) => ({ ...r, draft_title: String(r['draft_title']).replace(/[AB]$/, ''), title: String(r['title']).replace(/[AB]$/, '') }));
  };

  it('should write the rows the services write one by one, with serials and 索引号 in item order', async () => {
    const one = [];
    for (const { input, publishedAt } of inputs('A')) {
      const a = await createDraft(ctx, siteId, input);
      one.push(publishedAt ? await publishRevision(ctx, siteId, a.id, { publishedAt }) : a);
    }
    const items: BatchArticle[] = inputs('B').map(({ input, publishedAt }) => ({ input, content: revisionContent(input), publishedAt }));
    const plan = await inScope(t.db, ctx.scope, async (trx) => {
      const planned = await planArticles(trx, ctx, siteId, items);
      await insertArticles(trx, ctx, planned, items);
      return planned;
    });
    expect(await rowsOf(plan.articles.map((a) => a.id))).toEqual(await rowsOf(one.map((a) => a.id)));
    // Serials continue where the services left them; 2019's and 2020's index numbers count apart.
    const [first, second, draft] = plan.articles;
    expect(first!.serialNo).toBe(one[1]!.serial_no! + 1);
    expect(second!.serialNo).toBe(first!.serialNo! + 1);
    expect(first!.urlPath).toBe(`/${one[0]!.url_path!.split('/')[1]}/201903/t20190305_${first!.serialNo}.html`);
    expect(first!.indexNumber).toMatch(/\/2019-00002$/);
    expect(second!.indexNumber).toMatch(/\/2021-00002$/); // 2021-01-01 01:30 in Beijing
    expect(draft).toMatchObject({ urlPath: null, serialNo: null, indexNumber: null });
    const { platform_id } = await t.db.selectFrom('site').select('platform_id').where('id', '=', siteId).executeTakeFirstOrThrow();
    expect(await verifyChain(t.db, platform_id)).toMatchObject({ ok: true });
  });

  it('should refuse a column of another site and leave nothing written', async () => {
    const before = await t.db.selectFrom('article').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
    const items: BatchArticle[] = [
      { input: { columnId, title: '本站', bodyHtml: '<p>x</p>' }, content: revisionContent({ title: '本站', bodyHtml: '<p>x</p>' }), publishedAt: new Date() },
      { input: { columnId: otherColumnId, title: '他站', bodyHtml: '<p>x</p>' }, content: revisionContent({ title: '他站', bodyHtml: '<p>x</p>' }), publishedAt: new Date() },
    ];
    await expect(inScope(t.db, ctx.scope, async (trx) => insertArticles(trx, ctx, await planArticles(trx, ctx, siteId, items), items)))
      .rejects.toMatchObject({ statusCode: 404 });
    const other = { ...ctx, scope: { kind: 'sites', siteIds: [otherSiteId] } as const };
    await expect(inScope(t.db, other.scope, async (trx) => planArticles(trx, other, siteId, items.slice(0, 1)))).rejects.toMatchObject({ statusCode: 404 });
    expect(await t.db.selectFrom('article').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()).toEqual(before);
  });
});
