import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { OrgUnitLevel, OrgUnitRow } from '@zhanqun/db/database';
import { inScope } from '@zhanqun/db/scope';
import {
  createOrgUnit, findNameHistory, listOrgUnits, moveOrgUnit, renameOrgUnit, setOversightUnit,
} from '@zhanqun/tenancy/org-unit.service';
import { t, type Locale } from '../i18n/i18n.js';
import { ADMIN, adminScope, attempt, pageFrame, renderPage, serviceContext } from './console-context.js';
import {
  formState, idOrNull, isUuid, optional, options, requiredId, text, values, type FormBody, type FormState, type Refusal,
} from './console-form.js';

export const ORG_LEVELS: readonly OrgUnitLevel[] = ['province', 'city', 'county', 'township', 'department'];
export const IdParams = { type: 'object', properties: { id: { type: 'string', format: 'uuid' } }, required: ['id'] } as const;

type FormKey = 'create' | 'rename' | 'move' | 'oversight';
type Forms = Partial<Record<FormKey, FormState>>;

/** Depth in the tree from the materialised path (`/<root>/` is 0). */
export const depthOf = (path: string) => path.split('/').filter(Boolean).length - 1;

/** A unit as a select option: indented by depth, with its level. */
export function unitOption(locale: Locale, u: Pick<OrgUnitRow, 'id' | 'name' | 'path' | 'level'>): [string, string] {
  return [u.id, `${'\u3000'.repeat(Math.min(depthOf(u.path), 8))}${u.name}（${t(locale, `org.level.${u.level}`)}）`];
}

/** 组织机构: the province tree, and forms to add, rename and move units and set their oversight. */
export default async function orgUnitPages(fastify: FastifyInstance) {
  async function show(request: FastifyRequest, reply: FastifyReply, selectedId: string | null, forms: Forms = {}, code = 200) {
    const frame = pageFrame(request, reply, 'org');
    const { locale } = frame;
    const scope = await adminScope(fastify, request);
    const [units, history] = await inScope(fastify.db, scope, async (trx) => [
      await listOrgUnits(trx, frame.user.platform_id),
      selectedId ? await findNameHistory(trx, selectedId) : [],
    ] as const);
    const byId = new Map(units.map((u) => [u.id, u]));
    const selected = selectedId ? byId.get(selectedId) : undefined;
    const rows = units.map((u) => ({
      id: u.id, name: u.name, shortName: u.short_name, divisionCode: u.division_code, depth: Math.min(depthOf(u.path), 8),
      levelLabel: t(locale, `org.level.${u.level}`), oversight: u.oversight_unit_id ? (byId.get(u.oversight_unit_id)?.name ?? '') : '',
      selected: u.id === selected?.id,
    }));
    const all = units.map((u) => unitOption(locale, u));
    const outside = selected ? units.filter((u) => !u.path.startsWith(selected.path)) : [];
    const create = forms.create ?? formState({ parentId: selected?.id ?? units[0]?.id ?? '', level: 'department' });
    const move = forms.move ?? formState({ parentId: selected?.parent_id ?? '' });
    const oversight = forms.oversight ?? formState({ oversightUnitId: selected?.oversight_unit_id ?? '' });
    const refused = Object.values(forms).find((f) => f.error)?.error ?? null;
    return renderPage(reply, 'org-units', frame, t(locale, 'org.title'), {
      rows, count: units.length, refused,
      create, createParents: options(units.length ? all : [['', t(locale, 'org.no_parent')]], create.values.parentId),
      levels: options(ORG_LEVELS.map((l) => [l, t(locale, `org.level.${l}`)]), create.values.level),
      selected: selected && {
        id: selected.id, name: selected.name, levelLabel: t(locale, `org.level.${selected.level}`), validFrom: selected.valid_from,
        history: history.map((h) => ({ name: h.name, from: h.valid_from, to: h.valid_to })),
        rename: forms.rename ?? formState({ name: selected.name }),
        move, moveParents: options(outside.map((u) => unitOption(locale, u)), move.values.parentId),
        oversight, overseers: options([['', t(locale, 'org.no_oversight')], ...outside.filter((u) => u.level === 'department').map((u) => unitOption(locale, u))], oversight.values.oversightUnitId),
      },
    }, code);
  }

  fastify.get<{ Querystring: { unit?: string } }>('/org-units', { config: ADMIN }, async (request, reply) =>
    show(request, reply, isUuid(request.query.unit) ? request.query.unit : null));

  const again = (request: FastifyRequest, reply: FastifyReply, selectedId: string | null, form: FormKey) =>
    (refusal: Refusal) => show(request, reply, selectedId, { [form]: formState(values(request.body as FormBody), refusal) }, refusal.status);

  fastify.post<{ Body: FormBody }>('/org-units', { config: ADMIN, preHandler: fastify.csrfProtection }, async (request, reply) => {
    const body = request.body;
    return attempt(request, reply, async () => {
      const unit = await createOrgUnit(await serviceContext(fastify, request), {
        platformId: request.user!.platform_id, parentId: idOrNull(body, 'parentId'), level: text(body, 'level') as OrgUnitLevel,
        name: text(body, 'name'), shortName: optional(body, 'shortName'), divisionCode: optional(body, 'divisionCode'),
      });
      return [`/org-units?unit=${unit.id}#unit-${unit.id}`, 'org.created'];
    }, again(request, reply, null, 'create'), { ns: 'org', fields: { ZQ_TENANCY_ORG_UNIT_NOT_FOUND: 'parentId' } });
  });

  fastify.post<{ Params: { id: string }; Body: FormBody }>('/org-units/:id/rename', {
    config: ADMIN, preHandler: fastify.csrfProtection, schema: { params: IdParams },
  }, async (request, reply) => {
    const { id } = request.params;
    return attempt(request, reply, async () => {
      await renameOrgUnit(await serviceContext(fastify, request), id, text(request.body, 'name'));
      return [`/org-units?unit=${id}#unit-${id}`, 'org.renamed'];
    }, again(request, reply, id, 'rename'), { ns: 'org' });
  });

  fastify.post<{ Params: { id: string }; Body: FormBody }>('/org-units/:id/move', {
    config: ADMIN, preHandler: fastify.csrfProtection, schema: { params: IdParams },
  }, async (request, reply) => {
    const { id } = request.params;
    return attempt(request, reply, async () => {
      await moveOrgUnit(await serviceContext(fastify, request), id, requiredId(request.body, 'parentId'));
      return [`/org-units?unit=${id}#unit-${id}`, 'org.moved'];
    }, again(request, reply, id, 'move'), { ns: 'org', fields: { ZQ_TENANCY_ORG_UNIT_NOT_FOUND: 'parentId' } });
  });

  fastify.post<{ Params: { id: string }; Body: FormBody }>('/org-units/:id/oversight', {
    config: ADMIN, preHandler: fastify.csrfProtection, schema: { params: IdParams },
  }, async (request, reply) => {
    const { id } = request.params;
    return attempt(request, reply, async () => {
      await setOversightUnit(await serviceContext(fastify, request), id, idOrNull(request.body, 'oversightUnitId'));
      return [`/org-units?unit=${id}#unit-${id}`, 'org.oversight_set'];
    }, again(request, reply, id, 'oversight'), { ns: 'org', fields: { ZQ_TENANCY_ORG_UNIT_NOT_FOUND: 'oversightUnitId' } });
  });
}
