import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@zhanqun/core/clock';
import type { ServiceContext } from '@zhanqun/audit/context';
import { verifyChain } from '@zhanqun/audit/audit.verify';
import { inScope } from '@zhanqun/db/scope';
import { createTestDatabase, type TestDatabase } from '@zhanqun/testing/db';
import { applyStandardTemplate, closeColumn, createColumn, mergeColumn, moveColumn, reorderColumns, updateColumn } from './column.service.js';
import * as columnRepository from './column.repository.js';
import { addDomain, removeDomain, setPrimaryDomain } from './domain.service.js';
import { createOrgUnit, findNameHistory, listOrgUnits, moveOrgUnit, renameOrgUnit, setOversightUnit } from './org-unit.service.js';
import { createCityPlatform, createPlatform, platformAdminScope } from './platform.service.js';
import { listSites } from './site-query.js';
import { closeSite, createSite, updateSite } from './site.service.js';
import * as siteRepository from './site.repository.js';
import { applyTemplate, createTemplate, listTemplates } from './template.service.js';

const actor = { userId: null, label: 'test' };

describe('changing the tenant tree', () => {
  let t: TestDatabase;
  let ctx: ServiceContext;
  let platformId: string;
  const ids: Record<string, string> = {};
  const col = async (path: string) => (await inScope(t.db, ctx.scope, (trx) => columnRepository.findByPath(trx, ids.site!, path)))!;
  const urlPath = (path: string) => inScope(t.db, ctx.scope, (trx) => trx.selectFrom('url_path').select(['kind', 'target']).where('site_id', '=', ids.site!).where('path', '=', path).executeTakeFirst());

  beforeAll(async () => {
    t = await createTestDatabase();
    const clock = new ManualClock('2026-11-27T02:00:00Z');
    platformId = (await createPlatform(t.db, clock, actor, { code: 'pa', name: '平台' })).id;
    ctx = { db: t.db, clock, actor, scope: { kind: 'platform', platformIds: [platformId] } };
    const prov = await createOrgUnit(ctx, { platformId, parentId: null, level: 'province', name: '甲省', divisionCode: '990000' });
    const provDept = await createOrgUnit(ctx, { platformId, parentId: prov.id, level: 'department', name: '甲省税务局' });
    const city = await createOrgUnit(ctx, { platformId, parentId: prov.id, level: 'city', name: '乙市', divisionCode: '990100' });
    const city2 = await createOrgUnit(ctx, { platformId, parentId: prov.id, level: 'city', name: '庚市', divisionCode: '990200' });
    const county = await createOrgUnit(ctx, { platformId, parentId: city.id, level: 'county', name: '丙县', divisionCode: '990101' });
    const countyTax = await createOrgUnit(ctx, { platformId, parentId: county.id, level: 'department', name: '丙县税务局' });
    Object.assign(ids, { prov: prov.id, provDept: provDept.id, city: city.id, city2: city2.id, county: county.id, countyTax: countyTax.id });
    ids.site = (await createSite(ctx, { platformId, orgUnitId: city.id, kind: 'portal', code: 'yishi', name: '乙市政府', hosts: ['www.yishi.gov.cn', 'yishi.gov.cn'] })).id;
    await applyStandardTemplate(ctx, ids.site);
  });
  afterAll(async () => { await t.destroy(); });

  it('should rename a unit and keep its former name with dates', async () => {
    ctx.clock instanceof ManualClock && ctx.clock.advance(86_400_000);
    await renameOrgUnit(ctx, ids.county!, '丙区');
    const history = await inScope(t.db, ctx.scope, (trx) => findNameHistory(trx, ids.county!));
    expect(history).toEqual([{ name: '丙县', valid_from: '2026-11-27', valid_to: '2026-11-28' }]);
  });

  it('should move a unit with its subtree and refuse a cycle', async () => {
    await moveOrgUnit(ctx, ids.county!, ids.city2!);
    const units = await inScope(t.db, ctx.scope, (trx) => listOrgUnits(trx, platformId));
    const tax = units.find((u) => u.id === ids.countyTax)!;
    expect(tax.path.startsWith(units.find((u) => u.id === ids.city2)!.path)).toBe(true);
    await expect(moveOrgUnit(ctx, ids.city2!, ids.county!)).rejects.toMatchObject({ field: 'parentId' });
  });

  it('should record vertical oversight by an upper department', async () => {
    const row = await setOversightUnit(ctx, ids.countyTax!, ids.provDept!);
    expect(row.oversight_unit_id).toBe(ids.provDept);
    await expect(setOversightUnit(ctx, ids.countyTax!, ids.city!)).rejects.toMatchObject({ field: 'oversightUnitId' });
  });

  it('should move a column with its sub-columns and leave redirects behind', async () => {
    const zcwj = await col('/zwgk/zcwj/');
    const xwdt = await col('/xwdt/');
    await moveColumn(ctx, ids.site!, zcwj.id, { parentId: xwdt.id });
    expect((await col('/xwdt/zcwj/gfxwj/')).name).toBe('规范性文件');
    expect(await urlPath('/zwgk/zcwj/gfxwj/')).toEqual({ kind: 'redirect', target: '/xwdt/zcwj/gfxwj/' });
    await expect(moveColumn(ctx, ids.site!, xwdt.id, { parentId: zcwj.id })).rejects.toMatchObject({ field: 'parentId' });
  });

  it('should reorder channels and rename a column', async () => {
    const channels = (await inScope(t.db, ctx.scope, (trx) => columnRepository.findAll(trx, ids.site!))).filter((c) => !c.parent_id);
    const reversed = channels.map((c) => c.id).reverse();
    await reorderColumns(ctx, ids.site!, null, reversed);
    const after = (await inScope(t.db, ctx.scope, (trx) => columnRepository.findAll(trx, ids.site!))).filter((c) => !c.parent_id);
    expect(after.map((c) => c.id)).toEqual(reversed);
    await expect(reorderColumns(ctx, ids.site!, null, reversed.slice(1))).rejects.toMatchObject({ field: 'orderedIds' });
    expect((await updateColumn(ctx, ids.site!, (await col('/xwdt/yw/')).id, { name: '本地要闻' })).name).toBe('本地要闻');
  });

  it('should merge a column into another (301) and close one (410)', async () => {
    await mergeColumn(ctx, ids.site!, (await col('/xwdt/bmdt/')).id, (await col('/xwdt/yw/')).id);
    expect(await urlPath('/xwdt/bmdt/')).toEqual({ kind: 'redirect', target: '/xwdt/yw/' });
    await closeColumn(ctx, ids.site!, (await col('/xwdt/xzdt/')).id);
    expect(await urlPath('/xwdt/xzdt/')).toMatchObject({ kind: 'gone' });
    await expect(closeColumn(ctx, ids.site!, (await col('/xwdt/')).id)).rejects.toMatchObject({ field: 'columnId' });
    // A new column may not take a merged column's path.
    await expect(createColumn(ctx, ids.site!, { parentId: (await col('/xwdt/')).id, slug: 'bmdt', name: '重开', kind: 'news' })).rejects.toMatchObject({ field: 'slug' });
  });

  it('should manage domains: alias, primary switch, removal, and refuse a taken host', async () => {
    const added = await addDomain(ctx, ids.site!, { host: 'YiShi.Gov.CN.', role: 'alias' }).catch((e) => e);
    expect(added).toMatchObject({ code: 'ZQ_TENANCY_HOST_TAKEN' }); // already its alias
    const legacy = await addDomain(ctx, ids.site!, { host: 'old.yishi.gov.cn', role: 'legacy' });
    await setPrimaryDomain(ctx, ids.site!, legacy.id);
    const domains = await inScope(t.db, ctx.scope, (trx) => siteRepository.findDomains(trx, ids.site!));
    expect(domains.filter((d) => d.role === 'primary').map((d) => d.host)).toEqual(['old.yishi.gov.cn']);
    await expect(removeDomain(ctx, ids.site!, legacy.id)).rejects.toMatchObject({ field: 'domainId' });
    const www = domains.find((d) => d.host === 'www.yishi.gov.cn')!;
    await removeDomain(ctx, ids.site!, www.id);
    await setPrimaryDomain(ctx, ids.site!, domains.find((d) => d.host === 'yishi.gov.cn')!.id);
  });

  it('should search sites and update or close one', async () => {
    const found = await inScope(t.db, ctx.scope, (trx) => listSites(trx, { q: '乙市', limit: 10, offset: 0 }));
    expect(found.total).toBe(1);
    expect(found.rows[0]).toMatchObject({ code: 'yishi', host: 'yishi.gov.cn' });
    await expect(updateSite(ctx, ids.site!, { siteIdCode: 'x' })).rejects.toMatchObject({ field: 'siteIdCode' });
    expect((await updateSite(ctx, ids.site!, { sponsor: '乙市人民政府办公室', locales: ['en'] })).locales).toEqual(['en']);
    expect((await closeSite(ctx, ids.site!)).status).toBe('closed');
  });

  it('should save a template and apply it to many sites, adding only what is missing', async () => {
    const tpl = await createTemplate(ctx, { code: 'town', name: '乡镇模板', columns: [{ slug: 'zwdt', name: '政务动态', kind: 'news', children: [{ slug: 'tzgg', name: '通知', kind: 'notice' }] }] });
    const s2 = await createSite(ctx, { platformId, orgUnitId: ids.provDept!, kind: 'department', code: 'shuiwu', name: '税务' });
    const first = await applyTemplate(ctx, tpl.ref, [s2.id]);
    expect(first.sites[0]!.added).toEqual(['/zwdt/', '/zwdt/tzgg/']);
    expect((await applyTemplate(ctx, tpl.ref, [s2.id])).sites[0]!.added).toEqual([]);
    expect((await inScope(t.db, ctx.scope, (trx) => listTemplates(trx, platformId))).map((x) => x.code)).toEqual(['standard', 'town']);
  });

  it('should hand a city its own platform, leaving the province read-only oversight', async () => {
    const city = await createCityPlatform(ctx, { code: 'geng', name: '庚市平台', rootOrgUnitId: ids.city2! });
    const scope = await platformAdminScope(t.db, platformId);
    expect(scope).toMatchObject({ oversightPlatformIds: [city.id] });
    const cityUnits = await inScope(t.db, { kind: 'platform', platformIds: [city.id] }, (trx) => listOrgUnits(trx, city.id));
    expect(cityUnits.map((u) => u.id)).toContain(ids.countyTax);
    // The province reads the city's units, but cannot change them.
    const read = await inScope(t.db, scope, (trx) => trx.selectFrom('org_unit').select('id').where('id', '=', ids.countyTax!).execute());
    expect(read).toHaveLength(1);
    const write = await inScope(t.db, scope, (trx) => trx.updateTable('org_unit').set({ name: '越权' }).where('id', '=', ids.countyTax!).executeTakeFirst());
    expect(write.numUpdatedRows).toBe(0n);
    expect((await verifyChain(t.db, platformId)).ok).toBe(true);
  });

  it('should keep the app role inside row-level security, and indexes usable under it', async () => {
    const scope = { kind: 'sites', siteIds: [ids.site!] } as const;
    const who = await inScope(t.db, scope, (trx) => sql<{ u: string; bypass: boolean; su: boolean }>`
      select current_user as u, r.rolbypassrls as bypass, r.rolsuper as su from pg_roles r where r.rolname = current_user`.execute(trx));
    expect(who.rows[0]).toEqual({ u: 'zhanqun_app', bypass: false, su: false });
    // (The test connection's session user is a superuser and could SET ROLE back; in production
    // the server refuses a superuser connection, see server.ts.)
    await expect(inScope(t.db, scope, async (trx) => {
      await sql`set local row_security = off`.execute(trx);
      return sql`select * from site_column`.execute(trx);
    })).rejects.toMatchObject({ code: 'ZQ_FORBIDDEN_SCOPE' });
    const plan = await inScope(t.db, scope, async (trx) => {
      await sql`set local enable_seqscan = off`.execute(trx);
      return sql<{ 'QUERY PLAN': string }>`explain select kind from url_path where site_id = ${ids.site!} and path = '/xwdt/'`.execute(trx);
    });
    expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/Index (Only )?Scan/);
  });
});
