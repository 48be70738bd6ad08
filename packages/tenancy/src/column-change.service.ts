import { invalid } from '@zhanqun/core/errors';
import { newId } from '@zhanqun/core/id';
import { writeAudit } from '@zhanqun/audit/audit.writer';
import type { ServiceContext } from '@zhanqun/audit/context';
import type { ColumnKind, SiteColumnRow, SiteRow } from '@zhanqun/db/database';
import { inScope, type Scope, type Tx } from '@zhanqun/db/scope';
import { writableSite } from './site-access.js';
import * as columnRepository from './column.repository.js';
import { isReservedSegment } from './reserved.js';
import * as siteRepository from './site.repository.js';
import { ColumnNotFoundError } from './tenancy.errors.js';

const KINDS: readonly ColumnKind[] = ['news', 'notice', 'policy', 'personnel', 'plans', 'interpretation', 'interaction', 'service', 'page', 'link'];

async function load(trx: Tx, ctx: ServiceContext, siteId: string, columnId: string, field = 'columnId'): Promise<{ site: SiteRow; column: SiteColumnRow }> {
  const site = await writableSite(trx, ctx, siteId);
  const column = await columnRepository.findById(trx, siteId, columnId);
  if (!column) throw field === 'columnId' ? new ColumnNotFoundError(columnId, siteId) : invalid(field, `column ${columnId} is not an open column of this site`);
  return { site, column };
}

async function openChildren(trx: Tx, siteId: string, parentId: string | null): Promise<SiteColumnRow[]> {
  return (await columnRepository.findAll(trx, siteId)).filter((c) => c.parent_id === parentId);
}

export interface UpdateColumnInput { name?: string; kind?: ColumnKind; description?: string | null; isCore?: boolean }

/** Rename a column, change its census kind or description, or flag it core; its path stays. */
export async function updateColumn(ctx: ServiceContext, siteId: string, columnId: string, input: UpdateColumnInput): Promise<SiteColumnRow> {
  if (input.name !== undefined && !input.name.trim()) throw invalid('name', 'must not be empty');
  if (input.kind !== undefined && !KINDS.includes(input.kind)) throw invalid('kind', `must be one of ${KINDS.join(', ')}`);
  return inScope(ctx.db, ctx.scope, async (trx) => {
    const { site, column } = await load(trx, ctx, siteId, columnId);
    const changes = {
      ...(input.name !== undefined ? { name: input.name.trim() } : {}),
      ...(input.kind !== undefined ? { kind: input.kind } : {}),
      ...(input.description !== undefined ? { description: input.description?.trim() || null } : {}),
      ...(input.isCore !== undefined ? { is_core: input.isCore } : {}),
    };
    const row = await trx.updateTable('site_column').set({ ...changes, updated_at: ctx.clock.now() })
      .where('site_id', '=', siteId).where('id', '=', columnId).returning(columnRepository.COLUMN_COLUMNS).executeTakeFirstOrThrow();
    await writeAudit(trx, ctx.clock, ctx.actor, {
      platformId: site.platform_id, siteId, action: 'column.update', objectType: 'site_column', objectId: columnId,
      before: { name: column.name, kind: column.kind, description: column.description, isCore: column.is_core }, after: changes,
    });
    return row;
  });
}

/**
 * Move a column (with its sub-columns) under another parent, or to the top level. Its pages get
 * new paths; every old path answers 301 to its new one. Article URLs never change.
 */
