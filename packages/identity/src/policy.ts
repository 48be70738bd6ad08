/**
 * The one module that decides who may do what (谁发布谁负责). Pure: it gets the principal, the
 * time and the target, and answers. Routes declare a permission; services ask `can()` with the
 * object they are about to touch; row-level security holds the line underneath.
 */
import type { GrantScopeKind, Role } from '@zhanqun/db/database';

export type Permission =
  | 'platform.manage' // org tree, sites, domains, templates, city platforms
  | 'site.manage' // a site's columns, domains and settings
  | 'user.manage' // accounts and grants within one's own scope
  | 'content.read'
  | 'content.edit'
  | 'content.review'
  | 'content.secrecy_review'
  | 'content.publish'
  | 'submission.submit'
  | 'audit.read';

export const ROLES: readonly Role[] = ['platform_admin', 'site_admin', 'editor', 'reviewer', 'secrecy_reviewer', 'liaison', 'auditor'];

const ALL: readonly Permission[] = ['platform.manage', 'site.manage', 'user.manage', 'content.read', 'content.edit', 'content.review',
  'content.secrecy_review', 'content.publish', 'submission.submit', 'audit.read'];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  platform_admin: ALL,
  site_admin: ['site.manage', 'user.manage', 'content.read', 'content.edit', 'content.review', 'content.publish', 'audit.read'],
  editor: ['content.read', 'content.edit'],
  reviewer: ['content.read', 'content.review', 'content.publish'],
  secrecy_reviewer: ['content.read', 'content.secrecy_review'],
  liaison: ['content.read', 'content.edit', 'submission.submit'],
  auditor: ['content.read', 'audit.read'],
};

/** What an outsourced operator (外包) never does, whatever role it holds (seed §3.4). */
export const OUTSOURCED_FORBIDDEN: ReadonlySet<Permission> = new Set(['content.publish', 'content.review', 'content.secrecy_review', 'user.manage', 'platform.manage']);

export interface GrantView {
  id: string;
  role: Role;
  platformId: string;
  scopeKind: GrantScopeKind;
  /** Materialised path of the org unit, for org-unit grants. */
  orgUnitPath: string | null;
  siteId: string | null;
  columnIds: readonly string[];
  expiresAt: Date | null;
}

export interface Principal {
  userId: string;
  username: string;
  platformId: string;
  isOutsourced: boolean;
  contractEnd: Date | null;
  disabled: boolean;
  grants: readonly GrantView[];
}

/** The object an action touches; the more is known, the narrower grants can match. */
export interface Target {
  platformId?: string;
  /** The org-unit path of the site (or unit) touched. */
  orgUnitPath?: string;
  siteId?: string;
  /** The parent of a sub-site: a grant on the parent covers its sub-sites. */
  parentSiteId?: string | null;
  columnId?: string;
}

/** Grants in force now: not expired, and for an outsourced operator not past its contract. */
export function liveGrants(p: Principal, now: Date): GrantView[] {
  if (p.disabled) return [];
  if (p.isOutsourced && (!p.contractEnd || p.contractEnd <= now)) return [];
  return p.grants.filter((g) => !g.expiresAt || g.expiresAt > now);
}

export function permissionsOf(p: Principal, grant: GrantView): readonly Permission[] {
  const perms = ROLE_PERMISSIONS[grant.role];
  return p.isOutsourced ? perms.filter((x) => !OUTSOURCED_FORBIDDEN.has(x)) : perms;
}

function covers(g: GrantView, t: Target): boolean {
  switch (g.scopeKind) {
    case 'platform':
      return t.platformId === g.platformId;
    case 'org_unit':
      return g.orgUnitPath !== null && t.orgUnitPath !== undefined && t.orgUnitPath.startsWith(g.orgUnitPath);
    case 'site':
      return t.siteId !== undefined && (t.siteId === g.siteId || (t.parentSiteId ?? null) === g.siteId);
    case 'columns':
      return t.siteId === g.siteId && t.columnId !== undefined && g.columnIds.includes(t.columnId);
  }
}

/** May the principal do this to that, now? */
export function can(p: Principal, permission: Permission, target: Target, now: Date): boolean {
  return liveGrants(p, now).some((g) => permissionsOf(p, g).includes(permission) && covers(g, target));
}

/** Does the principal hold this permission anywhere (the route-level check)? */
export function holdsAnywhere(p: Principal, permission: Permission, now: Date): boolean {
  return liveGrants(p, now).some((g) => permissionsOf(p, g).includes(permission));
}

export function isPlatformAdmin(p: Principal, now: Date): boolean {
  // An outsourced operator is never a platform admin, whatever grant it was given.
  return !p.isOutsourced && liveGrants(p, now).some((g) => g.role === 'platform_admin' && g.scopeKind === 'platform');
}

/** Which roles an outsourced operator's grant may carry at all (those with something left to do). */
export function usefulForOutsourced(role: Role): boolean {
  return role !== 'platform_admin' && ROLE_PERMISSIONS[role].some((x) => !OUTSOURCED_FORBIDDEN.has(x) && x !== 'content.read');
}
