/**
 * One demo account per role (DESIGN.md, Demo data), created through the same services as the
 * console: the platform admin (with TOTP enrolled, its key printed on the embedded database so
 * a newcomer can sign in), a site admin, an editor limited to two columns, a reviewer, a secrecy
 * reviewer, a liaison, an auditor and an outsourced operator under contract.
 */
import type { Kysely } from 'kysely';
import type { Clock } from '@zhanqun/core/clock';
import type { Actor } from '@zhanqun/audit/audit.writer';
import type { Database, Role, SiteRow } from '@zhanqun/db/database';
import { inScope } from '@zhanqun/db/scope';
import { grantRole, type GrantInput } from '@zhanqun/identity/grant.service';
import { loadPrincipal, scopeOf } from '@zhanqun/identity/principal';
import { beginTotpEnrollment, confirmTotpEnrollment } from '@zhanqun/identity/session.service';
import { totpCode } from '@zhanqun/identity/totp';
import { createPlatformAdmin, createUser, findByUsername, NO_SITES } from '@zhanqun/identity/user.service';
import * as columnRepository from '@zhanqun/tenancy/column.repository';

export const DEMO_PASSWORD = 'zhanqun-demo-2026';
export const DEMO_ADMIN = { username: 'admin', password: DEMO_PASSWORD, displayName: '演示平台管理员' } as const;

export interface DemoAccount {
  username: string;
  password: string;
  role: Role;
  /** Where the role applies, in words (Chinese). */
  scope: string;
}

interface AccountSpec {
  username: string;
  displayName: string;
  role: Role;
  site: string;
  scope: string;
  columns?: string[];
  outsourcedMonths?: number;
}

const ACCOUNTS: AccountSpec[] = [
  { username: 'zhanzhang', displayName: '青川市网站管理员（演示）', role: 'site_admin', site: 'qingchuan', scope: '青川市人民政府网站' },
  { username: 'bianji', displayName: '省政府网站编辑（演示）', role: 'editor', site: 'prov', scope: '省政府网站：要闻、通知公告', columns: ['/xwdt/yw/', '/xwdt/tzgg/'] },
  { username: 'shenhe', displayName: '省政府网站审核员（演示）', role: 'reviewer', site: 'prov', scope: '省政府网站' },
  { username: 'baomi', displayName: '省政府保密审查员（演示）', role: 'secrecy_reviewer', site: 'prov', scope: '省政府网站' },
  { username: 'xinxiyuan', displayName: '安和县信息员（演示）', role: 'liaison', site: 'anhe', scope: '安和县人民政府网站' },
  { username: 'shenji', displayName: '平台审计员（演示）', role: 'auditor', site: 'prov', scope: '省政府网站（只读）' },
  { username: 'waibao', displayName: '外包运维人员（演示）', role: 'editor', site: 'yunxi', scope: '云溪市人民政府网站（外包，合同期一年）', outsourcedMonths: 12 },
];

/** Every demo account, as the start log lists them. */
export function demoAccountList(): DemoAccount[] {
  return [
    { username: DEMO_ADMIN.username, password: DEMO_PASSWORD, role: 'platform_admin', scope: '演示省平台' },
    ...ACCOUNTS.map((a) => ({ username: a.username, password: DEMO_PASSWORD, role: a.role, scope: a.scope })),
  ];
}

/** Create the demo accounts that are missing; returns all of them and the admin's TOTP key. */
export async function seedDemoAccounts(
  db: Kysely<Database>, clock: Clock, actor: Actor, platformId: string, sites: ReadonlyMap<string, SiteRow>,
): Promise<{ accounts: DemoAccount[]; adminTotpKey: string | null }> {
  let admin = await inScope(db, NO_SITES, (trx) => findByUsername(trx, DEMO_ADMIN.username));
  if (!admin) {
    admin = await createPlatformAdmin(db, clock, actor, { platformId, ...DEMO_ADMIN });
    const key = await beginTotpEnrollment(db, admin.id);
    // Confirm with the previous step's code (accepted as clock drift), so the code a newcomer reads
    // off `zhanqun totp code` right after the first start is not refused as a replay.
    await confirmTotpEnrollment(db, clock, admin.id, totpCode(key, new Date(clock.now().getTime() - 30_000)), null);
  }
  if (admin.platform_id !== platformId) return { accounts: [], adminTotpKey: null };
  const principal = (await loadPrincipal(db, admin.id))!;
  const ctx = { db, clock, actor: { userId: admin.id, label: admin.username }, scope: await scopeOf(db, principal, clock.now()) };
  for (const spec of ACCOUNTS) {
    if (await inScope(db, NO_SITES, (trx) => findByUsername(trx, spec.username))) continue;
    const site = sites.get(spec.site);
    if (!site) continue;
    const contractEnd = spec.outsourcedMonths ? new Date(clock.now().getTime() + spec.outsourcedMonths * 30 * 86_400_000) : null;
    const user = await createUser(ctx, principal, {
      username: spec.username, displayName: spec.displayName, password: DEMO_PASSWORD,
      outsourced: contractEnd ? { contractRef: 'YS-WB-2026-001（演示）', contractEnd } : null,
    });
    const grant: GrantInput = { userId: user.id, role: spec.role, scopeKind: spec.columns ? 'columns' : 'site', siteId: site.id };
    if (spec.columns) {
      const columns = await inScope(db, ctx.scope, (trx) => columnRepository.findAll(trx, site.id));
      grant.columnIds = spec.columns.map((path) => columns.find((c) => c.path === path)?.id).filter((id): id is string => Boolean(id));
    }
    await grantRole(ctx, principal, grant);
  }
  const key = (await inScope(db, NO_SITES, (trx) => findByUsername(trx, DEMO_ADMIN.username)))?.totp_key ?? null;
  return {
    accounts: demoAccountList(),
    adminTotpKey: key,
  };
}
