import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@zhanqun/core/clock';
import { anchorChains } from '@zhanqun/audit/audit.anchor';
import { verifyChain } from '@zhanqun/audit/audit.verify';
import type { ServiceContext } from '@zhanqun/audit/context';
import { createTestDatabase, type TestDatabase } from '@zhanqun/testing/db';
import { applyStandardTemplate } from '@zhanqun/tenancy/column.service';
import * as columnRepository from '@zhanqun/tenancy/column.repository';
import { createOrgUnit } from '@zhanqun/tenancy/org-unit.service';
import { createPlatform } from '@zhanqun/tenancy/platform.service';
import { createSite } from '@zhanqun/tenancy/site.service';
import { inScope } from '@zhanqun/db/scope';
import { createApiToken, revokeApiToken, validateApiToken } from './api-token.service.js';
import { grantRole } from './grant.service.js';
import { can, holdsAnywhere, isPlatformAdmin } from './policy.js';
import { loadPrincipal, scopeOf } from './principal.js';
import { beginTotpEnrollment, completeSecondFactor, login, LOCK_MS, validateSessionToken } from './session.service.js';
import { totpCode } from './totp.js';
import { changeOwnPassword, createPlatformAdmin, createUser, disableUser, resetPassword } from './user.service.js';

const meta = { ip: '10.0.0.1', userAgent: 'test' };
const PW = 'correct-horse-battery-9';

