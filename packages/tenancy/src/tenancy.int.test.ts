import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@zhanqun/core/clock';
import type { ServiceContext } from '@zhanqun/audit/context';
import { inScope } from '@zhanqun/db/scope';
import { createTestDatabase, type TestDatabase } from '@zhanqun/testing/db';
import { applyStandardTemplate, createColumn } from './column.service.js';
import * as columnRepository from './column.repository.js';
import { createOrgUnit, findSubtree } from './org-unit.service.js';
import { createPlatform } from './platform.service.js';
import { createSite } from './site.service.js';
import * as siteRepository from './site.repository.js';

const actor = { userId: null, label: 'test' };

describe('tenancy', () => {
  let t: TestDatabase;
  let ctxA: ServiceContext;
  let ctxB: ServiceContext;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestDatabase();
    const clock = new ManualClock('2026-11-27T02:00:00Z');
    const a = await createPlatform(t.db, clock, actor, { code: 'pa', name: '平台A' });
    const b = await createPlatform(t.db, clock, actor, { code: 'pb', name: '平台B' });
    ctxA = { db: t.db, clock, actor, scope: { kind: 'platform', platformIds: [a.id] } };
    ctxB = { db: t.db, clock, actor, scope: { kind: 'platform', platformIds: [b.id] } };
    const prov = await createOrgUnit(ctxA, { platformId: a.id, parentId: null, level: 'province', name: '甲省', divisionCode: '990000' });
    const city = await createOrgUnit(ctxA, { platformId: a.id, parentId: prov.id, level: 'city', name: '乙市', divisionCode: '990100' });
    const county = await createOrgUnit(ctxA, { platformId: a.id, parentId: city.id, level: 'county', name: '丙县', divisionCode: '990101' });
    const countyDept = await createOrgUnit(ctxA, { platformId: a.id, parentId: county.id, level: 'department', name: '丙县教育局' });
    const town = await createOrgUnit(ctxA, { platformId: a.id, parentId: county.id, level: 'township', name: '丁镇' });
    Object.assign(ids, { prov: prov.id, city: city.id, county: county.id, countyDept: countyDept.id, town: town.id });
    const site = await createSite(ctxA, { platformId: a.id, orgUnitId: county.id, kind: 'portal', code: 'bingxian', name: '丙县政府', siteIdCode: '9901010001' });
    ids.site = site.id;
    const provB = await createOrgUnit(ctxB, { platformId: b.id, parentId: null, level: 'province', name: '戊省' });
    const siteB = await createSite(ctxB, { platformId: b.id, orgUnitId: provB.id, kind: 'portal', code: 'wusheng', name: '戊省政府' });
    ids.siteB = siteB.id;
    await applyStandardTemplate(ctxA, site.id);
    await applyStandardTemplate(ctxB, siteB.id);
  });
  afterAll(async () => { await t.destroy(); });

  it('should refuse an independent site for a county department or a township, and offer a sub-site', async () => {
    for (const unit of [ids.countyDept!, ids.town!]) {
      await expect(createSite(ctxA, { platformId: ctxA.scope.kind === 'platform' ? ctxA.scope.platformIds[0]! : '', orgUnitId: unit, kind: 'department', code: `x${unit.slice(-6)}`, name: '独立网站' }))
        .rejects.toMatchObject({ code: 'ZQ_TENANCY_INDEPENDENT_SITE_REFUSED', statusCode: 422 });
    }
    const sub = await createSite(ctxA, {
      platformId: (ctxA.scope as { platformIds: string[] }).platformIds[0]!, orgUnitId: ids.town!, kind: 'sub_site', code: 'dingzhen',
      name: '丁镇', parentSiteId: ids.site!, pathPrefix: 'dz',
    });
    const routes = await inScope(t.db, ctxA.scope, (trx) => siteRepository.findDomains(trx, sub.id));
    expect(routes.map((r) => [r.host, r.path_prefix, r.role]).sort()).toEqual([['bingxian.localhost', '/dz/', 'primary'], ['dingzhen.localhost', '/', 'alias']]);
  });

  it('should refuse a sub-site prefix that a column already uses, and a column on a sub-site prefix', async () => {
    await expect(createSite(ctxA, {
      platformId: (ctxA.scope as { platformIds: string[] }).platformIds[0]!, orgUnitId: ids.town!, kind: 'sub_site', code: 'dingzhen2',
      name: '丁镇二', parentSiteId: ids.site!, pathPrefix: 'xwdt',
    })).rejects.toMatchObject({ code: 'ZQ_VALIDATION', field: 'pathPrefix' });
    await expect(createColumn(ctxA, ids.site!, { slug: 'dz', name: '冲突', kind: 'news' })).rejects.toMatchObject({ field: 'slug' });
    await expect(createColumn(ctxA, ids.site!, { slug: 'search', name: '保留', kind: 'news' })).rejects.toMatchObject({ field: 'slug' });
  });

  it('should validate the site identification code by format and keep codes unique', async () => {
    const platformId = (ctxA.scope as { platformIds: string[] }).platformIds[0]!;
    await expect(createSite(ctxA, { platformId, orgUnitId: ids.city!, kind: 'portal', code: 'yishi', name: '乙市', siteIdCode: '12345' }))
      .rejects.toMatchObject({ field: 'siteIdCode' });
    await expect(createSite(ctxA, { platformId, orgUnitId: ids.city!, kind: 'portal', code: 'bingxian', name: '乙市' }))
      .rejects.toMatchObject({ code: 'ZQ_TENANCY_SITE_CODE_TAKEN' });
    await expect(createSite(ctxA, { platformId, orgUnitId: ids.city!, kind: 'portal', code: 'yishi', name: '乙市', hosts: ['admin.localhost'], adminHost: 'admin.localhost' }))
      .rejects.toMatchObject({ code: 'ZQ_TENANCY_HOST_RESERVED' });
    // Nothing half-made is left behind by the refusals.
    expect(await inScope(t.db, ctxA.scope, (trx) => siteRepository.findByCode(trx, 'yishi'))).toBeUndefined();
  });

  it('should apply the standard template idempotently, keeping template ids', async () => {
    const again = await applyStandardTemplate(ctxA, ids.site!);
    expect(again.added).toEqual([]);
    const cols = await inScope(t.db, ctxA.scope, (trx) => columnRepository.findAll(trx, ids.site!));
    expect(cols.length).toBeGreaterThanOrEqual(50);
    const tzgg = cols.find((c) => c.path === '/xwdt/tzgg/');
    const colsB = await inScope(t.db, ctxB.scope, (trx) => columnRepository.findAll(trx, ids.siteB!));
    expect(tzgg?.template_column_id).toBe(colsB.find((c) => c.path === '/xwdt/tzgg/')?.template_column_id);
  });

  it('should find everything under a unit in one prefix query', async () => {
    const city = await inScope(t.db, ctxA.scope, (trx) => trx.selectFrom('org_unit').select('path').where('id', '=', ids.city!).executeTakeFirstOrThrow());
    const names = (await inScope(t.db, ctxA.scope, (trx) => findSubtree(trx, city))).map((u) => u.name);
    expect(names.sort()).toEqual(['丁镇', '丙县', '丙县教育局', '乙市'].sort());
  });

  it('should not return a site or a column of another platform', async () => {
    const seen = await inScope(t.db, ctxA.scope, async (trx) => ({
      site: await siteRepository.findById(trx, ids.siteB!),
      columns: await columnRepository.findAll(trx, ids.siteB!),
      raw: await sql<{ n: number }>`select count(*)::int as n from site_column where site_id = ${ids.siteB!}`.execute(trx),
    }));
    expect(seen.site).toBeUndefined();
    expect(seen.columns).toEqual([]);
    expect(seen.raw.rows[0]?.n).toBe(0);
  });

  it('should refuse writes into another tenant even when the code forgets to check', async () => {
    await expect(inScope(t.db, ctxA.scope, (trx) => sql`insert into site_column (id, site_id, slug, path, name, kind)
      values (gen_random_uuid(), ${ids.siteB!}, 'evil', '/evil/', '入侵', 'news')`.execute(trx))).rejects.toMatchObject({ code: 'ZQ_FORBIDDEN_SCOPE', statusCode: 403 });
    const updated = await inScope(t.db, ctxA.scope, (trx) => trx.updateTable('site').set({ name: '被改' }).where('id', '=', ids.siteB!).executeTakeFirst());
    expect(updated.numUpdatedRows).toBe(0n);
  });

  it('should let a site-scoped principal see its own site only', async () => {
    const rows = await inScope(t.db, { kind: 'sites', siteIds: [ids.siteB!] }, (trx) => trx.selectFrom('site').select('code').execute());
    expect(rows.map((r) => r.code)).toEqual(['wusheng']);
  });

  it('should keep public requests read-only and limited to their site', async () => {
    const scope = { kind: 'public', siteIds: [ids.site!] } as const;
    const others = await inScope(t.db, scope, (trx) => trx.selectFrom('site_column').select('id').where('site_id', '=', ids.siteB!).execute());
    expect(others).toEqual([]);
    await expect(inScope(t.db, scope, (trx) => trx.updateTable('site_column').set({ name: 'x' }).where('site_id', '=', ids.site!).execute()))
      .resolves.toMatchObject([{ numUpdatedRows: 0n }]);
    await expect(inScope(t.db, scope, (trx) => sql`insert into site_column (id, site_id, slug, path, name, kind)
      values (gen_random_uuid(), ${ids.site!}, 'pub', '/pub/', '公众', 'news')`.execute(trx))).rejects.toMatchObject({ code: 'ZQ_FORBIDDEN_SCOPE', statusCode: 403 });
  });
});
