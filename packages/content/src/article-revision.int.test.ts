import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceContext } from '@zhanqun/audit/context';
import { ManualClock } from '@zhanqun/core/clock';
import { inScope } from '@zhanqun/db/scope';
import { createTestDatabase, type TestDatabase } from '@zhanqun/testing/db';
import * as articleRepository from './article.repository.js';
import { twoSites } from './content.fixture.js';
import { diffArticleRevisions, listRevisions, restoreRevision, saveRevision } from './article-revision.service.js';
import { createDraft } from './article.service.js';

describe('article revisions', () => {
  let t: TestDatabase;
  let clock: ManualClock;
  let ctx: ServiceContext;
  let siteId = '';
  let otherSiteId = '';
  let columnId = '';
  let otherColumnId = '';

  const revisions = (articleId: string, site = siteId) => inScope(t.db, ctx.scope, (trx) => listRevisions(trx, site, articleId));
  const article = (articleId: string) => inScope(t.db, ctx.scope, (trx) => articleRepository.findById(trx, siteId, articleId));
  const revision = (id: string) => inScope(t.db, ctx.scope, (trx) => articleRepository.findRevision(trx, siteId, id));
  const audits = (action: string, objectId: string) => t.db.selectFrom('audit_log_entry').select('action')
    .where('action', '=', action).where('object_id', '=', objectId).execute();

  beforeAll(async () => {
    t = await createTestDatabase();
    ({ ctx, siteId, columnId, otherColumnId, otherSiteId, clock } = await twoSites(t, 'pr'));
  });
  afterAll(async () => { await t.destroy(); });

  it('should refuse the second of two saves on the same base, naming the other revision, and lose nothing', async () => {
    const draft = await createDraft(ctx, siteId, { columnId, title: '省政府召开常务会议', bodyHtml: '<p>会议研究了有关工作。</p>' });
    const base = draft.latest_revision_id!;
    clock.advance(60_000);
    const first = await saveRevision(ctx, siteId, draft.id, { title: '省政府召开全体会议', bodyHtml: '<p onclick="x()">会议研究部署了有关工作。</p>', baseRevisionId: base });
    expect(first.body_html).toBe('<p>会议研究部署了有关工作。</p>');
    const second = saveRevision(ctx, siteId, draft.id, { title: '省政府召开专题会议', bodyHtml: '<p>另一位编辑的修改。</p>', baseRevisionId: base });
    await expect(second).rejects.toMatchObject({ code: 'ZQ_CONTENT_REVISION_CONFLICT', statusCode: 409, latestRevisionId: first.id });
    const err = await second.catch((e: Error) => e);
    expect(err.message).toContain(base);
    expect(err.message).toContain(first.id);

    const listed = await revisions(draft.id);
    expect(listed.map((r) => r.id)).toEqual([first.id, base]);
    expect(listed.map((r) => r.title)).toEqual(['省政府召开全体会议', '省政府召开常务会议']);
    const after = await article(draft.id);
    expect(after).toMatchObject({ latest_revision_id: first.id, draft_title: '省政府召开全体会议', has_unpublished_changes: true });

    // The refused editor fetches the other's change and diffs it, then saves on top of it.
    const diff = await inScope(t.db, ctx.scope, (trx) => diffArticleRevisions(trx, siteId, base, first.id));
    expect(diff.title).toEqual([{ op: 'same', text: '省政府召开' }, { op: 'del', text: '常务' }, { op: 'add', text: '全体' }, { op: 'same', text: '会议' }]);
    expect(diff.body).toContainEqual({ op: 'add', text: '部署' });
    const third = await saveRevision(ctx, siteId, draft.id, { title: '省政府召开专题会议', bodyHtml: '<p>另一位编辑的修改。</p>', baseRevisionId: first.id });
    expect((await revisions(draft.id)).map((r) => r.id)).toEqual([third.id, first.id, base]);
    expect(await audits('article.revision.save', draft.id)).toHaveLength(2);
  });

  it('should let exactly one of two simultaneous saves on the same base through (the article row is locked)', async () => {
    const draft = await createDraft(ctx, siteId, { columnId, title: '并发', bodyHtml: '<p>原文</p>' });
    const base = draft.latest_revision_id!;
    const results = await Promise.allSettled([
      saveRevision(ctx, siteId, draft.id, { title: '并发甲', bodyHtml: '<p>甲</p>', baseRevisionId: base }),
      saveRevision(ctx, siteId, draft.id, { title: '并发乙', bodyHtml: '<p>乙</p>', baseRevisionId: base }),
    ]);
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0]!.reason).toMatchObject({ code: 'ZQ_CONTENT_REVISION_CONFLICT', latestRevisionId: (await article(draft.id))!.latest_revision_id });
    expect(await revisions(draft.id)).toHaveLength(2);
  });

  it('should restore an old revision as a new revision with the same content', async () => {
    const draft = await createDraft(ctx, siteId, { columnId, title: '关于开展检查的通知', bodyHtml: '<p>各单位：</p><table><tr><td>一</td></tr></table>', documentNumber: '甲政办〔2026〕1号' });
    const v1 = draft.latest_revision_id!;
    const v2 = await saveRevision(ctx, siteId, draft.id, { title: '关于开展联合检查的通知', bodyHtml: '<p>改过了</p>', baseRevisionId: v1 });
    await expect(restoreRevision(ctx, siteId, draft.id, v1, v1)).rejects.toMatchObject({ code: 'ZQ_CONTENT_REVISION_CONFLICT', latestRevisionId: v2.id });
    const v3 = await restoreRevision(ctx, siteId, draft.id, v1, v2.id);
    const old = (await revision(v1))!;
    const strip = ({ id: _i, created_at: _c, ...rest }: typeof old) => rest;
    expect(v3.id).not.toBe(v1);
    expect(strip(v3)).toEqual(strip(old));
    expect((await revisions(draft.id)).map((r) => r.id)).toEqual([v3.id, v2.id, v1]);
    expect(await article(draft.id)).toMatchObject({ latest_revision_id: v3.id, draft_title: '关于开展检查的通知' });
    expect(await audits('article.revision.restore', draft.id)).toHaveLength(1);
    const same = await inScope(t.db, ctx.scope, (trx) => diffArticleRevisions(trx, siteId, v1, v3.id));
    expect(same.title).toEqual([{ op: 'same', text: '关于开展检查的通知' }]);
    expect(same.body.every((p) => p.op === 'same')).toBe(true);
  });

  it('should answer 404 for an article or revision of another site', async () => {
    const foreign = await createDraft(ctx, otherSiteId, { columnId: otherColumnId, title: '乙市通知', bodyHtml: '<p>x</p>' });
    const ours = await createDraft(ctx, siteId, { columnId, title: '甲省通知', bodyHtml: '<p>y</p>' });
    await expect(saveRevision(ctx, siteId, foreign.id, { title: '越权', bodyHtml: '<p>z</p>', baseRevisionId: foreign.latest_revision_id! }))
      .rejects.toMatchObject({ code: 'ZQ_CONTENT_ARTICLE_NOT_FOUND', statusCode: 404 });
    await expect(saveRevision(ctx, otherSiteId, ours.id, { title: '越权', bodyHtml: '<p>z</p>', baseRevisionId: ours.latest_revision_id! }))
      .rejects.toMatchObject({ code: 'ZQ_CONTENT_ARTICLE_NOT_FOUND', statusCode: 404 });
    await expect(restoreRevision(ctx, siteId, ours.id, foreign.latest_revision_id!, ours.latest_revision_id!))
      .rejects.toMatchObject({ code: 'ZQ_CONTENT_REVISION_NOT_FOUND', statusCode: 404 });
    expect(await revisions(foreign.id, otherSiteId)).toHaveLength(1);
    expect(await revisions(ours.id)).toHaveLength(1);
  });

  it('should require content.edit on the article\'s column when a policy is present', async () => {
    const draft = await createDraft(ctx, siteId, { columnId, title: '栏目权限', bodyHtml: '<p>x</p>' });
    const denied: ServiceContext = { ...ctx, can: (permission, target) => !(permission === 'content.edit' && target.columnId === columnId) };
    await expect(saveRevision(denied, siteId, draft.id, { title: '改', bodyHtml: '<p>y</p>', baseRevisionId: draft.latest_revision_id! }))
      .rejects.toMatchObject({ code: 'ZQ_CONTENT_FORBIDDEN', statusCode: 403 });
    const allowed: ServiceContext = { ...ctx, can: () => true };
    await saveRevision(allowed, siteId, draft.id, { title: '改', bodyHtml: '<p>y</p>', baseRevisionId: draft.latest_revision_id! });
  });

  it('should never change a stored revision: each save adds exactly one row and leaves the others as they were', async () => {
    const draft = await createDraft(ctx, siteId, { columnId, title: '不可变', bodyHtml: '<p>第一版</p>' });
    const snapshot = () => t.db.selectFrom('article_revision').selectAll().where('article_id', '=', draft.id).orderBy('id').execute();
    let base = draft.latest_revision_id!;
    for (let i = 2; i <= 4; i++) {
      const before = await snapshot();
      base = (await saveRevision(ctx, siteId, draft.id, { title: `不可变${i}`, bodyHtml: `<p>第${i}版</p>`, baseRevisionId: base })).id;
      const after = await snapshot();
      expect(after).toHaveLength(before.length + 1);
      expect(after.slice(0, before.length)).toEqual(before);
    }
  });
});