export async function moveColumn(ctx: ServiceContext, siteId: string, columnId: string, input: { parentId: string | null; sortOrder?: number }): Promise<SiteColumnRow> {
  return inScope(ctx.db, ctx.scope, async (trx) => {
    const { site, column } = await load(trx, ctx, siteId, columnId);
    const parent = input.parentId ? (await load(trx, ctx, siteId, input.parentId, 'parentId')).column : null;
    if (parent && parent.path.startsWith(column.path)) throw invalid('parentId', 'a column cannot be moved under itself or one of its own sub-columns');
    if (!parent && isReservedSegment(column.slug)) throw invalid('parentId', `/${column.slug}/ is reserved by the platform at the top level`);
    const newPath = `${parent?.path ?? '/'}${column.slug}/`;
    const subtree = (await columnRepository.findAll(trx, siteId)).filter((c) => c.path.startsWith(column.path));
    if (newPath !== column.path) {
      const moves = subtree.map((c) => ({ id: c.id, from: c.path, to: newPath + c.path.slice(column.path.length) }));
      const clash = await trx.selectFrom('url_path').select('path').where('site_id', '=', siteId).where('path', 'in', moves.map((m) => m.to)).executeTakeFirst();
      if (clash) throw invalid('parentId', `${clash.path} is already in use on this site`);
      if (!parent) {
        const mounted = await trx.selectFrom('site_domain as d').innerJoin('site_domain as own', 'own.host', 'd.host')
          .select('d.site_id').where('own.site_id', '=', siteId).where('d.path_prefix', '=', newPath).executeTakeFirst();
        if (mounted) throw invalid('parentId', `${newPath} is the prefix of a sub-site`);
      }
      for (const m of moves) {
        await trx.updateTable('site_column').set({ path: m.to, updated_at: ctx.clock.now() }).where('site_id', '=', siteId).where('id', '=', m.id).execute();
        await trx.updateTable('url_path').set({ kind: 'redirect', target: m.to }).where('site_id', '=', siteId).where('path', '=', m.from).execute();
        await trx.insertInto('url_path').values({ id: newId(), site_id: siteId, path: m.to, kind: 'live', column_id: m.id, article_id: null, target: null, last_hit_at: null }).execute();
      }
    }
    const row = await trx.updateTable('site_column')
      .set({ parent_id: parent?.id ?? null, is_channel: parent === null, sort_order: input.sortOrder ?? column.sort_order, updated_at: ctx.clock.now() })
      .where('site_id', '=', siteId).where('id', '=', columnId).returning(columnRepository.COLUMN_COLUMNS).executeTakeFirstOrThrow();
    await writeAudit(trx, ctx.clock, ctx.actor, {
      platformId: site.platform_id, siteId, action: 'column.move', objectType: 'site_column', objectId: columnId,
      before: { parentId: column.parent_id, path: column.path }, after: { parentId: parent?.id ?? null, path: newPath },
    });
    return row;
  });
}

/** Put the open sub-columns of a parent (or the channels) in the given order. */
export async function reorderColumns(ctx: ServiceContext, siteId: string, parentId: string | null, orderedIds: string[]): Promise<void> {
  await inScope(ctx.db, ctx.scope, async (trx) => {
    const site = await writableSite(trx, ctx, siteId);
    const children = await openChildren(trx, siteId, parentId);
    const known = new Set(children.map((c) => c.id));
    if (orderedIds.length !== known.size || new Set(orderedIds).size !== known.size || orderedIds.some((id) => !known.has(id))) {
      throw invalid('orderedIds', 'must list every open sub-column of the parent exactly once');
    }
    for (const [i, id] of orderedIds.entries()) {
      await trx.updateTable('site_column').set({ sort_order: (i + 1) * 10 }).where('site_id', '=', siteId).where('id', '=', id).execute();
    }
    await writeAudit(trx, ctx.clock, ctx.actor, {
      platformId: site.platform_id, siteId, action: 'column.reorder', objectType: 'site_column', objectId: parentId, after: { order: orderedIds },
    });
  });
}

/**
 * Merge a column into another (seed §2.1: columns whose updates are not assured are merged or
 * closed). Its articles and placements move to the target; its path answers 301 to the target.
 */