describe('identity and access', () => {
  let t: TestDatabase;
  const clock = new ManualClock('2026-11-27T02:00:00Z');
  let ctx: ServiceContext;
  let platformId: string;
  const ids: Record<string, string> = {};
  const adminPrincipal = async () => (await loadPrincipal(t.db, ids.admin!))!;

  beforeAll(async () => {
    t = await createTestDatabase();
    platformId = (await createPlatform(t.db, clock, { userId: null, label: 'test' }, { code: 'pi', name: '平台' })).id;
    ids.admin = (await createPlatformAdmin(t.db, clock, { userId: null, label: 'test' }, { platformId, username: 'boss', displayName: '管理员', password: PW })).id;
    ctx = { db: t.db, clock, actor: { userId: ids.admin, label: 'boss' }, scope: { kind: 'platform', platformIds: [platformId], userId: ids.admin } };
    const prov = await createOrgUnit(ctx, { platformId, parentId: null, level: 'province', name: '甲省' });
    ids.site = (await createSite(ctx, { platformId, orgUnitId: prov.id, kind: 'portal', code: 'jia', name: '甲省政府' })).id;
    ids.other = (await createSite(ctx, { platformId, orgUnitId: (await createOrgUnit(ctx, { platformId, parentId: prov.id, level: 'department', name: '甲省教育厅' })).id, kind: 'department', code: 'jyt', name: '教育厅' })).id;
    await applyStandardTemplate(ctx, ids.site);
  });
  afterAll(async () => { await t.destroy(); });

  it('should refuse short and common passwords', async () => {
    const p = await adminPrincipal();
    await expect(createUser(ctx, p, { username: 'a1', displayName: 'A', password: 'short' })).rejects.toMatchObject({ field: 'password' });
    await expect(createUser(ctx, p, { username: 'a1', displayName: 'A', password: '1q2w3e4r5t6y' })).rejects.toMatchObject({ field: 'password' });
  });

  it('should make a platform admin enrol TOTP, then ask for it, and accept a recovery code once', async () => {
    const first = await login(t.db, clock, 'boss', PW, meta);
    expect(first.secondFactor).toBe('enroll');
    expect((await validateSessionToken(t.db, clock, first.token))?.session.mfa_pending).toBe(true);
    const key = await beginTotpEnrollment(t.db, ids.admin!);
    await expect(completeSecondFactor(t.db, clock, first.token, '000000', meta)).rejects.toMatchObject({ code: 'ZQ_IDENTITY_SECOND_FACTOR_FAILED' });
    const done = await completeSecondFactor(t.db, clock, first.token, totpCode(key, clock.now()), meta);
    expect(done.recoveryCodes).toHaveLength(10);
    expect(done.token).not.toBe(first.token); // a fresh session id
    expect(await validateSessionToken(t.db, clock, first.token)).toBeNull();
    expect((await validateSessionToken(t.db, clock, done.token))?.session.mfa_pending).toBe(false);

    // The code just used is good once: replaying it within its window fails, and the failure counts.
    const replay = await login(t.db, clock, 'boss', PW, meta);
    await expect(completeSecondFactor(t.db, clock, replay.token, totpCode(key, clock.now()), meta)).rejects.toMatchObject({ code: 'ZQ_IDENTITY_SECOND_FACTOR_FAILED' });
    const counted = await sql<{ n: number }>`select failed_logins as n from app_user where username = 'boss'`.execute(t.db);
    expect(counted.rows[0]?.n).toBe(1);
    const second = await login(t.db, clock, 'boss', PW, meta);
    expect(second.secondFactor).toBe('verify');
    await completeSecondFactor(t.db, clock, second.token, done.recoveryCodes![0]!, meta);
    const third = await login(t.db, clock, 'boss', PW, meta);
    await expect(completeSecondFactor(t.db, clock, third.token, done.recoveryCodes![0]!, meta)).rejects.toMatchObject({ code: 'ZQ_IDENTITY_SECOND_FACTOR_FAILED' });
  });

  it('should lock an account for 15 minutes after 5 failed sign-ins, and audit it', async () => {
    const p = await adminPrincipal();
    await createUser(ctx, p, { username: 'clerk', displayName: '办事员', password: PW });
    for (let i = 0; i < 5; i++) await expect(login(t.db, clock, 'clerk', 'wrong-password-xx', meta)).rejects.toMatchObject({ code: 'ZQ_IDENTITY_LOGIN_FAILED' });
    await expect(login(t.db, clock, 'clerk', PW, meta)).rejects.toMatchObject({ code: 'ZQ_IDENTITY_ACCOUNT_LOCKED', statusCode: 423 });
    clock.advance(LOCK_MS);
    expect((await login(t.db, clock, 'clerk', PW, meta)).secondFactor).toBe('none');
    const actions = await sql<{ action: string }>`select action from audit_log_entry where actor_label = 'clerk' order by seq`.execute(t.db);
    expect(actions.rows.map((r) => r.action)).toEqual([...Array(5).fill('session.login.fail'), 'session.lockout', 'session.login.locked', 'session.login']);
  });

  it('should confine a column editor to its two columns of one site', async () => {
    const p = await adminPrincipal();
    const editor = await createUser(ctx, p, { username: 'bianji', displayName: '编辑', password: PW });
    const cols = await inScope(t.db, ctx.scope, (trx) => columnRepository.findAll(trx, ids.site!));
    const [yw, tzgg, third] = ['/xwdt/yw/', '/xwdt/tzgg/', '/xwdt/bmdt/'].map((path) => cols.find((c) => c.path === path)!.id);
    await grantRole(ctx, p, { userId: editor.id, role: 'editor', scopeKind: 'columns', siteId: ids.site!, columnIds: [yw!, tzgg!] });
    const e = (await loadPrincipal(t.db, editor.id))!;
    expect(can(e, 'content.edit', { siteId: ids.site!, columnId: yw! }, clock.now())).toBe(true);
    expect(can(e, 'content.edit', { siteId: ids.site!, columnId: third! }, clock.now())).toBe(false);
    expect(can(e, 'content.edit', { siteId: ids.other!, columnId: yw! }, clock.now())).toBe(false);
    expect(holdsAnywhere(e, 'site.manage', clock.now())).toBe(false);
    const scope = await scopeOf(t.db, e, clock.now());
    expect(scope).toMatchObject({ kind: 'sites', siteIds: [ids.site] });
    const visible = await inScope(t.db, scope, (trx) => trx.selectFrom('site').select('code').execute());
    expect(visible.map((s) => s.code)).toEqual(['jia']);
  });

  it('should end an outsourced operator\'s grant at its contract end and strip its publishing', async () => {
    const p = await adminPrincipal();
    const op = await createUser(ctx, p, { username: 'waibao', displayName: '外包', password: PW, outsourced: { contractRef: 'HT-2026-07', contractEnd: new Date('2026-12-31T16:00:00Z') } });
    await expect(grantRole(ctx, p, { userId: op.id, role: 'reviewer', scopeKind: 'site', siteId: ids.site! })).rejects.toMatchObject({ field: 'role' });
    const g = await grantRole(ctx, p, { userId: op.id, role: 'site_admin', scopeKind: 'site', siteId: ids.site!, expiresAt: new Date('2027-06-01T00:00:00Z') });
    expect(g.expires_at).toEqual(new Date('2026-12-31T16:00:00Z'));
    const o = (await loadPrincipal(t.db, op.id))!;
    expect(can(o, 'content.edit', { siteId: ids.site! }, clock.now())).toBe(true);
    expect(can(o, 'content.publish', { siteId: ids.site! }, clock.now())).toBe(false);
    expect(can(o, 'user.manage', { siteId: ids.site! }, clock.now())).toBe(false);
    expect(can(o, 'content.edit', { siteId: ids.site! }, new Date('2026-12-31T16:00:00Z'))).toBe(false);
  });

  it('should not let a site admin grant platform admin or reach another site', async () => {
    const p = await adminPrincipal();
    const sa = await createUser(ctx, p, { username: 'zhanzhang', displayName: '站长', password: PW });
    await grantRole(ctx, p, { userId: sa.id, role: 'site_admin', scopeKind: 'site', siteId: ids.site! });
    const s = (await loadPrincipal(t.db, sa.id))!;
    const sctx = { ...ctx, actor: { userId: sa.id, label: 'zhanzhang' }, scope: await scopeOf(t.db, s, clock.now()) };
    const u = await createUser(sctx, s, { username: 'xiaowang', displayName: '小王', password: PW });
    await expect(grantRole(sctx, s, { userId: u.id, role: 'platform_admin', scopeKind: 'platform' })).rejects.toMatchObject({ statusCode: 403 });
    await expect(grantRole(sctx, s, { userId: u.id, role: 'editor', scopeKind: 'site', siteId: ids.other! })).rejects.toMatchObject({ field: 'siteId' });
    await grantRole(sctx, s, { userId: u.id, role: 'editor', scopeKind: 'site', siteId: ids.site! });
    expect(isPlatformAdmin(s, clock.now())).toBe(false);
  });

  it('should not let one granted role hand over the rest of an account', async () => {
    const p = await adminPrincipal();
    const sa = await createUser(ctx, p, { username: 'zhanzhang2', displayName: '站长二', password: PW });
    await grantRole(ctx, p, { userId: sa.id, role: 'site_admin', scopeKind: 'site', siteId: ids.site! });
    const victim = await createUser(ctx, p, { username: 'shenhe2', displayName: '审核二', password: PW });
    await grantRole(ctx, p, { userId: victim.id, role: 'reviewer', scopeKind: 'site', siteId: ids.other! });
    const s = (await loadPrincipal(t.db, sa.id))!;
    const sctx = { ...ctx, actor: { userId: sa.id, label: 'zhanzhang2' }, scope: await scopeOf(t.db, s, clock.now()) };
    await grantRole(sctx, s, { userId: victim.id, role: 'editor', scopeKind: 'site', siteId: ids.site! });
    await expect(resetPassword(sctx, s, victim.id, `${PW}-taken`)).rejects.toMatchObject({ statusCode: 403 });
    await expect(disableUser(sctx, s, victim.id)).rejects.toMatchObject({ statusCode: 403 });
    await expect(disableUser(sctx, s, ids.admin!)).rejects.toMatchObject({ statusCode: 404 });
  });

  it('should never make an outsourced operator a platform admin', async () => {
    const p = await adminPrincipal();
    const op = await createUser(ctx, p, { username: 'waibao2', displayName: '外包二', password: PW, outsourced: { contractRef: 'HT-2', contractEnd: new Date('2027-06-01T00:00:00Z') } });
    await expect(grantRole(ctx, p, { userId: op.id, role: 'platform_admin', scopeKind: 'platform' })).rejects.toMatchObject({ field: 'role' });
  });

  it('should end every session on a password change and on disabling', async () => {
    const p = await adminPrincipal();
    const u = await createUser(ctx, p, { username: 'laozhang', displayName: '老张', password: PW });
    const a = await login(t.db, clock, 'laozhang', PW, meta);
    await changeOwnPassword(t.db, clock, u.id, PW, `${PW}-new`, meta.ip);
    expect(await validateSessionToken(t.db, clock, a.token)).toBeNull();
    const b = await login(t.db, clock, 'laozhang', `${PW}-new`, meta);
    const api = await createApiToken(ctx, (await loadPrincipal(t.db, u.id))!, { name: 'ci' });
    expect((await validateApiToken(t.db, clock, api.token))?.username).toBe('laozhang');
    await disableUser(ctx, p, u.id);
    expect(await validateSessionToken(t.db, clock, b.token)).toBeNull();
    expect(await validateApiToken(t.db, clock, api.token)).toBeNull();
    await expect(login(t.db, clock, 'laozhang', `${PW}-new`, meta)).rejects.toMatchObject({ code: 'ZQ_IDENTITY_LOGIN_FAILED' });
  });

  it('should revoke an API token', async () => {
    const p = await adminPrincipal();
    const api = await createApiToken(ctx, p, { name: 'robot' });
    await revokeApiToken(ctx, p, api.id);
    expect(await validateApiToken(t.db, clock, api.token)).toBeNull();
  });

  it('should detect a truncated audit tail through the anchor even when the head is rewound', async () => {
    expect(await anchorChains(t.db, clock)).toBe(1);
    expect((await verifyChain(t.db, platformId)).ok).toBe(true);
    const { rows } = await sql<{ seq: number; hash: string }>`select seq, hash from audit_log_entry where platform_id = ${platformId} order by seq desc limit 2`.execute(t.db);
    await sql`delete from audit_log_entry where platform_id = ${platformId} and seq = ${rows[0]!.seq}`.execute(t.db);
    await sql`update audit_chain_head set seq = ${rows[1]!.seq}, hash = ${rows[1]!.hash} where platform_id = ${platformId}`.execute(t.db);
    expect((await verifyChain(t.db, platformId)).firstBad).toMatchObject({ problem: 'deleted' });
  });
});
