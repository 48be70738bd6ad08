import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceContext } from '@zhanqun/audit/context';
import { newId } from '@zhanqun/core/id';
import { inScope } from '@zhanqun/db/scope';
import { createTestDatabase, type TestDatabase } from '@zhanqun/testing/db';
import { createOrgUnit } from '@zhanqun/tenancy/org-unit.service';
import { createPlatform } from '@zhanqun/tenancy/platform.service';
import { createSite } from '@zhanqun/tenancy/site.service';
import { twoSites } from '../content.fixture.js';
import * as seriousErrorRepository from './serious-error.repository.js';
import { addTerm, importTerms, listTerms, loadMatcher, removeTerm } from './serious-error.service.js';

describe('serious-error list', () => {
  let t: TestDatabase;
  let ctx: ServiceContext;
  let platformId = '';
  let siteId = '';
  let otherPlatformId = '';
  let otherPlatformSiteId = '';

  const sitesCtx = (id: string): ServiceContext => ({ ...ctx, scope: { kind: 'sites', siteIds: [id] } });
  const platformCtx = (id: string): ServiceContext => ({ ...ctx, scope: { kind: 'platform', platformIds: [id] } });
  const list = (c: ServiceContext, q?: string) => inScope(t.db, c.scope, (trx) => listTerms(trx, platformId, { limit: 200, ...(q ? { q } : {}) }));
  const matcher = (c: ServiceContext) => inScope(t.db, c.scope, (trx) => loadMatcher(trx, platformId));
  // As the owner, past RLS: what is really in the table.
  const table = () => t.db.selectFrom('serious_error_term').select(['term', 'correction', 'kind', 'note']).where('platform_id', '=', platformId).orderBy('term').execute();
  const audits = (action: string) => t.db.selectFrom('audit_log_entry').select(['action', 'object_id', 'before', 'after'])
    .where('platform_id', '=', platformId).where('action', '=', action).orderBy('seq').execute();

  beforeAll(async () => {
    t = await createTestDatabase();
    ({ ctx, siteId } = await twoSites(t, 'se'));
    platformId = ctx.scope.kind === 'platform' ? ctx.scope.platformIds[0]! : '';
    const other = await createPlatform(t.db, ctx.clock, ctx.actor, { code: 'se-other', name: '丙平台' });
    otherPlatformId = other.id;
    const unit = await createOrgUnit(platformCtx(other.id), { platformId: other.id, parentId: null, level: 'province', name: '丙省', divisionCode: '980000' });
    otherPlatformSiteId = (await createSite(platformCtx(other.id), { platformId: other.id, orgUnitId: unit.id, kind: 'portal', code: 'bingsheng', name: '丙省政府' })).id;
  });
  afterAll(async () => { await t.destroy(); });

  it('should add, list, search and remove terms, auditing each write', async () => {
    const added = await addTerm(ctx, platformId, { term: ' 国务院办公室 ', correction: '国务院办公厅', kind: 'wrong_form', note: '机构名称' });
    expect(added).toMatchObject({ platform_id: platformId, term: '国务院办公室', correction: '国务院办公厅', kind: 'wrong_form', note: '机构名称' });
    const forbidden = await addTerm(ctx, platformId, { term: '六合彩', kind: 'forbidden', correction: '', note: ' ' });
    expect(forbidden).toMatchObject({ correction: null, note: null });

    expect((await list(ctx)).items.map((r) => r.term)).toEqual(['六合彩', '国务院办公室']);
    expect(await list(ctx, '办公厅')).toMatchObject({ total: 1, items: [{ id: added.id }] });
    expect(await list(ctx, '机构')).toMatchObject({ total: 1 });
    expect(await list(ctx, '%')).toMatchObject({ total: 0 });
    const page = await inScope(t.db, ctx.scope, (trx) => listTerms(trx, platformId, { limit: 1, offset: 1 }));
    expect(page).toMatchObject({ total: 2, items: [{ term: '国务院办公室' }] });

    await removeTerm(ctx, platformId, forbidden.id);
    expect((await table()).map((r) => r.term)).toEqual(['国务院办公室']);
    await expect(removeTerm(ctx, platformId, forbidden.id)).rejects.toMatchObject({ code: 'ZQ_CONTENT_SERIOUS_ERROR_TERM_NOT_FOUND', statusCode: 404 });
    await expect(removeTerm(ctx, platformId, 'not-a-uuid')).rejects.toMatchObject({ statusCode: 404 });

    expect(await audits('serious_error.add')).toMatchObject([
      { object_id: added.id, after: { term: '国务院办公室', correction: '国务院办公厅', kind: 'wrong_form' } },
      { object_id: forbidden.id, after: { term: '六合彩', kind: 'forbidden' } },
    ]);
    expect(await audits('serious_error.remove')).toMatchObject([{ object_id: forbidden.id, before: { term: '六合彩' } }]);
    await removeTerm(ctx, platformId, added.id);
  });

  it('should refuse bad input and a term already listed, naming the field', async () => {
    await expect(addTerm(ctx, platformId, { term: '  ', kind: 'forbidden' })).rejects.toMatchObject({ code: 'ZQ_VALIDATION', field: 'term' });
    await expect(addTerm(ctx, platformId, { term: '赌博', kind: 'bad' as 'forbidden' })).rejects.toMatchObject({ code: 'ZQ_VALIDATION', field: 'kind' });
    await expect(addTerm(ctx, platformId, { term: '赌博', correction: '赌博', kind: 'wrong_form' })).rejects.toMatchObject({ field: 'correction' });
    const row = await addTerm(ctx, platformId, { term: '赌博', kind: 'forbidden' });
    await expect(addTerm(ctx, platformId, { term: '赌博', kind: 'forbidden' })).rejects.toMatchObject({ code: 'ZQ_VALIDATION', field: 'term', statusCode: 400 });
    await removeTerm(ctx, platformId, row.id);
  });

  it('should require platform.manage when a policy is present', async () => {
    const denied: ServiceContext = { ...ctx, can: (permission) => permission !== 'platform.manage' };
    await expect(addTerm(denied, platformId, { term: '禁词', kind: 'forbidden' })).rejects.toMatchObject({ code: 'ZQ_TENANCY_PLATFORM_ADMIN_REQUIRED', statusCode: 403 });
    await expect(importTerms(denied, platformId, 'term,kind\n禁词,forbidden\n')).rejects.toMatchObject({ statusCode: 403 });
    expect(await table()).toEqual([]);
    const allowed: ServiceContext = { ...ctx, can: (permission, target) => permission === 'platform.manage' && target.platformId === platformId };
    await removeTerm(allowed, platformId, (await addTerm(allowed, platformId, { term: '禁词', kind: 'forbidden' })).id);
  });

  it('should let the platform\'s sites read the list but not write it', async () => {
    const row = await addTerm(ctx, platformId, { term: '习近平总书记记', correction: '习近平总书记', kind: 'wrong_form' });
    const site = sitesCtx(siteId);
    expect((await list(site)).items.map((r) => r.id)).toEqual([row.id]);
    expect((await matcher(site)).find('学习习近平总书记记重要讲话').map((m) => m.termId)).toEqual([row.id]);
    await expect(addTerm(site, platformId, { term: '站点自加', kind: 'forbidden' })).rejects.toMatchObject({ code: 'ZQ_FORBIDDEN_SCOPE', statusCode: 403 });
    await expect(removeTerm(site, platformId, row.id)).rejects.toMatchObject({ statusCode: 404 });
    expect((await table()).map((r) => r.term)).toEqual(['习近平总书记记']);
    await removeTerm(ctx, platformId, row.id);
  });

  it('should not let a site or an admin of another platform read or write the terms (RLS)', async () => {
    const row = await addTerm(ctx, platformId, { term: '中共中央办公厅厅', correction: '中共中央办公厅', kind: 'wrong_form' });
    for (const outsider of [sitesCtx(otherPlatformSiteId), platformCtx(otherPlatformId)]) {
      expect(await list(outsider)).toEqual({ items: [], total: 0 });
      expect((await matcher(outsider)).find('中共中央办公厅厅')).toEqual([]);
      expect(await inScope(t.db, outsider.scope, (trx) => seriousErrorRepository.findById(trx, platformId, row.id))).toBeUndefined();
      await expect(addTerm(outsider, platformId, { term: '越权', kind: 'forbidden' })).rejects.toMatchObject({ code: 'ZQ_FORBIDDEN_SCOPE', statusCode: 403 });
      await expect(importTerms(outsider, platformId, 'term,kind\n越权,forbidden\n')).rejects.toMatchObject({ code: 'ZQ_FORBIDDEN_SCOPE' });
      await expect(removeTerm(outsider, platformId, row.id)).rejects.toMatchObject({ statusCode: 404 });
      // Past the service, straight at the table: Postgres itself refuses.
      await expect(inScope(t.db, outsider.scope, (trx) => seriousErrorRepository.insert(trx, {
        id: newId(), platform_id: platformId, term: '直写', correction: null, kind: 'forbidden', note: null, created_by: null, created_at: new Date(),
      }))).rejects.toMatchObject({ code: 'ZQ_FORBIDDEN_SCOPE' });
      expect(await inScope(t.db, outsider.scope, (trx) => seriousErrorRepository.remove(trx, platformId, row.id))).toBeUndefined();
    }
    expect((await table()).map((r) => r.term)).toEqual(['中共中央办公厅厅']);
    // The matcher cached for the outsider's empty view is not what the platform's own sites get.
    expect((await matcher(sitesCtx(siteId))).find('中共中央办公厅厅').map((m) => m.termId)).toEqual([row.id]);
    await removeTerm(ctx, platformId, row.id);
  });

  it('should import a CSV all or nothing, and skip rows already listed the same way', async () => {
    const csv = '\uFEFFTerm,Correction,Kind,Note\n'
      + '国务院办公室,国务院办公厅,wrong_form,机构名称\n'
      + '"十九大","党的十九大",wrong_form,"须写全称, 见规范"\n'
      + '\n'
      + '六合彩,,forbidden,\n';
    expect(await importTerms(ctx, platformId, csv)).toEqual({ imported: 3, skipped: 0 });
    expect(await table()).toEqual([
      { term: '六合彩', correction: null, kind: 'forbidden', note: null },
      { term: '十九大', correction: '党的十九大', kind: 'wrong_form', note: '须写全称, 见规范' },
      { term: '国务院办公室', correction: '国务院办公厅', kind: 'wrong_form', note: '机构名称' },
    ]);
    expect(await importTerms(ctx, platformId, `${csv}赌博,,forbidden,\n`)).toEqual({ imported: 1, skipped: 3 });
    expect(await audits('serious_error.import')).toMatchObject([{ after: { imported: 3, skipped: 0 } }, { after: { imported: 1, skipped: 3 } }]);
  });

  it('should refuse a CSV with a bad row, name the lines and fields, and leave the table unchanged', async () => {
    const before = await table();
    const version = await seriousErrorRepository.version(t.db, platformId);
    const bad = 'term,correction,kind,note\n'
      + '省人民政府政府,省人民政府,wrong_form,\n'
      + '坏种类,,misspelt,\n'
      + ',空词,wrong_form,\n'
      + '省人民政府政府,省政府,wrong_form,\n'
      + '好词,,forbidden\n';
    const err = await importTerms(ctx, platformId, bad).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ZQ_VALIDATION', statusCode: 400, field: 'kind' });
    expect((err as Error).message).toContain('line 3 kind: must be one of wrong_form, forbidden');
    expect((err as { details: { errors: unknown[] } }).details.errors).toEqual([
      { line: 3, field: 'kind', message: 'must be one of wrong_form, forbidden' },
      { line: 4, field: 'term', message: 'must not be empty' },
      { line: 5, field: 'term', message: '"省人民政府政府" appears twice in the file (first on line 2)' },
      { line: 6, field: 'csv', message: 'has 3 fields, the header has 4' },
    ]);
    // A row clashing with the list is refused inside the transaction, after the good rows were ready.
    const clash = 'term,correction,kind\n新词甲,,forbidden\n六合彩,六合,wrong_form\n';
    await expect(importTerms(ctx, platformId, clash)).rejects.toMatchObject({ code: 'ZQ_VALIDATION', field: 'term', message: expect.stringContaining('line 3 term') });
    await expect(importTerms(ctx, platformId, 'term,kind,colour\n甲,forbidden,red\n')).rejects.toMatchObject({ code: 'ZQ_VALIDATION', field: 'colour' });
    await expect(importTerms(ctx, platformId, '')).rejects.toMatchObject({ code: 'ZQ_VALIDATION', field: 'csv' });

    expect(await table()).toEqual(before);
    expect(await seriousErrorRepository.version(t.db, platformId)).toBe(version);
    expect(await audits('serious_error.import')).toHaveLength(2);
  });

  it('should reuse the matcher until the list changes, from this process or another', async () => {
    const site = sitesCtx(siteId);
    const first = await matcher(site);
    expect(await matcher(site)).toBe(first);
    expect(first.find('新增错词')).toEqual([]);

    const row = await addTerm(ctx, platformId, { term: '新增错词', kind: 'forbidden' });
    const second = await matcher(site);
    expect(second).not.toBe(first);
    expect(second.find('新增错词').map((m) => m.termId)).toEqual([row.id]);
    expect(await matcher(ctx)).toBe(second);

    // Another server instance removes a term and adds one at the same moment: count and times alike.
    await inScope(t.db, ctx.scope, async (trx) => {
      await seriousErrorRepository.remove(trx, platformId, row.id);
      await seriousErrorRepository.insert(trx, { id: newId(), platform_id: platformId, term: '另一错词', correction: null, kind: 'forbidden', note: null, created_by: null, created_at: row.created_at });
    });
    const third = await matcher(site);
    expect(third).not.toBe(second);
    expect(third.find('新增错词，另一错词').map((m) => m.term)).toEqual(['另一错词']);
  });

  it('should validate paging', async () => {
    await expect(inScope(t.db, ctx.scope, (trx) => listTerms(trx, platformId, { limit: 0 }))).rejects.toMatchObject({ field: 'limit' });
    await expect(inScope(t.db, ctx.scope, (trx) => listTerms(trx, platformId, { offset: -1 }))).rejects.toMatchObject({ field: 'offset' });
  });
});
