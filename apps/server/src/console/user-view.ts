import type { ServiceContext } from '@zhanqun/audit/context';
import { invalid } from '@zhanqun/core/errors';
import type { AppUserRow, GrantScopeKind, Role, RoleGrantRow } from '@zhanqun/db/database';
import { inScope, type Tx } from '@zhanqun/db/scope';
import { NotAllowedError } from '@zhanqun/identity/identity.errors';
import {
  can, isPlatformAdmin, liveGrants, permissionsOf, ROLES, ROLE_PERMISSIONS, usefulForOutsourced, type Principal, type Target,
} from '@zhanqun/identity/policy';
import { loadPrincipal } from '@zhanqun/identity/principal';
import { managesWholly, siteTarget } from '@zhanqun/identity/user-access';
import { t, type Locale } from '../i18n/i18n.js';
import { lastDay, shown, shownUntil } from './console-date.js';

export const SCOPE_KINDS: readonly GrantScopeKind[] = ['platform', 'org_unit', 'site', 'columns'];

/** The roles a principal may hand out now: those whose permissions it holds itself (the service checks again). */
export function grantableRoles(p: Principal, now: Date, forOutsourced = false): Role[] {
  const mine = new Set(liveGrants(p, now).flatMap((g) => permissionsOf(p, g)));
  return ROLES.filter((r) => (r !== 'platform_admin' || (isPlatformAdmin(p, now) && !forOutsourced))
    && ROLE_PERMISSIONS[r].every((x) => mine.has(x)) && (!forOutsourced || usefulForOutsourced(r)));
}

/** The scope kinds worth offering: a platform only to platform admins, org units to those managing one. */
export function offeredScopeKinds(p: Principal, now: Date): GrantScopeKind[] {
  const admin = isPlatformAdmin(p, now);
  const unitManager = liveGrants(p, now).some((g) => g.scopeKind === 'org_unit' && permissionsOf(p, g).includes('user.manage'));
  return SCOPE_KINDS.filter((k) => k === 'site' || k === 'columns' || (k === 'platform' && admin) || (k === 'org_unit' && (admin || unitManager)));
}

/** A site as a grant target (its parent and org-unit path), read under the caller's scope. */
export interface FirstGrant { role: string; siteId: string | null; expiresAt: Date | null; outsourced: boolean }

/**
 * A new account's first grant, checked before the account is created: createUser and grantRole
 * are two transactions, and an account its creator could not grant to would be out of its
 * reach (a principal without the whole platform manages only the accounts it granted to).
 */
export async function checkFirstGrant(ctx: ServiceContext, p: Principal, grant: FirstGrant): Promise<void> {
  const now = ctx.clock.now();
  if (grant.outsourced && ROLES.some((r) => r === grant.role) && !usefulForOutsourced(grant.role as Role)) {
    throw invalid('role', `an outsourced operator may not hold ${grant.role}`);
  }
  if (!grantableRoles(p, now).some((r) => r === grant.role && r !== 'platform_admin')) throw invalid('role', `must be one of ${grantableRoles(p, now).join(', ')}`);
  if (!grant.siteId) throw invalid('siteId', 'must not be empty');
  if (grant.expiresAt && grant.expiresAt <= now) throw invalid('expiresAt', 'must be in the future');
  const target = await inScope(ctx.db, ctx.scope, (trx) => siteTarget(trx, p.platformId, grant.siteId!));
  if (!target) throw invalid('siteId', 'must name a site in your scope');
  if (!can(p, 'user.manage', target, now)) throw new NotAllowedError('user.manage over this scope');
}

/** Names of what grants point at, read under the caller's scope (what it cannot see stays an id). */
export async function grantNames(trx: Tx, grants: readonly Pick<RoleGrantRow, 'site_id' | 'org_unit_id' | 'column_ids' | 'granted_by'>[]) {
  const ids = (pick: (g: (typeof grants)[number]) => (string | null)[]) => [...new Set(grants.flatMap(pick).filter((x): x is string => x !== null))];
  const [sites, units, columns, users] = await Promise.all([
    ids((g) => [g.site_id]).length ? trx.selectFrom('site').select(['id', 'name']).where('id', 'in', ids((g) => [g.site_id])).execute() : [],
    ids((g) => [g.org_unit_id]).length ? trx.selectFrom('org_unit').select(['id', 'name']).where('id', 'in', ids((g) => [g.org_unit_id])).execute() : [],
    ids((g) => g.column_ids).length ? trx.selectFrom('site_column').select(['id', 'name']).where('id', 'in', ids((g) => g.column_ids)).execute() : [],
    ids((g) => [g.granted_by]).length ? trx.selectFrom('app_user').select(['id', 'username as name']).where('id', 'in', ids((g) => [g.granted_by])).execute() : [],
  ]);
  const map = (rows: { id: string; name: string }[]) => new Map(rows.map((r) => [r.id, r.name]));
  return { sites: map(sites), units: map(units), columns: map(columns), users: map(users) };
}

export type GrantNames = Awaited<ReturnType<typeof grantNames>>;

/** A grant as the user page lists it: role, scope in words, expiry (已过期 once past), who gave it. */
export function grantView(locale: Locale, g: RoleGrantRow, names: GrantNames, p: Principal, now: Date) {
  const site = g.site_id ? (names.sites.get(g.site_id) ?? g.site_id) : '';
  const scope = g.scope_kind === 'platform' ? t(locale, 'grant.scope_text.platform')
    : g.scope_kind === 'org_unit' ? t(locale, 'grant.scope_text.org_unit', { name: names.units.get(g.org_unit_id ?? '') ?? g.org_unit_id ?? '' })
      : g.scope_kind === 'site' ? t(locale, 'grant.scope_text.site', { name: site })
        : t(locale, 'grant.scope_text.columns', { name: site, columns: g.column_ids.map((c) => names.columns.get(c) ?? c).join('、') });
  const expired = g.expires_at !== null && g.expires_at <= now;
  return {
    id: g.id, role: g.role, roleLabel: t(locale, `role.${g.role}`), scope, expired, expires: shownUntil(g.expires_at),
    grantedBy: g.granted_by ? (names.users.get(g.granted_by) ?? '') : '', created: shown(g.created_at),
    revocable: isPlatformAdmin(p, now) || g.granted_by === p.userId,
  };
}

type AccountRow = Pick<AppUserRow, 'id' | 'username' | 'display_name' | 'disabled_at' | 'is_outsourced' | 'contract_ref' | 'contract_end' | 'totp_enabled_at' | 'locked_until' | 'created_at'>;

/** An account's badges: disabled, locked, outsourced (外包) with its contract and whether it has ended. */
export function accountView(a: AccountRow, now: Date) {
  return {
    id: a.id, username: a.username, displayName: a.display_name, created: shown(a.created_at),
    disabled: a.disabled_at !== null, disabledAt: shown(a.disabled_at), locked: a.locked_until !== null && a.locked_until > now,
    outsourced: a.is_outsourced, contractRef: a.contract_ref ?? '', contractEnd: a.contract_end ? lastDay(a.contract_end) : '',
    contractEnded: a.is_outsourced && (!a.contract_end || a.contract_end <= now), totp: a.totp_enabled_at !== null,
  };
}

export { managesWholly };
