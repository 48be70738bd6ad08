import { invalid } from '@zhanqun/core/errors';
import { newId } from '@zhanqun/core/id';
import { writeAudit } from '@zhanqun/audit/audit.writer';
import type { ServiceContext } from '@zhanqun/audit/context';
import type { ColumnKind, SiteColumnRow } from '@zhanqun/db/database';
import { inScope } from '@zhanqun/db/scope';
import * as columnRepository from './column.repository.js';
import * as siteRepository from './site.repository.js';
import { isReservedSegment } from './reserved.js';
import { flattenTemplate, STANDARD_TEMPLATE, standardTemplateColumnId } from './standard-template.js';
import { ColumnNotFoundError, SiteNotFoundError } from './tenancy.errors.js';

const KINDS: readonly ColumnKind[] = ['news', 'notice', 'policy', 'personnel', 'plans', 'interpretation', 'interaction', 'service', 'page', 'link'];

export interface CreateColumnInput {
  parentId?: string | null;
  slug: string;
  name: string;
  kind: ColumnKind;
  sortOrder?: number;
  description?: string | null;
}

/** Add a column (栏目) to a site; a top-level column is a channel (频道). Its path answers publicly. */
export async function createColumn(ctx: ServiceContext, siteId: string, input: CreateColumnInput): Promise<SiteColumnRow> {
  const slug = input.slug.trim().toLowerCase();
  if (!/^[a-z0-9][a-z0-9_-]{0,39}$/.test(slug)) throw invalid('slug', 'must be ASCII: lower-case letters, digits, _ or - (pinyin abbreviations are customary)');
  if (!input.name.trim()) throw invalid('name', 'must not be empty');
  if (!KINDS.includes(input.kind)) throw invalid('kind', `must be one of ${KINDS.join(', ')}`);
  return inScope(ctx.db, ctx.scope, async (trx) => {
    const site = await siteRepository.findById(trx, siteId);
    if (!site) throw new SiteNotFoundError(siteId);
    const parent = input.parentId ? await columnRepository.findById(trx, siteId, input.parentId) : undefined;
    if (input.parentId && !parent) throw new ColumnNotFoundError(input.parentId, siteId);
    if (!parent && isReservedSegment(slug)) throw invalid('slug', `/${slug}/ is reserved by the platform`);
    const path = `${parent?.path ?? '/'}${slug}/`;
    if (await trx.selectFrom('url_path').select('id').where('site_id', '=', siteId).where('path', '=', path).executeTakeFirst()) {
      throw invalid('slug', `${path} is already in use on this site`);
    }
    if (!parent) {
      // A sub-site mounted on one of this site's hosts owns that prefix (DESIGN.md, Routing).
      const hosts = (await siteRepository.findDomains(trx, siteId)).filter((d) => d.path_prefix === '/').map((d) => d.host);
      const mounted = hosts.length
        ? await trx.selectFrom('site_domain').select('site_id').where('host', 'in', hosts).where('path_prefix', '=', path).executeTakeFirst()
        : undefined;
      if (mounted) throw invalid('slug', `${path} is the prefix of a sub-site`);
    }
    const row = await columnRepository.insert(trx, {
      id: newId(), site_id: siteId, parent_id: parent?.id ?? null, slug, path, name: input.name.trim(), kind: input.kind,
      is_channel: !parent, sort_order: input.sortOrder ?? 0, description: input.description ?? null, external_url: null,
      template_column_id: null, status: 'open', deleted_at: null,
    });
    await trx.insertInto('url_path').values({ id: newId(), site_id: siteId, path, kind: 'live', column_id: row.id, article_id: null, target: null, last_hit_at: null }).execute();
    await writeAudit(trx, ctx.clock, ctx.actor, { platformId: site.platform_id, siteId, action: 'column.create', objectType: 'site_column', objectId: row.id, after: row });
    return row;
  });
}

/**
 * Apply the standard 政府信息公开 template to a site: add every template column the site lacks
 * (matched by path), keep `template_column_id`, never delete or rename local columns.
 */
export async function applyStandardTemplate(ctx: ServiceContext, siteId: string): Promise<{ added: string[] }> {
  return inScope(ctx.db, ctx.scope, async (trx) => {
    const site = await siteRepository.findById(trx, siteId);
    if (!site) throw new SiteNotFoundError(siteId);
    const existing = new Map((await columnRepository.findAll(trx, siteId)).map((col) => [col.path, col.id]));
    const taken = new Set((await trx.selectFrom('url_path').select('path').where('site_id', '=', siteId).execute()).map((r) => r.path));
    const rows: Parameters<typeof columnRepository.insertMany>[1] = [];
    for (const { path, parentPath, column, order } of flattenTemplate(STANDARD_TEMPLATE)) {
      if (existing.has(path)) continue;
      if (taken.has(path)) continue; // a redirect or a local path holds it: leave it to the site admin
      const parentId = parentPath ? existing.get(parentPath) : null;
      if (parentPath && !parentId) continue; // its parent was skipped
      const id = newId();
      existing.set(path, id);
      rows.push({
        id, site_id: siteId, parent_id: parentId ?? null, slug: column.slug, path, name: column.name, kind: column.kind,
        is_channel: parentPath === null, sort_order: order * 10, description: null, external_url: null,
        template_column_id: standardTemplateColumnId(path), status: 'open', deleted_at: null,
      });
    }
    if (rows.length) {
      await columnRepository.insertMany(trx, rows);
      await trx.insertInto('url_path').values(rows.map((r) => ({
        id: newId(), site_id: siteId, path: r.path, kind: 'live' as const, column_id: r.id, article_id: null, target: null, last_hit_at: null,
      }))).execute();
    }
    const added = rows.map((r) => r.path);
    await writeAudit(trx, ctx.clock, ctx.actor, {
      platformId: site.platform_id, siteId, action: 'column.template.apply', objectType: 'site', objectId: siteId, after: { template: 'standard', added },
    });
    return { added };
  });
}
