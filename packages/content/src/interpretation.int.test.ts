import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceContext } from '@zhanqun/audit/context';
import { inScope, readInScope } from '@zhanqun/db/scope';
import { createColumn } from '@zhanqun/tenancy/column.service';
import { createTestDatabase, type TestDatabase } from '@zhanqun/testing/db';
import { findArticlePage } from './article-read.repository.js';
import { createDraft, publishRevision } from './article.service.js';
import { twoSites } from './content.fixture.js';
import { interpretationLinks, policiesWithoutInterpretation, setInterpretedPolicy } from './interpretation.service.js';

describe('policy interpretation links', () => {
  let t: TestDatabase;
  let ctx: ServiceContext;
  let siteId = '';
  let otherSiteId = '';
  let noticeColumn = '';
  let policyColumn = '';
  let jdColumn = '';

  beforeAll(async () => {
    t = await createTestDatabase();
    const f = await twoSites(t, 'jd');
    ({ ctx, siteId, otherSiteId } = f);
    noticeColumn = f.columnId;
    policyColumn = (await createColumn(ctx, siteId, { slug: 'gfxwj', name: '规范性文件', kind: 'policy' })).id;
    jdColumn = (await createColumn(ctx, siteId, { slug: 'zcjd', name: '政策解读', kind: 'interpretation' })).id;
  });
  afterAll(async () => { await t.destroy(); });

  const publish = async (columnId: string, title: string) => {
    const a = await createDraft(ctx, siteId, { columnId, title, bodyHtml: '<p>正文</p>' });
    await publishRevision(ctx, siteId, a.id);
    return a.id;
  };
  const uninterpreted = () => inScope(t.db, ctx.scope, (trx) => policiesWithoutInterpretation(trx, siteId));

  it('should list a policy until a live interpretation explains it, and show the link both ways', async () => {
    const policy = await publish(policyColumn, '关于印发某某管理办法的通知');
    const notice = await publish(noticeColumn, '停电通知');
    expect((await uninterpreted()).map((p) => p.id)).toEqual([policy]);

    const draft = await createDraft(ctx, siteId, { columnId: jdColumn, title: '一图读懂某某管理办法', bodyHtml: '<p>解读</p>' });
    await expect(setInterpretedPolicy(ctx, siteId, draft.id, notice)).rejects.toMatchObject({ field: 'policyArticleId', statusCode: 400 });
    await expect(setInterpretedPolicy(ctx, siteId, draft.id, draft.id)).rejects.toMatchObject({ field: 'policyArticleId' });
    await setInterpretedPolicy(ctx, siteId, draft.id, policy);
    // Linked but not yet published: the policy still lacks a live interpretation.
    expect((await uninterpreted()).map((p) => p.id)).toEqual([policy]);
    await publishRevision(ctx, siteId, draft.id);
    expect(await uninterpreted()).toEqual([]);

    const publicScope = { kind: 'public', siteIds: [siteId] } as const;
    const fromPolicy = await inScope(t.db, publicScope, (trx) => interpretationLinks(trx, siteId, { id: policy, interprets_article_id: null }, true));
    expect(fromPolicy.interpretations.map((x) => x.title)).toEqual(['一图读懂某某管理办法']);
    const fromInterpretation = await inScope(t.db, publicScope, (trx) => interpretationLinks(trx, siteId, { id: draft.id, interprets_article_id: policy }, true));
    expect(fromInterpretation.policy?.title).toBe('关于印发某某管理办法的通知');
    // The public article page reads the same links in its one statement (findArticlePage).
    const page = (id: string) => readInScope(t.db, publicScope, (db) => findArticlePage(db, siteId, id, 'live'));
    const policyPage = await page(policy);
    expect({ policy: policyPage?.policy, interpretations: policyPage?.interpretations.map((x) => x.title) }).toEqual({ policy: null, interpretations: ['一图读懂某某管理办法'] });
    const interpretationPage = await page(draft.id);
    expect(interpretationPage?.policy).toMatchObject({ id: policy, title: '关于印发某某管理办法的通知' });
    expect(interpretationPage?.interpretations).toEqual([]);
    expect(await page(notice)).toMatchObject({ policy: null, interpretations: [] });
    expect(await t.db.selectFrom('audit_log_entry').select('action').where('action', '=', 'article.interprets').execute()).toHaveLength(1);
  });

  it('should not link across sites', async () => {
    const other = await createDraft(ctx, otherSiteId, { columnId: (await createColumn(ctx, otherSiteId, { slug: 'zcjd', name: '政策解读', kind: 'interpretation' })).id, title: '他站解读', bodyHtml: '<p>x</p>' });
    const policy = await publish(policyColumn, '本站政策');
    await expect(setInterpretedPolicy(ctx, otherSiteId, other.id, policy)).rejects.toMatchObject({ field: 'policyArticleId' });
    const otherScope = { ...ctx, scope: { kind: 'sites', siteIds: [otherSiteId] } as const };
    expect(await inScope(t.db, otherScope.scope, (trx) => policiesWithoutInterpretation(trx, siteId))).toEqual([]);
  });
});
