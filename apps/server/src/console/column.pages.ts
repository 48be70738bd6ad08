import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { invalid } from '@zhanqun/core/errors';
import type { ColumnKind, SiteColumnRow } from '@zhanqun/db/database';
import { inScope } from '@zhanqun/db/scope';
import * as columnRepository from '@zhanqun/tenancy/column.repository';
import {
  closeColumn, createColumn, mergeColumn, moveColumn, reorderColumns, updateColumn,
} from '@zhanqun/tenancy/column.service';
import { ColumnNotFoundError } from '@zhanqun/tenancy/tenancy.errors';
import { t, type Locale } from '../i18n/i18n.js';
import { SITE_ADMIN, adminScope, attempt, pageFrame, renderPage, serviceContext } from './console-context.js';
import {
  checked, formState, idOrNull, isUuid, optional, options, requiredId, text, values, type FormBody, type FormState, type Refusal,
} from './console-form.js';
import { IdParams } from './org-unit.pages.js';
import { loadSiteHead } from './site-detail.pages.js';

export const COLUMN_KINDS: readonly ColumnKind[] = ['news', 'notice', 'policy', 'personnel', 'plans', 'interpretation', 'interaction', 'service', 'page', 'link'];
const ColumnParams = {
  type: 'object', required: ['id', 'columnId'],
  properties: { id: { type: 'string', format: 'uuid' }, columnId: { type: 'string', format: 'uuid' } },
} as const;

type FormKey = 'add' | 'update' | 'move' | 'merge' | 'close' | 'tree';
type Forms = Partial<Record<FormKey, FormState>>;

export interface TreeColumn { column: SiteColumnRow; depth: number; first: boolean; last: boolean }

const bySortOrder = (a: SiteColumnRow, b: SiteColumnRow) => a.sort_order - b.sort_order || a.slug.localeCompare(b.slug);

/** Siblings in display order: by sort order, then slug. */
export function siblingsOf(columns: readonly SiteColumnRow[], parentId: string | null): SiteColumnRow[] {
  return columns.filter((c) => c.parent_id === parentId).sort(bySortOrder);
}

/** The open columns as a depth-first tree (channels first), each with its depth and place among its siblings. */
export function columnTree(columns: readonly SiteColumnRow[]): TreeColumn[] {
  const out: TreeColumn[] = [];
  const walk = (parentId: string | null, depth: number) => {
    const siblings = siblingsOf(columns, parentId);
    siblings.forEach((column, i) => {
      out.push({ column, depth, first: i === 0, last: i === siblings.length - 1 });
      walk(column.id, depth + 1);
    });
  };
  walk(null, 0);
  return out;
}

const columnOption = (locale: Locale, { column, depth }: TreeColumn): [string, string] =>
  [column.id, `${'\u3000'.repeat(Math.min(depth, 8))}${column.name}（${column.path}）`];

