import type { Kysely } from 'kysely';
import { systemClock } from '@zhanqun/core/clock';
import type { Database } from '@zhanqun/db/database';
import { inScope } from '@zhanqun/db/scope';
import { provisionRecords, provisionSites, SITE_CSV_COLUMNS } from '@zhanqun/tenancy/bulk-provision.service';
import { listSites } from '@zhanqun/tenancy/site-query';
import * as siteRepository from '@zhanqun/tenancy/site.repository';
import { closeSite } from '@zhanqun/tenancy/site.service';
import {
  everyPlatformScope, hostSettings, list, need, operator, optional, platformContext, printImportErrors, readCsv,
  RefusedError, UsageError, type Values,
} from '../cli-support.js';

// The CSV column a refusal names, as the option the operator typed.
const FLAGS: Record<string, string> = {
  code: '--code', name: '--name', kind: '--kind', org_unit: '--org-unit', parent_site: '--parent-site',
  path_prefix: '--prefix', site_id_code: '--site-id-code', hosts: '--host', status: '--live',
};

/**
 * `site create`: one site with the standard column template, through the same checks and the
 * same single transaction as a bulk import of one row (so a refusal leaves nothing behind).
 */
export async function createSiteCommand(db: Kysely<Database>, values: Values): Promise<number> {
  const { ctx } = await platformContext(db, need(values, 'platform'));
  const row: Record<string, string> = Object.fromEntries(SITE_CSV_COLUMNS.map((c) => [c, '']));
  Object.assign(row, {
    code: need(values, 'code'), name: need(values, 'name'), kind: need(values, 'kind'), org_unit: need(values, 'org-unit'),
    parent_site: optional(values, 'parent-site') ?? '', path_prefix: optional(values, 'prefix') ?? '',
    site_id_code: optional(values, 'site-id-code') ?? '', hosts: list(values, 'host').join(' '),
    template: 'standard', status: values.live ? 'live' : 'provisioning',
  });
  const result = await provisionRecords(ctx, [{ line: 1, values: row }], { mode: 'all_or_nothing', ...hostSettings() });
  if (result.errors.length) {
    const fields = [...new Set(result.errors.map((e) => FLAGS[e.field] ?? e.field))].join(', ');
    throw new RefusedError(`拒绝创建网站（字段 ${fields}）: ${result.errors.map((e) => e.message).join('; ')}`);
  }
  const created = result.sites[0]!;
  const routes = await inScope(db, ctx.scope, (trx) => siteRepository.findDomains(trx, created.id));
  console.log(`已创建网站 (created site) ${created.code}  ${created.id}  ${values.live ? 'live' : 'provisioning'}`);
  for (const r of routes) console.log(`  ${r.role.padEnd(8)} http://${r.host}${r.path_prefix}`);
  return 0;
}

export async function listSitesCommand(db: Kysely<Database>, values: Values): Promise<number> {
  const code = optional(values, 'platform');
  const scope = code ? (await platformContext(db, code)).ctx.scope : await everyPlatformScope(db);
  const platformId = code && scope.kind === 'platform' ? scope.platformIds[0] : undefined;
  const q = optional(values, 'q');
  const rows = await inScope(db, scope, async (trx) => {
    const all = [];
    for (let offset = 0; ; offset += 500) {
      const page = await listSites(trx, { ...(q ? { q } : {}), ...(platformId ? { platformId } : {}), limit: 500, offset });
      all.push(...page.rows);
      if (all.length >= page.total || page.rows.length === 0) return all;
    }
  });
  for (const s of rows) {
    const url = s.host ? `http://${s.host}${s.path_prefix ?? '/'}` : '-';
    console.log(`${s.code.padEnd(20)} ${s.kind.padEnd(10)} ${s.status.padEnd(12)} ${url.padEnd(40)} ${s.name}`);
  }
  console.log(`共 ${rows.length} 个网站 (${rows.length} sites)`);
  return 0;
}

