import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '@zhanqun/audit/audit.verify';
import type { ServiceContext } from '@zhanqun/audit/context';
import { ManualClock } from '@zhanqun/core/clock';
import { inScope } from '@zhanqun/db/scope';
import { createTestDatabase, type TestDatabase } from '@zhanqun/testing/db';
import { provisionSites } from './bulk-provision.service.js';
import { applyStandardTemplate } from './column.service.js';
import * as columnRepository from './column.repository.js';
import { createOrgUnit } from './org-unit.service.js';
import { importOrgUnits } from './org-import.service.js';
import { createPlatform } from './platform.service.js';
import { createSite } from './site.service.js';
import * as siteRepository from './site.repository.js';

const actor = { userId: null, label: 'import:test' };
const HEADER = 'code,name,kind,org_unit,parent_site,path_prefix,site_id_code,hosts,icp_number,psb_number,sponsor,contact,template,status';
/** A CSV of the given rows; row i is on line i + 2. */
const csv = (rows: string[]) => [HEADER, ...rows].join('\n');

const ORG_CSV = `name,level,division_code,parent,short_name
甲省,province,990000,,
乙市,city,990100,990000,乙
丙县,county,990101,乙市,
丙县教育局,department,,990101,
丁镇,township,,丙县,
乙市教育局,department,,乙市,`;