/** 栏目: the column-tree editor of a site — add, rename, reorder, move, merge, close. */
export default async function columnPages(fastify: FastifyInstance) {
  async function show(request: FastifyRequest, reply: FastifyReply, siteId: string, selectedId: string | null, forms: Forms = {}, code = 200) {
    const frame = pageFrame(request, reply, 'sites');
    const { locale } = frame;
    const scope = await adminScope(fastify, request);
    const { head, columns } = await inScope(fastify.db, scope, async (trx) => ({
      ...(await loadSiteHead(trx, request, locale, siteId)), columns: await columnRepository.findAll(trx, siteId),
    }));
    const tree = columnTree(columns);
    const selected = tree.find((c) => c.column.id === selectedId)?.column;
    const kinds = (v: string | undefined) => options(COLUMN_KINDS.map((k) => [k, t(locale, `column.kind.${k}`)]), v);
    const all = tree.map((c) => columnOption(locale, c));
    const top: [string, string] = ['', t(locale, 'column.top_level')];
    const add = forms.add ?? formState({ parentId: selected?.id ?? '', kind: 'news' });
    const refused = Object.values(forms).find((f) => f.error)?.error ?? null;
    const base = head.url;
    let panel = null;
    if (selected) {
      const outside = tree.filter((c) => !c.column.path.startsWith(selected.path));
      const update = forms.update ?? formState({ name: selected.name, kind: selected.kind, description: selected.description ?? '', isCore: selected.is_core ? '1' : '' });
      const move = forms.move ?? formState({ parentId: selected.parent_id ?? '' });
      const merge = forms.merge ?? formState();
      panel = {
        id: selected.id, name: selected.name, path: selected.path, update, updateKinds: kinds(update.values.kind),
        move, moveParents: options([top, ...outside.map((c) => columnOption(locale, c))], move.values.parentId),
        merge, mergeTargets: options([['', t(locale, 'column.choose_target')], ...tree.filter((c) => c.column.id !== selected.id).map((c) => columnOption(locale, c))], merge.values.targetId),
        close: forms.close ?? formState(),
      };
    }
    return renderPage(reply, 'site-columns', frame, t(locale, 'column.title', { site: head.name }), {
      head, tab: { columns: true }, refused, count: tree.length, panel,
      rows: tree.map(({ column: c, depth, first, last }) => ({
        id: c.id, name: c.name, path: c.path, depth: Math.min(depth, 8), kindLabel: t(locale, `column.kind.${c.kind}`),
        channel: c.is_channel, fromTemplate: c.template_column_id !== null, up: !first, down: !last, selected: c.id === selected?.id,
        url: head.live && base ? `${base}${c.path.slice(1)}` : '',
      })),
      add, addParents: options([top, ...all], add.values.parentId), addKinds: kinds(add.values.kind),
    }, code);
  }

  type ColumnPost = { Params: { id: string; columnId: string }; Body: FormBody };
  const post = { config: SITE_ADMIN, preHandler: fastify.csrfProtection, schema: { params: ColumnParams } };
  const again = (request: FastifyRequest, reply: FastifyReply, selectedId: string | null, form: FormKey) =>
    (refusal: Refusal) => show(request, reply, (request.params as { id: string }).id, selectedId, { [form]: formState(values(request.body as FormBody), refusal) }, refusal.status);
  const back = (siteId: string, columnId?: string) => `/sites/${siteId}/columns${columnId ? `?column=${columnId}#col-${columnId}` : ''}`;
  const opts = { ns: 'column', fields: { ZQ_TENANCY_COLUMN_NOT_FOUND: 'parentId' } };

  fastify.get<{ Params: { id: string }; Querystring: { column?: string } }>('/sites/:id/columns', { config: SITE_ADMIN, schema: { params: IdParams } }, async (request, reply) =>
    show(request, reply, request.params.id, isUuid(request.query.column) ? request.query.column : null));

  fastify.post<{ Params: { id: string }; Body: FormBody }>('/sites/:id/columns', { ...post, schema: { params: IdParams } }, async (request, reply) => {
    const { id } = request.params;
    const body = request.body;
    return attempt(request, reply, async () => {
      const ctx = await serviceContext(fastify, request);
      const parentId = idOrNull(body, 'parentId');
      // A new column goes after its siblings (the service's default order, 0, would put it first).
      const siblings = siblingsOf(await inScope(fastify.db, ctx.scope, (trx) => columnRepository.findAll(trx, id)), parentId);
      const column = await createColumn(ctx, id, {
        parentId, slug: text(body, 'slug'), name: text(body, 'name'), kind: text(body, 'kind') as ColumnKind,
        sortOrder: (siblings.at(-1)?.sort_order ?? 0) + 10,
      });
      return [back(id, column.id), 'column.created'];
    }, again(request, reply, null, 'add'), opts);
  });

  fastify.post<ColumnPost>('/sites/:id/columns/:columnId', post, async (request, reply) => {
    const { id, columnId } = request.params;
    const body = request.body;
    return attempt(request, reply, async () => {
      await updateColumn(await serviceContext(fastify, request), id, columnId, {
        name: text(body, 'name'), kind: text(body, 'kind') as ColumnKind, description: optional(body, 'description'), isCore: checked(body, 'isCore'),
      });
      return [back(id, columnId), 'column.updated'];
    }, again(request, reply, columnId, 'update'), opts);
  });

  fastify.post<ColumnPost>('/sites/:id/columns/:columnId/move', post, async (request, reply) => {
    const { id, columnId } = request.params;
    return attempt(request, reply, async () => {
      await moveColumn(await serviceContext(fastify, request), id, columnId, { parentId: idOrNull(request.body, 'parentId') });
      return [back(id, columnId), 'column.moved'];
    }, again(request, reply, columnId, 'move'), opts);
  });

  fastify.post<ColumnPost>('/sites/:id/columns/:columnId/reorder', post, async (request, reply) => {
    const { id, columnId } = request.params;
    return attempt(request, reply, async () => {
      const direction = text(request.body, 'direction');
      if (direction !== 'up' && direction !== 'down') throw invalid('direction', 'must be up or down');
      const ctx = await serviceContext(fastify, request);
      const columns = await inScope(fastify.db, ctx.scope, (trx) => columnRepository.findAll(trx, id));
      const column = columns.find((c) => c.id === columnId);
      if (!column) throw new ColumnNotFoundError(columnId, id);
      const ids = siblingsOf(columns, column.parent_id).map((c) => c.id);
      const i = ids.indexOf(columnId);
      const j = direction === 'up' ? i - 1 : i + 1;
      if (j >= 0 && j < ids.length) {
        [ids[i], ids[j]] = [ids[j]!, ids[i]!];
        await reorderColumns(ctx, id, column.parent_id, ids);
      }
      return [`/sites/${id}/columns#col-${columnId}`, 'column.reordered'];
    }, again(request, reply, null, 'tree'), opts);
  });

  fastify.post<ColumnPost>('/sites/:id/columns/:columnId/merge', post, async (request, reply) => {
    const { id, columnId } = request.params;
    return attempt(request, reply, async () => {
      await mergeColumn(await serviceContext(fastify, request), id, columnId, requiredId(request.body, 'targetId'));
      return [back(id), 'column.merged'];
    }, again(request, reply, columnId, 'merge'), { ns: 'column', fields: { ZQ_TENANCY_COLUMN_NOT_FOUND: 'targetId' } });
  });

  fastify.post<ColumnPost>('/sites/:id/columns/:columnId/close', post, async (request, reply) => {
    const { id, columnId } = request.params;
    return attempt(request, reply, async () => {
      if (!checked(request.body, 'confirm')) throw invalid('confirm', 'must be ticked to close the column');
      await closeColumn(await serviceContext(fastify, request), id, columnId);
      return [back(id), 'column.closed'];
    }, again(request, reply, columnId, 'close'), { ns: 'column' });
  });
}
