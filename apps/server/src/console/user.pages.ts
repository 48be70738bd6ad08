import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { invalid } from '@zhanqun/core/errors';
import type { GrantScopeKind, Role } from '@zhanqun/db/database';
import { inScope } from '@zhanqun/db/scope';
import { grantRole, listGrants, revokeGrant, type GrantInput } from '@zhanqun/identity/grant.service';
import { NotAllowedError } from '@zhanqun/identity/identity.errors';
import { isPlatformAdmin } from '@zhanqun/identity/policy';
import { createUser, disableUser, listUsers, listUsersGrantedBy, manageableUser, resetPassword } from '@zhanqun/identity/user.service';
import * as columnRepository from '@zhanqun/tenancy/column.repository';
import { listOrgUnits } from '@zhanqun/tenancy/org-unit.service';
import { t } from '../i18n/i18n.js';
import { requestContext } from '../plugins/session.js';
import { columnTree } from './column.pages.js';
import { attempt, pageFrame, renderPage } from './console-context.js';
import { sitesWith } from './console-scope.js';
import { lastDay, throughDay } from './console-date.js';
import {
  checked, formState, idOrNull, isUuid, options, requiredId, text, values, type FormBody, type FormState, type Refusal, type RefusalOptions,
} from './console-form.js';
import { IdParams, unitOption } from './org-unit.pages.js';
import {
  accountView, checkFirstGrant, grantableRoles, grantNames, grantView, managesWholly, offeredScopeKinds, SCOPE_KINDS,
} from './user-view.js';

const MANAGE = { permission: 'user.manage' } as const;
const GrantParams = {
  type: 'object', required: ['id', 'grantId'],
  properties: { id: { type: 'string', format: 'uuid' }, grantId: { type: 'string', format: 'uuid' } },
} as const;
const OPTS: RefusalOptions = { ns: 'user', fields: { ZQ_IDENTITY_USERNAME_TAKEN: 'username', ZQ_IDENTITY_GRANT_NOT_FOUND: 'grantId' } };

type FormKey = 'grant' | 'grants' | 'password' | 'disable';
type Forms = Partial<Record<FormKey, FormState>>;

/** Every value of a repeated form field (checkboxes). */
function list(body: FormBody, name: string): string[] {
  const v = body?.[name];
  return (Array.isArray(v) ? v : v ? [v] : []).map((x) => x.trim()).filter(Boolean);
}

/** A form's values to show again: never a password. */
const kept = (body: FormBody) => Object.fromEntries(Object.entries(values(body)).filter(([k]) => !/password/i.test(k)));