describe('bulk provisioning', () => {
  let t: TestDatabase;
  let ctxA: ServiceContext;
  let ctxB: ServiceContext;
  let platformA: string;
  let platformB: string;
  const opts = { devDomain: 'localhost', adminHost: 'admin.localhost' };

  beforeAll(async () => {
    t = await createTestDatabase();
    const clock = new ManualClock('2026-11-27T02:00:00Z');
    platformA = (await createPlatform(t.db, clock, actor, { code: 'pa', name: '平台A' })).id;
    platformB = (await createPlatform(t.db, clock, actor, { code: 'pb', name: '平台B' })).id;
    ctxA = { db: t.db, clock, actor, scope: { kind: 'platform', platformIds: [platformA] } };
    ctxB = { db: t.db, clock, actor, scope: { kind: 'platform', platformIds: [platformB] } };
    expect(await importOrgUnits(ctxA, ORG_CSV, { mode: 'all_or_nothing' })).toMatchObject({ imported: 6, errors: [] });
    const provB = await createOrgUnit(ctxB, { platformId: platformB, parentId: null, level: 'province', name: '戊省' });
    await createSite(ctxB, { platformId: platformB, orgUnitId: provB.id, kind: 'portal', code: 'wusheng', name: '戊省政府', siteIdCode: '9800000001', hosts: ['www.wusheng.gov.cn'] });
  });
  afterAll(async () => { await t.destroy(); });

  const codesOnA = async () => (await inScope(t.db, ctxA.scope, (trx) => siteRepository.findAll(trx))).map((s) => s.code).sort();

  const MIXED = csv([
    'yishi,乙市政府,portal,990100,,,9901000001,www.yishi.gov.cn;yishi.gov.cn,赣ICP备1号,赣公网安备1号,乙市人民政府办公室,0791-1,standard,live', // 2 good
    'yishi,乙市政府二,portal,990100,,,,,,,,,,', // 3 duplicate code
    'bingxian,丙县政府,portal,丙县,,,,www.wusheng.gov.cn,,,,,standard,', // 4 host of platform B
    'dingzhen,丁镇,department,丁镇,,,,,,,,,,', // 5 township: no independent site
    'nowhere,无此单位,portal,999999,,,,,,,,,,', // 6 unknown org unit
    'orphan,孤儿子站,sub_site,丁镇,nosuchsite,gr,,,,,,,,', // 7 unknown parent site
    'adminx,管理,portal,990101,,,,admin.localhost,,,,,,', // 8 the admin host
    'dupehost,重复主机,department,乙市教育局,,,,yishi.gov.cn,,,,,,', // 9 host of line 2
    'wusheng,戊省重名,department,乙市教育局,,,,,,,,,,', // 10 code taken on platform B (invisible here)
    'jyj,丙县教育局,sub_site,丙县教育局,yishi,jyj,,,,,,,standard,', // 11 good sub-site of line 2
    'xwdtsub,冲突子站,sub_site,丁镇,yishi,xwdt,,,,,,,,', // 12 prefix used by the parent's template
    'jyj2,丙县教育局二,sub_site,丙县教育局,yishi,jyj,,,,,,,,', // 13 same mounts as line 11 (one error per host)
    'badstatus,状态,portal,990101,,,,,,,,,,closed', // 14 bad status
    'Bad_Code,坏代码,portal,990101,,,,,,,,,,', // 15 malformed code
    'sidc,标识码,portal,990101,,,12345,,,,,,,', // 16 malformed site identification code
    'sidc2,标识码重复,portal,990101,,,9800000001,,,,,,,', // 17 site identification code of platform B
    'child,子站的子站,sub_site,丁镇,adminx,cz,,,,,,,,', // 18 parent on a refused line
    'tpl,模板,portal,990101,,,,,,,,,custom,', // 19 unknown template
    'bingxian2,丙县政府,portal,丙县,,,9901010001,,,,,,standard,provisioning', // 20 good
  ]);
  const EXPECTED_ERRORS = [
    [3, 'code'], [4, 'hosts'], [5, 'kind'], [6, 'org_unit'], [7, 'parent_site'], [8, 'hosts'], [9, 'hosts'], [10, 'code'],
    [12, 'path_prefix'], [13, 'path_prefix'], [13, 'path_prefix'], [14, 'status'], [15, 'code'], [16, 'site_id_code'], [17, 'site_id_code'],
    [18, 'parent_site'], [19, 'template'],
  ];

  it('should report every bad row with its line and field and import nothing, all or nothing', async () => {
    const r = await provisionSites(ctxA, MIXED, { mode: 'all_or_nothing', ...opts });
    expect(r.imported).toBe(0);
    expect(r.errors.map((e) => [e.line, e.field])).toEqual(EXPECTED_ERRORS);
    expect(r.errors.find((e) => e.line === 5)?.message).toMatch(/may not have an independent site/);
    expect(r.errors.find((e) => e.line === 9)?.message).toMatch(/also used on line 2/);
    expect(await codesOnA()).toEqual([]);
  });

  it('should import only the good rows when asked, as the console would have made them', async () => {
    const r = await provisionSites(ctxA, MIXED, { mode: 'good_rows', ...opts });
    expect(r.errors.map((e) => [e.line, e.field])).toEqual(EXPECTED_ERRORS);
    expect(r.imported).toBe(3);
    expect(await codesOnA()).toEqual(['bingxian2', 'jyj', 'yishi']);

    const seen = await inScope(t.db, ctxA.scope, async (trx) => {
      const yishi = (await siteRepository.findByCode(trx, 'yishi'))!;
      const jyj = (await siteRepository.findByCode(trx, 'jyj'))!;
      return {
        yishi, jyj,
        yishiRoutes: (await siteRepository.findDomains(trx, yishi.id)).map((d) => [d.host, d.path_prefix, d.role]),
        jyjRoutes: (await siteRepository.findDomains(trx, jyj.id)).map((d) => [d.host, d.path_prefix, d.role]),
        columns: await columnRepository.findAll(trx, yishi.id),
        paths: await trx.selectFrom('url_path').select(['path', 'kind', 'column_id']).where('site_id', '=', yishi.id).execute(),
        audit: await trx.selectFrom('audit_log_entry').select(['object_id', 'after']).where('action', '=', 'site.create').execute(),
      };
    });
    expect(seen.yishi).toMatchObject({ status: 'live', kind: 'portal', site_id_code: '9901000001', sponsor: '乙市人民政府办公室', icp_number: '赣ICP备1号' });
    expect(seen.jyj).toMatchObject({ status: 'provisioning', kind: 'sub_site', parent_site_id: seen.yishi.id });
    expect(seen.yishiRoutes.sort()).toEqual([['www.yishi.gov.cn', '/', 'primary'], ['yishi.gov.cn', '/', 'alias']].sort());
    // As createSite: mounted under each of the parent's hosts, its own dev host only redirects.
    expect(seen.jyjRoutes.sort()).toEqual([['jyj.localhost', '/', 'alias'], ['www.yishi.gov.cn', '/jyj/', 'primary'], ['yishi.gov.cn', '/jyj/', 'alias']].sort());
    expect(seen.paths).toHaveLength(seen.columns.length);
    expect(seen.paths.every((p) => p.kind === 'live' && seen.columns.some((c) => c.id === p.column_id && c.path === p.path))).toBe(true);
    expect(seen.audit).toHaveLength(3);
    expect(seen.audit.find((a) => a.object_id === seen.yishi.id)?.after).toMatchObject({ code: 'yishi', template: 'standard', routes: [{ host: 'www.yishi.gov.cn' }, { host: 'yishi.gov.cn' }] });
    expect(await verifyChain(t.db, platformA)).toMatchObject({ ok: true });

    // The same columns, paths, kinds, order and template ids as applyStandardTemplate gives.
    const county = await inScope(t.db, ctxA.scope, (trx) => trx.selectFrom('org_unit').select('id').where('division_code', '=', '990101').executeTakeFirstOrThrow());
    const reference = await createSite(ctxA, { platformId: platformA, orgUnitId: county.id, kind: 'portal', code: 'reference', name: '参照' });
    await applyStandardTemplate(ctxA, reference.id);
    const shape = (cols: Awaited<ReturnType<typeof columnRepository.findAll>>) => {
      const byId = new Map(cols.map((c) => [c.id, c.path]));
      return cols.map((c) => [c.path, c.name, c.kind, c.is_channel, c.sort_order, c.template_column_id, c.parent_id ? byId.get(c.parent_id) : null]).sort();
    };
    const refCols = await inScope(t.db, ctxA.scope, (trx) => columnRepository.findAll(trx, reference.id));
    expect(seen.columns.length).toBeGreaterThanOrEqual(50);
    expect(shape(seen.columns)).toEqual(shape(refCols));
  });

  it('should refuse codes and hosts the database already holds, on a re-run', async () => {
    const r = await provisionSites(ctxA, MIXED, { mode: 'good_rows', ...opts });
    expect(r.imported).toBe(0);
    const forLine = (line: number) => r.errors.filter((e) => e.line === line).map((e) => e.field).sort();
    expect(forLine(2)).toEqual(['code', 'hosts', 'hosts', 'site_id_code']);
    expect(forLine(11)).toEqual(['code', 'hosts', 'path_prefix', 'path_prefix']);
  });

  it('should read a BOM, CRLF, quoted fields and either host separator, and count lines as an editor does', async () => {
    const text = `\uFEFF${HEADER.toUpperCase()}\r\n\r\n"gengxian","庚县政府, 新","portal","990101",,,,"geng.gov.cn www.geng.gov.cn; m.geng.gov.cn",,,,"多行\r\n联系人",,\r\nbad code,坏,portal,990101,,,,,,,,,,\r\n`;
    const r = await provisionSites(ctxA, text, { mode: 'good_rows', ...opts });
    expect(r.errors).toEqual([{ line: 5, field: 'code', message: expect.stringMatching(/lower-case/) }]);
    expect(r.imported).toBe(1);
    const routes = await inScope(t.db, ctxA.scope, async (trx) => siteRepository.findDomains(trx, (await siteRepository.findByCode(trx, 'gengxian'))!.id));
    expect(routes.map((d) => [d.host, d.role])).toEqual([['geng.gov.cn', 'primary'], ['www.geng.gov.cn', 'alias'], ['m.geng.gov.cn', 'alias']]);
  });

  it('should refuse a file it cannot read, naming the line', async () => {
    expect((await provisionSites(ctxA, 'code,name,kind\nx,y,portal', { mode: 'good_rows' })).errors).toEqual([{ line: 1, field: 'org_unit', message: expect.any(String) }]);
    expect((await provisionSites(ctxA, `${HEADER},colour\n`, { mode: 'good_rows' })).errors[0]).toMatchObject({ line: 1, field: 'colour' });
    expect((await provisionSites(ctxA, csv(['a,b,portal,990101', 'x,"y']), { mode: 'good_rows' })).errors.map((e) => e.line)).toEqual([3]);
  });

  it('should only provision for a platform admin, and not see the units of another platform', async () => {
    await expect(provisionSites({ ...ctxA, scope: { kind: 'sites', siteIds: [] } }, csv([]), { mode: 'good_rows' }))
      .rejects.toMatchObject({ code: 'ZQ_TENANCY_PLATFORM_ADMIN_REQUIRED' });
    const r = await provisionSites(ctxB, csv(['xinxian,新县,portal,990101,,,,,,,,,,']), { mode: 'good_rows' });
    expect(r.errors).toEqual([{ line: 2, field: 'org_unit', message: 'org unit 990101 not found on this platform' }]);
  });
});

