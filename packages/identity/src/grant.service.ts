import { invalid } from '@zhanqun/core/errors';
import { newId } from '@zhanqun/core/id';
import { writeAudit } from '@zhanqun/audit/audit.writer';
import type { ServiceContext } from '@zhanqun/audit/context';
import type { GrantScopeKind, Role, RoleGrantRow } from '@zhanqun/db/database';
import { inScope } from '@zhanqun/db/scope';
import { GrantNotFoundError, NotAllowedError, UserNotFoundError } from './identity.errors.js';
import { can, isPlatformAdmin, ROLES, ROLE_PERMISSIONS, usefulForOutsourced, type Principal, type Target } from './policy.js';
import { findUserById } from './user.service.js';

export interface GrantInput {
  userId: string;
  role: Role;
  scopeKind: GrantScopeKind;
  orgUnitId?: string | null;
  siteId?: string | null;
  columnIds?: string[];
  expiresAt?: Date | null;
}

const GRANT_COLUMNS = ['id', 'platform_id', 'user_id', 'role', 'scope_kind', 'org_unit_id', 'site_id', 'column_ids', 'expires_at', 'granted_by', 'created_at', 'revoked_at'] as const;

/**
 * Grant a role over a scope. The granter needs `user.manage` over that scope and may not hand
 * out more than it holds there; an outsourced operator's grant ends by its contract end and
 * never carries what the policy strips from outsourced accounts.
 */
export async function grantRole(ctx: ServiceContext, principal: Principal, input: GrantInput): Promise<RoleGrantRow> {
  if (!ROLES.includes(input.role)) throw invalid('role', `must be one of ${ROLES.join(', ')}`);
  const now = ctx.clock.now();
  if (input.expiresAt && input.expiresAt <= now) throw invalid('expiresAt', 'must be in the future');
  if (input.role === 'platform_admin' && input.scopeKind !== 'platform') throw invalid('scopeKind', 'a platform admin holds a whole platform');
  return inScope(ctx.db, ctx.scope, async (trx) => {
    const user = await findUserById(trx, input.userId);
    if (!user || user.platform_id !== principal.platformId) throw new UserNotFoundError(input.userId);
    const target: Target = { platformId: principal.platformId };
    let orgUnitId: string | null = null;
    let siteId: string | null = null;
    let columnIds: string[] = [];
    if (input.scopeKind === 'org_unit') {
      const unit = input.orgUnitId ? await trx.selectFrom('org_unit').select(['id', 'path']).where('id', '=', input.orgUnitId).executeTakeFirst() : undefined;
      if (!unit) throw invalid('orgUnitId', 'must name an org unit in your scope');
      orgUnitId = unit.id;
      target.orgUnitPath = unit.path;
    } else if (input.scopeKind === 'site' || input.scopeKind === 'columns') {
      const site = input.siteId ? await trx.selectFrom('site as s').innerJoin('org_unit as u', 'u.id', 's.org_unit_id')
        .select(['s.id', 's.parent_site_id', 'u.path']).where('s.id', '=', input.siteId).executeTakeFirst() : undefined;
      if (!site) throw invalid('siteId', 'must name a site in your scope');
      siteId = site.id;
      Object.assign(target, { siteId: site.id, parentSiteId: site.parent_site_id, orgUnitPath: site.path });
      if (input.scopeKind === 'columns') {
        columnIds = [...new Set(input.columnIds ?? [])];
        if (!columnIds.length) throw invalid('columnIds', 'name at least one column');
        const found = await trx.selectFrom('site_column').select('id').where('site_id', '=', site.id).where('id', 'in', columnIds).where('deleted_at', 'is', null).execute();
        if (found.length !== columnIds.length) throw invalid('columnIds', 'every column must be an open column of the site');
      }
    } else if (input.scopeKind !== 'platform') {
      throw invalid('scopeKind', 'must be platform, org_unit, site or columns');
    }
    if (!can(principal, 'user.manage', target, now)) {
      throw new NotAllowedError('user.manage over this scope');
    }
    if (input.role === 'platform_admin' && !isPlatformAdmin(principal, now)) throw new NotAllowedError('only a platform admin grants platform admin');
    // Nobody hands out more than it holds itself over that very scope, now.
    if (!isPlatformAdmin(principal, now) && !ROLE_PERMISSIONS[input.role].every((perm) => can(principal, perm, target, now))) {
      throw new NotAllowedError(`granting ${input.role}, which holds more than you do there`);
    }
    let expiresAt = input.expiresAt ?? null;
    if (user.is_outsourced) {
      if (!usefulForOutsourced(input.role)) throw invalid('role', `an outsourced operator may not hold ${input.role}: its publish, review and grant powers are stripped`);
      if (!user.contract_end || user.contract_end <= now) throw invalid('userId', 'the operator\'s contract has ended');
      if (!expiresAt || expiresAt > user.contract_end) expiresAt = user.contract_end;
    }
    const row = await trx.insertInto('role_grant').values({
      id: newId(), platform_id: principal.platformId, user_id: user.id, role: input.role, scope_kind: input.scopeKind,
      org_unit_id: orgUnitId, site_id: siteId, column_ids: columnIds, expires_at: expiresAt, granted_by: principal.userId, revoked_at: null,
    }).returning(GRANT_COLUMNS).executeTakeFirstOrThrow();
    await writeAudit(trx, ctx.clock, ctx.actor, {
      platformId: principal.platformId, siteId, action: 'grant.create', objectType: 'role_grant', objectId: row.id,
      after: { user: user.username, role: input.role, scopeKind: input.scopeKind, orgUnitId, siteId, columnIds, expiresAt },
    });
    return row;
  });
}

/** Revoke a grant (kept, marked revoked, for the record). */
export async function revokeGrant(ctx: ServiceContext, principal: Principal, grantId: string): Promise<void> {
  await inScope(ctx.db, ctx.scope, async (trx) => {
    const g = await trx.selectFrom('role_grant').select(GRANT_COLUMNS).where('id', '=', grantId).where('revoked_at', 'is', null).executeTakeFirst();
    if (!g || g.platform_id !== principal.platformId) throw new GrantNotFoundError(grantId);
    const now = ctx.clock.now();
    if (!isPlatformAdmin(principal, now) && g.granted_by !== principal.userId) throw new NotAllowedError('revoking a grant you did not give');
    await trx.updateTable('role_grant').set({ revoked_at: now }).where('id', '=', grantId).execute();
    await writeAudit(trx, ctx.clock, ctx.actor, { platformId: g.platform_id, siteId: g.site_id, action: 'grant.revoke', objectType: 'role_grant', objectId: grantId, before: { role: g.role, userId: g.user_id } });
  });
}

/** The live grants of a user, as the console lists them. */
export function listGrants(ctx: ServiceContext, userId: string) {
  return inScope(ctx.db, ctx.scope, (trx) => trx.selectFrom('role_grant').select(GRANT_COLUMNS)
    .where('user_id', '=', userId).where('revoked_at', 'is', null).orderBy('created_at').execute());
}
