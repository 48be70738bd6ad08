import type { Kysely } from 'kysely';
import type { Database } from '@zhanqun/db/database';
import { inScope } from '@zhanqun/db/scope';
import * as siteRepository from '@zhanqun/tenancy/site.repository';
import { applyTemplate, listTemplates } from '@zhanqun/tenancy/template.service';
import { list, need, optional, platformContext, RefusedError, UsageError, type Values } from '../cli-support.js';

/**
 * `columns apply-template`: add the template's missing columns to the named sites (or every open
 * site of the platform) in one transaction; local columns are never deleted.
 */
export async function applyTemplateCommand(db: Kysely<Database>, values: Values): Promise<number> {
  const codes = list(values, 'site').map((c) => c.toLowerCase());
  if (!codes.length && !values.all) throw new UsageError('请用 --site <code>（可多次）或 --all 指定网站 (name sites with --site … or --all)');
  if (codes.length && values.all) throw new UsageError('--site 与 --all 不能同时使用 (use --site or --all, not both)');
  const { platform, ctx } = await platformContext(db, need(values, 'platform'));
  const templateCode = optional(values, 'template') ?? 'standard';
  const { sites, ref } = await inScope(db, ctx.scope, async (trx) => {
    const template = (await listTemplates(trx, platform.id)).find((t) => t.code === templateCode);
    const own = (await siteRepository.findAll(trx)).filter((s) => s.platform_id === platform.id);
    return { ref: template?.ref, sites: values.all ? own.filter((s) => s.status !== 'closed') : own.filter((s) => codes.includes(s.code)) };
  });
  if (!ref) throw new RefusedError(`模板 ${templateCode} 不存在（字段 --template）(no such template)`);
  const missing = codes.filter((c) => !sites.some((s) => s.code === c));
  if (missing.length) throw new RefusedError(`平台 ${platform.code} 没有这些网站（字段 --site）: ${missing.join(', ')} (no such sites on the platform)`);
  if (!sites.length) {
    console.log('没有可应用模板的网站 (no sites to apply the template to)');
    return 0;
  }
  const result = await applyTemplate(ctx, ref, sites.map((s) => s.id));
  const codeOf = new Map(sites.map((s) => [s.id, s.code]));
  for (const s of result.sites) console.log(`${(codeOf.get(s.siteId) ?? s.siteId).padEnd(20)} 新增 ${s.added.length} 个栏目 (added ${s.added.length} columns)`);
  const total = result.sites.reduce((n, s) => n + s.added.length, 0);
  console.log(`模板 ${templateCode} 已应用到 ${result.sites.length} 个网站，新增 ${total} 个栏目 (applied to ${result.sites.length} sites, ${total} columns added)`);
  return 0;
}