/** 用户管理: accounts within the requester's reach, a user's grants, and granting, revoking, disabling, resetting. */
export default async function userPages(fastify: FastifyInstance) {
  const { db, clock } = fastify;

  async function showList(request: FastifyRequest, reply: FastifyReply, create?: FormState, code = 200) {
    const frame = pageFrame(request, reply, 'users');
    const { locale } = frame;
    const p = request.principal!;
    const now = clock.now();
    const admin = isPlatformAdmin(p, now);
    const ctx = await requestContext(request);
    const { users, grants, sites } = await inScope(db, ctx.scope, async (trx) => {
      const users = admin ? await listUsers(trx, p.platformId) : await listUsersGrantedBy(trx, p.platformId, p.userId);
      const grants = users.length ? await trx.selectFrom('role_grant').select(['user_id', 'role', 'expires_at'])
        .where('user_id', 'in', users.map((u) => u.id)).where('revoked_at', 'is', null).execute() : [];
      return { users, grants, sites: await sitesWith(trx, p, 'user.manage', now) };
    });
    const form = create ?? formState({ role: admin ? '' : 'editor' });
    const roles = grantableRoles(p, now).filter((r) => r !== 'platform_admin').map((r) => [r, t(locale, `role.${r}`)] as const);
    return renderPage(reply, 'users', frame, t(locale, 'users.title'), {
      admin, count: users.length, form,
      rows: users.map((u) => ({
        ...accountView(u, now),
        roles: [...new Set(grants.filter((g) => g.user_id === u.id && (!g.expires_at || g.expires_at > now)).map((g) => t(locale, `role.${g.role}`)))].join('、'),
      })),
      roles: options([...(admin ? [['', t(locale, 'users.no_first_grant')] as const] : []), ...roles], form.values.role),
      sites: options([['', t(locale, 'users.choose_site')], ...sites.map((s) => [s.id, `${s.name}（${s.code}）`] as const)], form.values.siteId),
      outsourced: form.values.outsourced === '1',
    }, code);
  }

  async function showUser(request: FastifyRequest, reply: FastifyReply, userId: string, forms: Forms = {}, code = 200) {
    const frame = pageFrame(request, reply, 'users');
    const { locale } = frame;
    const p = request.principal!;
    const now = clock.now();
    const ctx = await requestContext(request);
    const user = await manageableUser(ctx, p, userId);
    const [grants, wholly] = await Promise.all([listGrants(ctx, userId), managesWholly(ctx, p, userId)]);
    const form = forms.grant ?? formState({ scopeKind: 'site' });
    const query = request.query as { columnsOf?: string };
    const columnsOf = isUuid(query.columnsOf) ? query.columnsOf : form.values.columnSiteId;
    const kinds = offeredScopeKinds(p, now);
    const data = await inScope(db, ctx.scope, async (trx) => {
      // Only where the requester may grant: the scope also shows sites its other roles reach.
      const sites = await sitesWith(trx, p, 'user.manage', now);
      const columnSite = sites.find((s) => s.id === columnsOf);
      return {
        sites, columnSite, names: await grantNames(trx, grants),
        units: kinds.includes('org_unit') ? await listOrgUnits(trx, p.platformId) : [],
        columns: columnSite ? columnTree(await columnRepository.findAll(trx, columnSite.id)) : [],
      };
    });
    const ticked = new Set(forms.grant ? list(request.body as FormBody, 'columnIds') : []);
    const siteOptions = (selected: string | undefined) =>
      options([['', t(locale, 'users.choose_site')], ...data.sites.map((s) => [s.id, `${s.name}（${s.code}）`] as const)], selected);
    const refused = Object.values(forms).find((f) => f.error)?.error ?? null;
    return renderPage(reply, 'user', frame, user.username, {
      account: accountView(user, now), self: user.id === p.userId, wholly, refused,
      grants: grants.map((g) => grantView(locale, g, data.names, p, now)),
      grant: form, grantsRefused: forms.grants?.error ?? null,
      roles: options([['', t(locale, 'users.choose_role')], ...grantableRoles(p, now, user.is_outsourced).map((r) => [r, t(locale, `role.${r}`)] as const)], form.values.role),
      scopeKinds: kinds.map((k) => ({ value: k, label: t(locale, `grant.scope.${k}`), checked: k === (columnsOf && !forms.grant ? 'columns' : form.values.scopeKind) })),
      units: options([['', t(locale, 'users.choose_unit')], ...data.units.map((u) => unitOption(locale, u))], form.values.orgUnitId),
      sites: siteOptions(form.values.siteId), columnSites: siteOptions(columnsOf),
      columnSite: data.columnSite && { id: data.columnSite.id, name: data.columnSite.name },
      columns: data.columns.map(({ column, depth }) => ({ id: column.id, name: column.name, path: column.path, depth: Math.min(depth, 8), checked: ticked.has(column.id) })),
      contractEnd: user.is_outsourced && user.contract_end ? lastDay(user.contract_end) : '',
      password: forms.password ?? formState(), disable: forms.disable ?? formState(),
    }, code);
  }

  const again = (request: FastifyRequest, reply: FastifyReply, userId: string, form: FormKey) =>
    (refusal: Refusal) => showUser(request, reply, userId, { [form]: formState(kept(request.body as FormBody), refusal) }, refusal.status);
  type UserPost = { Params: { id: string }; Body: FormBody };
  const post = { config: MANAGE, preHandler: fastify.csrfProtection, schema: { params: IdParams } };

  fastify.get('/users', { config: MANAGE }, async (request, reply) => showList(request, reply));

  // An account and, in the same form, its first grant on a site (required unless the requester holds the platform).
  fastify.post<{ Body: FormBody }>('/users', { config: MANAGE, preHandler: fastify.csrfProtection }, async (request, reply) => {
    const body = request.body;
    return attempt(request, reply, async () => {
      const ctx = await requestContext(request);
      const p = request.principal!;
      const now = clock.now();
      const outsourced = checked(body, 'outsourced');
      const contractEnd = outsourced ? throughDay(body, 'contractEnd') : null;
      if (outsourced && !contractEnd) throw invalid('contractEnd', 'must not be empty');
      if (contractEnd && contractEnd <= now) throw invalid('contractEnd', 'must be in the future');
      const role = text(body, 'role');
      const first = role || !isPlatformAdmin(p, now) ? { role, siteId: idOrNull(body, 'siteId'), expiresAt: throughDay(body, 'expiresAt'), outsourced } : null;
      if (first) await checkFirstGrant(ctx, p, first);
      const password = typeof body?.password === 'string' ? body.password : '';
      const user = await createUser(ctx, p, {
        username: text(body, 'username'), displayName: text(body, 'displayName'), password,
        outsourced: outsourced ? { contractRef: text(body, 'contractRef'), contractEnd: contractEnd! } : null,
      });
      if (first) await grantRole(ctx, p, { userId: user.id, role: first.role as Role, scopeKind: 'site', siteId: first.siteId, expiresAt: first.expiresAt });
      return [`/users/${user.id}`, 'user.created'];
    }, (refusal) => showList(request, reply, formState(kept(body), refusal), refusal.status), OPTS);
  });

  fastify.get<{ Params: { id: string }; Querystring: { columnsOf?: string } }>('/users/:id', { config: MANAGE, schema: { params: IdParams } }, async (request, reply) =>
    showUser(request, reply, request.params.id));

  fastify.post<UserPost>('/users/:id/grants', post, async (request, reply) => {
    const { id } = request.params;
    const body = request.body;
    return attempt(request, reply, async () => {
      const ctx = await requestContext(request);
      // Only accounts already in reach: granting must not be a way to take hold of anyone's account.
      const user = await manageableUser(ctx, request.principal!, id);
      // The policy strips platform.manage from outsourced accounts, but isPlatformAdmin() does not
      // look at that: a platform_admin grant would make one a full platform admin (see the report).
      if (user.is_outsourced && text(body, 'role') === 'platform_admin') throw invalid('role', 'an outsourced operator may not hold platform_admin');
      const scopeKind = text(body, 'scopeKind') as GrantScopeKind;
      if (!SCOPE_KINDS.includes(scopeKind)) throw invalid('scopeKind', `must be one of ${SCOPE_KINDS.join(', ')}`);
      const input: GrantInput = { userId: id, role: text(body, 'role') as Role, scopeKind, expiresAt: throughDay(body, 'expiresAt') };
      if (scopeKind === 'org_unit') input.orgUnitId = requiredId(body, 'orgUnitId');
      if (scopeKind === 'site') input.siteId = requiredId(body, 'siteId');
      if (scopeKind === 'columns') {
        input.siteId = requiredId(body, 'columnSiteId');
        input.columnIds = list(body, 'columnIds');
        if (!input.columnIds.length) throw invalid('columnIds', 'must not be empty');
        if (!input.columnIds.every(isUuid)) throw invalid('columnIds', 'must be a valid id');
      }
      await grantRole(ctx, request.principal!, input);
      return [`/users/${id}#grants`, 'grant.created'];
    }, again(request, reply, id, 'grant'), OPTS);
  });

  fastify.post<{ Params: { id: string; grantId: string }; Body: FormBody }>('/users/:id/grants/:grantId/revoke', { ...post, schema: { params: GrantParams } }, async (request, reply) => {
    const { id, grantId } = request.params;
    return attempt(request, reply, async () => {
      await revokeGrant(await requestContext(request), request.principal!, grantId);
      return [`/users/${id}#grants`, 'grant.revoked'];
    }, again(request, reply, id, 'grants'), OPTS);
  });

  /** Disabling and resetting reach a whole account: only for accounts whose every grant is within the requester's. */
  async function wholly(request: FastifyRequest, id: string) {
    const ctx = await requestContext(request);
    await manageableUser(ctx, request.principal!, id);
    if (!(await managesWholly(ctx, request.principal!, id))) throw new NotAllowedError('managing an account that holds grants beyond yours');
    return ctx;
  }

  fastify.post<UserPost>('/users/:id/disable', post, async (request, reply) => {
    const { id } = request.params;
    return attempt(request, reply, async () => {
      if (!checked(request.body, 'confirm')) throw invalid('confirm', 'must be ticked to disable the account');
      await disableUser(await wholly(request, id), request.principal!, id);
      return [`/users/${id}`, 'user.disabled'];
    }, again(request, reply, id, 'disable'), OPTS);
  });

  fastify.post<UserPost>('/users/:id/password', post, async (request, reply) => {
    const { id } = request.params;
    return attempt(request, reply, async () => {
      const password = typeof request.body?.password === 'string' ? request.body.password : '';
      await resetPassword(await wholly(request, id), request.principal!, id, password);
      return [`/users/${id}#password`, 'user.password_reset'];
    }, again(request, reply, id, 'password'), OPTS);
  });
}
