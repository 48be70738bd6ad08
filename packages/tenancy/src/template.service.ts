import { invalid } from '@zhanqun/core/errors';
import { isUuid, newId } from '@zhanqun/core/id';
import { writeAudit } from '@zhanqun/audit/audit.writer';
import type { ServiceContext } from '@zhanqun/audit/context';
import type { ColumnKind } from '@zhanqun/db/database';
import { inScope, type Db } from '@zhanqun/db/scope';
import { applyTemplateInTx } from './column.service.js';
import { flattenTemplate, STANDARD_TEMPLATE, standardTemplateColumnId, type TemplateColumn } from './standard-template.js';
import { PlatformAdminRequiredError, TemplateNotFoundError } from './tenancy.errors.js';

export interface TemplateSummary {
  /** `standard` for the built-in one, else the template's id. */
  ref: string;
  code: string;
  name: string;
  builtin: boolean;
  columns: number;
}

export const STANDARD_TEMPLATE_NAME = '政府信息公开标准栏目';

/** The templates a platform can apply: the built-in standard one first, then its own. */
export async function listTemplates(db: Db, platformId: string): Promise<TemplateSummary[]> {
  const own = await db.selectFrom('column_template as t')
    .leftJoin('column_template_column as c', 'c.template_id', 't.id')
    .select(['t.id', 't.code', 't.name', (eb) => eb.fn.count<number>('c.id').as('columns')])
    .where('t.platform_id', '=', platformId).groupBy(['t.id', 't.code', 't.name']).orderBy('t.code').execute();
  return [
    { ref: 'standard', code: 'standard', name: STANDARD_TEMPLATE_NAME, builtin: true, columns: flattenTemplate(STANDARD_TEMPLATE).length },
    ...own.map((t) => ({ ref: t.id, code: t.code, name: t.name, builtin: false, columns: Number(t.columns) })),
  ];
}

const KINDS: readonly ColumnKind[] = ['news', 'notice', 'policy', 'personnel', 'plans', 'interpretation', 'interaction', 'service', 'page', 'link'];

/** Save a platform's own column template (a tree of slug, name, kind). */
export async function createTemplate(ctx: ServiceContext, input: { code: string; name: string; columns: TemplateColumn[] }): Promise<TemplateSummary> {
  if (ctx.scope.kind !== 'platform' || ctx.scope.platformIds.length !== 1) throw new PlatformAdminRequiredError();
  const platformId = ctx.scope.platformIds[0]!;
  if (!/^[a-z][a-z0-9-]{1,39}$/.test(input.code) || input.code === 'standard') throw invalid('code', 'must be 2–40 lower-case letters, digits or hyphens, not "standard"');
  if (!input.name.trim()) throw invalid('name', 'must not be empty');
  const flat = flattenTemplate(input.columns);
  if (!flat.length) throw invalid('columns', 'must hold at least one column');
  const paths = new Set<string>();
  for (const { path, column } of flat) {
    if (!/^[a-z0-9][a-z0-9_-]{0,39}$/.test(column.slug)) throw invalid('columns', `slug "${column.slug}" must be ASCII lower-case letters, digits, _ or -`);
    if (!KINDS.includes(column.kind)) throw invalid('columns', `kind "${column.kind}" of ${path} is not a census kind`);
    if (paths.has(path)) throw invalid('columns', `${path} appears twice`);
    paths.add(path);
  }
  return inScope(ctx.db, ctx.scope, async (trx) => {
    const id = newId();
    await trx.insertInto('column_template').values({ id, platform_id: platformId, code: input.code, name: input.name.trim() }).execute();
    const ids = new Map<string, string>();
    for (const { path, parentPath, column, order } of flat) {
      const cid = newId();
      ids.set(path, cid);
      await trx.insertInto('column_template_column').values({
        id: cid, template_id: id, parent_id: parentPath ? ids.get(parentPath)! : null, slug: column.slug, name: column.name, kind: column.kind, sort_order: order * 10,
      }).execute();
    }
    await writeAudit(trx, ctx.clock, ctx.actor, { platformId, action: 'column_template.create', objectType: 'column_template', objectId: id, after: { code: input.code, columns: flat.length } });
    return { ref: id, code: input.code, name: input.name.trim(), builtin: false, columns: flat.length };
  });
}

/**
 * Apply a template to many sites at once, in one transaction: each site gets the columns it
 * lacks; local columns are never deleted. Columns keep `template_column_id`, so the province can
 * address "every site's 通知公告".
 */
export async function applyTemplate(ctx: ServiceContext, templateRef: string, siteIds: string[]): Promise<{ sites: { siteId: string; added: string[] }[] }> {
  if (!siteIds.length) throw invalid('siteIds', 'name at least one site');
  if (templateRef !== 'standard' && !isUuid(templateRef)) throw new TemplateNotFoundError(templateRef);
  return inScope(ctx.db, ctx.scope, async (trx) => {
    let tree: readonly TemplateColumn[] = STANDARD_TEMPLATE;
    let idFor = (path: string, _column?: TemplateColumn) => standardTemplateColumnId(path);
    if (templateRef !== 'standard') {
      const platformIds = ctx.scope.kind === 'platform' ? ctx.scope.platformIds : [];
      const template = await trx.selectFrom('column_template').select(['id']).where('id', '=', templateRef).where('platform_id', 'in', platformIds.length ? platformIds : ['']).executeTakeFirst();
      if (!template) throw new TemplateNotFoundError(templateRef);
      const rows = await trx.selectFrom('column_template_column').select(['id', 'parent_id', 'slug', 'name', 'kind', 'sort_order'])
        .where('template_id', '=', templateRef).orderBy('sort_order').execute();
      const build = (parentId: string | null): TemplateColumn[] => rows.filter((r) => r.parent_id === parentId)
        .map((r) => ({ id: r.id, slug: r.slug, name: r.name, kind: r.kind, children: build(r.id) }));
      tree = build(null);
      idFor = (path: string, column?: TemplateColumn) => column?.id ?? standardTemplateColumnId(path);
    }
    const sites = [];
    for (const siteId of [...new Set(siteIds)]) {
      sites.push({ siteId, ...(await applyTemplateInTx(trx, ctx, siteId, tree, templateRef, idFor)) });
    }
    return { sites };
  });
}
