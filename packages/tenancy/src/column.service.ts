import { invalid } from '@zhanqun/core/errors';
import { newId } from '@zhanqun/core/id';
import { writeAudit } from '@zhanqun/audit/audit.writer';
import type { ServiceContext } from '@zhanqun/audit/context';
import type { ColumnKind, SiteColumnRow } from '@zhanqun/db/database';
import { inScope, type Tx } from '@zhanqun/db/scope';
import { writableSite } from './site-access.js';
import * as columnRepository from './column.repository.js';
import * as siteRepository from './site.repository.js';
import { FOREIGN_LOCALES, isReservedSegment } from './reserved.js';
import { buildTemplateRows, liveColumnPaths, STANDARD_TEMPLATE, standardTemplateColumnId, type TemplateColumn } from './standard-template.js';
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
    const site = await writableSite(trx, ctx, siteId);
    const parent = input.parentId ? await columnRepository.findById(trx, siteId, input.parentId) : undefined;
    if (input.parentId && !parent) throw new ColumnNotFoundError(input.parentId, siteId);
    // A locale prefix is reserved, except as the root channel of a foreign-language version the site has.
    if (!parent && isReservedSegment(slug) && !site.locales.includes(slug)) {
      throw invalid('slug', `/${slug}/ is reserved by the platform${FOREIGN_LOCALES.includes(slug) ? ' (add the locale to the site first)' : ''}`);
    }
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
    // A new column goes after its siblings unless told otherwise.
    const last = await trx.selectFrom('site_column').select((eb) => eb.fn.max('sort_order').as('n')).where('site_id', '=', siteId)
      .where('deleted_at', 'is', null).where((eb) => (parent ? eb('parent_id', '=', parent.id) : eb('parent_id', 'is', null))).executeTakeFirst();
    const row = await columnRepository.insert(trx, {
      id: newId(), site_id: siteId, parent_id: parent?.id ?? null, slug, path, name: input.name.trim(), kind: input.kind,
      is_channel: !parent, sort_order: input.sortOrder ?? Number(last?.n ?? 0) + 10, description: input.description ?? null, external_url: null,
      template_column_id: null, status: 'open', merged_into_id: null, closed_at: null, deleted_at: null,
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
  return inScope(ctx.db, ctx.scope, (trx) => applyTemplateInTx(trx, ctx, siteId, STANDARD_TEMPLATE, 'standard', (path) => standardTemplateColumnId(path)));
}

/**
 * Add a template's missing columns to one site inside the caller's transaction. `idFor` gives
 * each template column's id (kept as `template_column_id` on the site's copy).
 */
export async function applyTemplateInTx(
  trx: Tx, ctx: ServiceContext, siteId: string, template: readonly TemplateColumn[], templateRef: string,
  idFor: (path: string, column: TemplateColumn) => string,
): Promise<{ added: string[] }> {
  const site = await writableSite(trx, ctx, siteId);
  const existing = new Map((await columnRepository.findAll(trx, siteId)).map((col) => [col.path, col.id]));
  const taken = new Set((await trx.selectFrom('url_path').select('path').where('site_id', '=', siteId).execute()).map((r) => r.path));
  // A redirect or a local path that holds a template path is left to the site admin.
  const rows = buildTemplateRows(siteId, existing, taken, template, idFor);
  if (rows.length) {
    await columnRepository.insertMany(trx, rows);
    await trx.insertInto('url_path').values(liveColumnPaths(rows)).execute();
  }
  const added = rows.map((r) => r.path);
  // Nothing added, nothing changed: no audit entry (re-applying is routine and idempotent).
  if (added.length) {
    await writeAudit(trx, ctx.clock, ctx.actor, {
      platformId: site.platform_id, siteId, action: 'column.template.apply', objectType: 'site', objectId: siteId, after: { template: templateRef, added },
    });
  }
  return { added };
}

// Changing the tree lives beside creating it; re-exported so callers import one module.
export { closeColumn, mergeColumn, moveColumn, reorderColumns, updateColumn, type UpdateColumnInput } from './column-change.service.js';