describe('org unit import', () => {
  let t: TestDatabase;
  let ctx: ServiceContext;

  beforeAll(async () => {
    t = await createTestDatabase();
    const clock = new ManualClock('2026-11-27T02:00:00Z');
    const p = await createPlatform(t.db, clock, actor, { code: 'po', name: '平台' });
    ctx = { db: t.db, clock, actor, scope: { kind: 'platform', platformIds: [p.id] } };
  });
  afterAll(async () => { await t.destroy(); });

  const FILE = `name,level,division_code,parent,short_name
甲省,province,990000,,
乙市,city,990100,甲省,
丙县,county,990101,990100,
坏级别,village,,丙县,
坏代码,county,12345,乙市,
县下市,city,990199,丙县,
无父,county,990102,不存在,
重复代码,county,990101,乙市,
乡镇,township,,重复代码,
部门,department,,丙县,`;
  const EXPECTED = [[5, 'level'], [6, 'division_code'], [7, 'parent'], [8, 'parent'], [9, 'division_code'], [10, 'parent']];

  it('should report every bad row and import nothing, all or nothing', async () => {
    const r = await importOrgUnits(ctx, FILE, { mode: 'all_or_nothing' });
    expect(r.imported).toBe(0);
    expect(r.errors.map((e) => [e.line, e.field])).toEqual(EXPECTED);
    expect(r.errors.find((e) => e.line === 7)?.message).toBe('a city cannot be placed under a county');
    expect(r.errors.find((e) => e.line === 10)?.message).toMatch(/line 9\) is not imported/);
    expect(await inScope(t.db, ctx.scope, (trx) => trx.selectFrom('org_unit').select('id').execute())).toEqual([]);
  });

  it('should import the good rows into one tree with materialised paths, and refuse them a second time', async () => {
    const r = await importOrgUnits(ctx, FILE, { mode: 'good_rows' });
    expect(r.errors.map((e) => [e.line, e.field])).toEqual(EXPECTED);
    expect(r.units.map((u) => u.name)).toEqual(['甲省', '乙市', '丙县', '部门']);
    const units = await inScope(t.db, ctx.scope, (trx) => trx.selectFrom('org_unit').select(['id', 'name', 'path', 'parent_id']).execute());
    const byName = new Map(units.map((u) => [u.name, u]));
    expect(byName.get('部门')!.path).toBe(`/${byName.get('甲省')!.id}/${byName.get('乙市')!.id}/${byName.get('丙县')!.id}/${byName.get('部门')!.id}/`);
    const platform = await t.db.selectFrom('platform').select('root_org_unit_id').executeTakeFirstOrThrow();
    expect(platform.root_org_unit_id).toBe(byName.get('甲省')!.id);
    expect(await verifyChain(t.db, (ctx.scope as { platformIds: string[] }).platformIds[0]!)).toEqual({ ok: true, checked: 1 + 4 });

    const again = await importOrgUnits(ctx, FILE, { mode: 'good_rows' });
    expect(again.imported).toBe(0);
    expect(again.errors.filter((e) => e.line === 2).map((e) => e.field).sort()).toEqual(['division_code', 'name']);
  });
});