async function findSite(db: Kysely<Database>, code: string) {
  const scope = await everyPlatformScope(db);
  const site = await inScope(db, scope, (trx) => siteRepository.findByCode(trx, code.toLowerCase()));
  if (!site) throw new RefusedError(`网站 ${code} 不存在 (no such site: ${code})`);
  return { site, scope };
}

export async function showSiteCommand(db: Kysely<Database>, positionals: string[]): Promise<number> {
  const code = positionals[2];
  if (!code) throw new UsageError('缺少网站代码 (missing the site code): zhanqun site show <code>');
  const { site, scope } = await findSite(db, code);
  const more = await inScope(db, scope, async (trx) => ({
    platform: await trx.selectFrom('platform').select('code').where('id', '=', site.platform_id).executeTakeFirstOrThrow(),
    unit: await trx.selectFrom('org_unit').select(['name', 'division_code']).where('id', '=', site.org_unit_id).executeTakeFirst(),
    parent: site.parent_site_id ? await siteRepository.findById(trx, site.parent_site_id) : undefined,
    routes: await siteRepository.findDomains(trx, site.id),
    columns: await trx.selectFrom('site_column').select((eb) => eb.fn.countAll<number>().as('n')).where('site_id', '=', site.id)
      .where('deleted_at', 'is', null).executeTakeFirstOrThrow(),
  }));
  const lines: [string, string | null | undefined][] = [
    ['代码 code', site.code], ['名称 name', site.name], ['类型 kind', site.kind], ['状态 status', site.status],
    ['平台 platform', more.platform.code],
    ['机构 org unit', more.unit ? `${more.unit.name}${more.unit.division_code ? ` (${more.unit.division_code})` : ''}` : site.org_unit_id],
    ['上级网站 parent site', more.parent?.code], ['网站标识码 site id code', site.site_id_code],
    ['ICP 备案 ICP number', site.icp_number], ['公安备案 PSB number', site.psb_number], ['主办单位 sponsor', site.sponsor],
    ['联系方式 contact', site.contact], ['栏目 columns', String(more.columns.n)], ['创建 created', site.created_at.toISOString()],
    ['ID', site.id],
  ];
  for (const [label, value] of lines) console.log(`${label.padEnd(26)} ${value ?? '-'}`);
  console.log('域名 domains');
  for (const r of more.routes) console.log(`  ${r.role.padEnd(8)} http://${r.host}${r.path_prefix}`);
  return 0;
}

export async function closeSiteCommand(db: Kysely<Database>, positionals: string[]): Promise<number> {
  const code = positionals[2];
  if (!code) throw new UsageError('缺少网站代码 (missing the site code): zhanqun site close <code>');
  const { site } = await findSite(db, code);
  await closeSite({ db, clock: systemClock, actor: operator(), scope: { kind: 'platform', platformIds: [site.platform_id] } }, site.id);
  console.log(`已关闭网站 (closed site) ${site.code}`);
  return 0;
}

export async function importSitesCommand(db: Kysely<Database>, values: Values, positionals: string[]): Promise<number> {
  const file = positionals[2];
  if (!file) throw new UsageError('缺少 CSV 文件 (missing the CSV file): zhanqun site import <csv> --platform <code>');
  const text = readCsv(file);
  const { ctx } = await platformContext(db, need(values, 'platform'));
  const mode = values['good-rows'] ? 'good_rows' : 'all_or_nothing';
  const t0 = performance.now();
  const result = await provisionSites(ctx, text, { mode, ...hostSettings() });
  const seconds = ((performance.now() - t0) / 1000).toFixed(1);
  printImportErrors(result.errors);
  if (result.errors.length && result.imported === 0) {
    throw new RefusedError(`导入被拒绝，未导入任何网站 (import refused, nothing imported): ${result.errors.length} 处错误 (errors)`);
  }
  console.log(`已导入 ${result.imported} 个网站 (imported ${result.imported} sites) in ${seconds} s`);
  if (result.errors.length) console.error(`${result.errors.length} 处错误的行未导入 (rows with errors were skipped)`);
  return result.errors.length ? 1 : 0;
}
