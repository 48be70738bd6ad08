import { describe, expect, it } from 'vitest';
import { can, holdsAnywhere, liveGrants, type GrantView, type Principal } from './policy.js';

const now = new Date('2026-11-27T02:00:00Z');
const grant = (g: Partial<GrantView>): GrantView => ({
  id: 'g', role: 'editor', platformId: 'P', scopeKind: 'site', orgUnitPath: null, siteId: 'S', columnIds: [], expiresAt: null, ...g,
});
const principal = (grants: GrantView[], extra: Partial<Principal> = {}): Principal => ({
  userId: 'u', username: 'u', platformId: 'P', isOutsourced: false, contractEnd: null, disabled: false, grants, ...extra,
});

describe('policy', () => {
  it('should limit a column editor to its columns', () => {
    const p = principal([grant({ scopeKind: 'columns', columnIds: ['c1', 'c2'] })]);
    expect(can(p, 'content.edit', { siteId: 'S', columnId: 'c1' }, now)).toBe(true);
    expect(can(p, 'content.edit', { siteId: 'S', columnId: 'c3' }, now)).toBe(false);
    expect(can(p, 'content.edit', { siteId: 'S2', columnId: 'c1' }, now)).toBe(false);
    expect(can(p, 'site.manage', { siteId: 'S' }, now)).toBe(false);
  });

  it('should let a site grant cover the site and its sub-sites only', () => {
    const p = principal([grant({ role: 'site_admin' })]);
    expect(can(p, 'site.manage', { siteId: 'S' }, now)).toBe(true);
    expect(can(p, 'site.manage', { siteId: 'SUB', parentSiteId: 'S' }, now)).toBe(true);
    expect(can(p, 'site.manage', { siteId: 'OTHER', parentSiteId: null }, now)).toBe(false);
    expect(can(p, 'platform.manage', { platformId: 'P' }, now)).toBe(false);
  });

  it('should let an org-unit grant cover the subtree', () => {
    const p = principal([grant({ role: 'site_admin', scopeKind: 'org_unit', orgUnitPath: '/a/b/', siteId: null })]);
    expect(can(p, 'site.manage', { orgUnitPath: '/a/b/c/' }, now)).toBe(true);
    expect(can(p, 'site.manage', { orgUnitPath: '/a/x/' }, now)).toBe(false);
  });

  it('should strip publish, approve, secrecy review and grant from an outsourced operator', () => {
    const p = principal([grant({ role: 'site_admin' })], { isOutsourced: true, contractEnd: new Date('2027-01-01') });
    expect(can(p, 'content.edit', { siteId: 'S' }, now)).toBe(true);
    for (const perm of ['content.publish', 'content.review', 'content.secrecy_review', 'user.manage'] as const) {
      expect([perm, can(p, perm, { siteId: 'S' }, now)]).toEqual([perm, false]);
    }
  });

  it('should end every grant of an outsourced operator at its contract end, and any grant at its expiry', () => {
    const p = principal([grant({ expiresAt: new Date('2027-06-01') })], { isOutsourced: true, contractEnd: new Date('2026-12-01') });
    expect(liveGrants(p, now)).toHaveLength(1);
    expect(liveGrants(p, new Date('2026-12-01T00:00:00Z'))).toHaveLength(0);
    const q = principal([grant({ expiresAt: new Date('2026-11-27T02:00:01Z') })]);
    expect(holdsAnywhere(q, 'content.edit', now)).toBe(true);
    expect(holdsAnywhere(q, 'content.edit', new Date('2026-11-27T02:00:01Z'))).toBe(false);
  });

  it('should give a disabled account nothing', () => {
    expect(holdsAnywhere(principal([grant({ role: 'platform_admin', scopeKind: 'platform', siteId: null })], { disabled: true }), 'content.read', now)).toBe(false);
  });
});