export async function mergeColumn(ctx: ServiceContext, siteId: string, sourceId: string, targetId: string): Promise<SiteColumnRow> {
  if (sourceId === targetId) throw invalid('targetId', 'a column cannot be merged into itself');
  return inScope(ctx.db, ctx.scope, async (trx) => {
    const { site, column: source } = await load(trx, ctx, siteId, sourceId);
    const { column: target } = await load(trx, ctx, siteId, targetId, 'targetId');
    if ((await openChildren(trx, siteId, sourceId)).length) throw invalid('columnId', 'merge or move its sub-columns first');
    if (target.kind === 'link') throw invalid('targetId', 'an external-link column holds no articles');
    const now = ctx.clock.now();
    await trx.insertInto('article_placement')
      .columns(['site_id', 'article_id', 'column_id', 'pinned', 'sort_order'])
      .expression((eb) => eb.selectFrom('article_placement').select(['site_id', 'article_id', eb.val(targetId).as('column_id'), 'pinned', 'sort_order'])
        .where('site_id', '=', siteId).where('column_id', '=', sourceId))
      .onConflict((oc) => oc.doNothing()).execute();
    await trx.deleteFrom('article_placement').where('site_id', '=', siteId).where('column_id', '=', sourceId).execute();
    const moved = await trx.updateTable('article').set({ primary_column_id: targetId, updated_at: now })
      .where('site_id', '=', siteId).where('primary_column_id', '=', sourceId).returning('id').execute();
    await trx.updateTable('url_path').set({ kind: 'redirect', target: target.path }).where('site_id', '=', siteId).where('path', '=', source.path).execute();
    const row = await trx.updateTable('site_column').set({ status: 'merged', merged_into_id: targetId, deleted_at: now, updated_at: now })
      .where('site_id', '=', siteId).where('id', '=', sourceId).returning(columnRepository.COLUMN_COLUMNS).executeTakeFirstOrThrow();
    await writeAudit(trx, ctx.clock, ctx.actor, {
      platformId: site.platform_id, siteId, action: 'column.merge', objectType: 'site_column', objectId: sourceId,
      before: { path: source.path }, after: { mergedInto: target.path, articlesMoved: moved.length },
    });
    return row;
  });
}

/**
 * Close a column: its path and the URLs of the articles it owns answer 410 with a page that
 * points to the site's home; those articles are withdrawn. Sub-columns must go first.
 */
export async function closeColumn(ctx: ServiceContext, siteId: string, columnId: string): Promise<SiteColumnRow> {
  return inScope(ctx.db, ctx.scope, async (trx) => {
    const { site, column } = await load(trx, ctx, siteId, columnId);
    if ((await openChildren(trx, siteId, columnId)).length) throw invalid('columnId', 'merge, move or close its sub-columns first');
    const now = ctx.clock.now();
    const withdrawn = await trx.updateTable('article').set({ live: false, updated_at: now })
      .where('site_id', '=', siteId).where('primary_column_id', '=', columnId).where('live', '=', true).returning('id').execute();
    if (withdrawn.length) {
      await trx.updateTable('url_path').set({ kind: 'gone' }).where('site_id', '=', siteId).where('article_id', 'in', withdrawn.map((a) => a.id)).execute();
    }
    await trx.deleteFrom('article_placement').where('site_id', '=', siteId).where('column_id', '=', columnId).execute();
    await trx.updateTable('url_path').set({ kind: 'gone' }).where('site_id', '=', siteId).where('path', '=', column.path).execute();
    const row = await trx.updateTable('site_column').set({ status: 'closed', closed_at: now, deleted_at: now, updated_at: now })
      .where('site_id', '=', siteId).where('id', '=', columnId).returning(columnRepository.COLUMN_COLUMNS).executeTakeFirstOrThrow();
    await writeAudit(trx, ctx.clock, ctx.actor, {
      platformId: site.platform_id, siteId, action: 'column.close', objectType: 'site_column', objectId: columnId,
      before: { path: column.path }, after: { status: 'closed', articlesWithdrawn: withdrawn.length },
    });
    return row;
  });
}
