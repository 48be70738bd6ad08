import type { Kysely } from 'kysely';
import type { Clock } from '@zhanqun/core/clock';
import { invalid } from '@zhanqun/core/errors';
import { newId } from '@zhanqun/core/id';
import { writeAudit, type Actor } from '@zhanqun/audit/audit.writer';
import type { ServiceContext } from '@zhanqun/audit/context';
import type { AppUserRow, Database } from '@zhanqun/db/database';
import { inScope, type Db } from '@zhanqun/db/scope';
import { NotAllowedError, UsernameTakenError, UserNotFoundError } from './identity.errors.js';
import { checkPasswordStrength, hashPassword, verifyPassword } from './password.js';
import { holdsAnywhere, isPlatformAdmin, type Principal } from './policy.js';
import { managesWholly } from './user-access.js';

export const USER_COLUMNS = [
  'id', 'platform_id', 'username', 'display_name', 'password_hash', 'is_platform_admin', 'locale', 'disabled_at',
  'is_outsourced', 'contract_ref', 'contract_end', 'totp_key', 'totp_enabled_at', 'totp_last_step', 'failed_logins', 'locked_until',
  'password_changed_at', 'created_at', 'updated_at',
] as const;

/** Accounts are not tenant rows (no site_id): a transaction with no site in scope still reads them. */
export const NO_SITES = { kind: 'sites', siteIds: [] } as const;

export function findByUsername(db: Db, username: string): Promise<AppUserRow | undefined> {
  return db.selectFrom('app_user').select(USER_COLUMNS).where('username', '=', username.trim().toLowerCase()).executeTakeFirst();
}

export function findUserById(db: Db, id: string): Promise<AppUserRow | undefined> {
  return db.selectFrom('app_user').select(USER_COLUMNS).where('id', '=', id).executeTakeFirst();
}

/** A platform's accounts, without their secrets. */
export function listUsers(db: Db, platformId: string) {
  return db.selectFrom('app_user')
    .select(['id', 'username', 'display_name', 'locale', 'disabled_at', 'is_outsourced', 'contract_ref', 'contract_end', 'totp_enabled_at', 'locked_until', 'created_at'])
    .where('platform_id', '=', platformId).orderBy('username').execute();
}

/**
 * The accounts a principal without the whole platform manages: those it has granted a role to
 * (revoked grants included, as manageableUser counts them), read under the caller's scope.
 */
export function listUsersGrantedBy(db: Db, platformId: string, granterId: string) {
  return db.selectFrom('app_user')
    .select(['id', 'username', 'display_name', 'locale', 'disabled_at', 'is_outsourced', 'contract_ref', 'contract_end', 'totp_enabled_at', 'locked_until', 'created_at'])
    .where('platform_id', '=', platformId)
    .where('id', 'in', (eb) => eb.selectFrom('role_grant').select('user_id').where('granted_by', '=', granterId))
    .orderBy('username').execute();
}

export interface NewUserInput {
  username: string;
  displayName: string;
  password: string;
  locale?: 'zh-CN' | 'en';
  /** 外包服务人员 under a contract. */
  outsourced?: { contractRef: string; contractEnd: Date } | null;
}

function validateUser(input: NewUserInput): string {
  const username = input.username.trim().toLowerCase();
  if (!/^[a-z0-9][a-z0-9._-]{1,63}$/.test(username)) throw invalid('username', 'must be 2–64 lower-case letters, digits, dot, _ or -');
  if (!input.displayName.trim()) throw invalid('displayName', 'must not be empty');
  if (input.outsourced) {
    if (!input.outsourced.contractRef.trim()) throw invalid('contractRef', 'an outsourced operator needs its contract reference');
    if (Number.isNaN(input.outsourced.contractEnd.getTime())) throw invalid('contractEnd', 'must be a date');
  }
  checkPasswordStrength(input.password);
  return username;
}

async function insertUser(db: Kysely<Database>, clock: Clock, actor: Actor, platformId: string, input: NewUserInput, platformAdmin: boolean): Promise<AppUserRow> {
  const username = validateUser(input);
  const passwordHash = await hashPassword(input.password);
  return inScope(db, { kind: 'platform', platformIds: [platformId], userId: actor.userId }, async (trx) => {
    if (await findByUsername(trx, username)) throw new UsernameTakenError(username);
    const now = clock.now();
    const row = await trx.insertInto('app_user').values({
      id: newId(), platform_id: platformId, username, display_name: input.displayName.trim(), password_hash: passwordHash,
      is_platform_admin: platformAdmin, locale: input.locale ?? 'zh-CN', disabled_at: null,
      is_outsourced: Boolean(input.outsourced), contract_ref: input.outsourced?.contractRef.trim() ?? null, contract_end: input.outsourced?.contractEnd ?? null,
      totp_key: null, totp_enabled_at: null, totp_last_step: null, locked_until: null, password_changed_at: now, created_at: now, updated_at: now,
    }).returning(USER_COLUMNS).executeTakeFirstOrThrow();
    if (platformAdmin) {
      await trx.insertInto('role_grant').values({
        id: newId(), platform_id: platformId, user_id: row.id, role: 'platform_admin', scope_kind: 'platform',
        org_unit_id: null, site_id: null, expires_at: null, granted_by: actor.userId, revoked_at: null,
      }).execute();
    }
    await writeAudit(trx, clock, actor, {
      platformId, action: 'user.create', objectType: 'app_user', objectId: row.id,
      after: { username, displayName: row.display_name, platformAdmin, outsourced: input.outsourced ?? null },
    });
    return row;
  });
}

/** The bootstrap platform admin (`zhanqun user create-admin`) and the demo's: an account and its grant. */
export function createPlatformAdmin(db: Kysely<Database>, clock: Clock, actor: Actor, input: NewUserInput & { platformId: string }): Promise<AppUserRow> {
  return insertUser(db, clock, actor, input.platformId, input, true);
}

/** Create an account in the acting user's platform; what it may do comes from grants. */
export function createUser(ctx: ServiceContext, principal: Principal, input: NewUserInput): Promise<AppUserRow> {
  if (!holdsAnywhere(principal, 'user.manage', ctx.clock.now())) throw new NotAllowedError('user.manage');
  return insertUser(ctx.db, ctx.clock, ctx.actor, principal.platformId, input, false);
}

/** Accounts the principal sees: a platform admin all of its platform's; others those it granted to. */
export async function manageableUser(ctx: ServiceContext, principal: Principal, userId: string): Promise<AppUserRow> {
  const user = await inScope(ctx.db, ctx.scope, (trx) => findUserById(trx, userId));
  if (!user || user.platform_id !== principal.platformId) throw new UserNotFoundError(userId);
  const now = ctx.clock.now();
  if (!holdsAnywhere(principal, 'user.manage', now)) throw new NotAllowedError('user.manage');
  if (!isPlatformAdmin(principal, now)) {
    const mine = await inScope(ctx.db, ctx.scope, (trx) => trx.selectFrom('role_grant').select('id').where('user_id', '=', userId)
      .where('granted_by', '=', principal.userId).where('revoked_at', 'is', null).executeTakeFirst());
    if (!mine) throw new UserNotFoundError(userId);
  }
  return user;
}

/**
 * An account the principal may disable or whose password it may set: one it sees, every live
 * grant of which lies within the principal's own user.manage — granting someone one role must
 * not hand over the rest of their account.
 */
async function wholeAccount(ctx: ServiceContext, principal: Principal, userId: string): Promise<AppUserRow> {
  const user = await manageableUser(ctx, principal, userId);
  if (!(await managesWholly(ctx, principal, userId))) throw new NotAllowedError('managing an account that holds grants beyond yours');
  return user;
}

/** Disable an account: its sessions and API tokens stop working at once. */
export async function disableUser(ctx: ServiceContext, principal: Principal, userId: string): Promise<void> {
  const user = await wholeAccount(ctx, principal, userId);
  if (user.id === principal.userId) throw invalid('userId', 'you cannot disable your own account');
  await inScope(ctx.db, ctx.scope, async (trx) => {
    const now = ctx.clock.now();
    await trx.updateTable('app_user').set({ disabled_at: now, updated_at: now }).where('id', '=', userId).execute();
    await trx.deleteFrom('session').where('user_id', '=', userId).execute();
    await trx.updateTable('api_token').set({ revoked_at: now }).where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
    await writeAudit(trx, ctx.clock, ctx.actor, { platformId: user.platform_id, action: 'user.disable', objectType: 'app_user', objectId: userId });
  });
}

/** An admin sets a new password (reset): the user's sessions end, the lock lifts. */
export async function resetPassword(ctx: ServiceContext, principal: Principal, userId: string, password: string): Promise<void> {
  const user = await wholeAccount(ctx, principal, userId);
  checkPasswordStrength(password);
  const passwordHash = await hashPassword(password);
  await inScope(ctx.db, ctx.scope, async (trx) => {
    const now = ctx.clock.now();
    await trx.updateTable('app_user').set({ password_hash: passwordHash, password_changed_at: now, failed_logins: 0, locked_until: null, updated_at: now })
      .where('id', '=', userId).execute();
    await trx.deleteFrom('session').where('user_id', '=', userId).execute();
    await trx.updateTable('api_token').set({ revoked_at: now }).where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
    await writeAudit(trx, ctx.clock, ctx.actor, { platformId: user.platform_id, action: 'user.password.reset', objectType: 'app_user', objectId: userId });
  });
}

/** A user changes its own password: every session of it ends, the current one included. */
export async function changeOwnPassword(db: Kysely<Database>, clock: Clock, userId: string, current: string, next: string, ip: string | null): Promise<void> {
  const user = await inScope(db, { ...NO_SITES, userId }, (trx) => findUserById(trx, userId));
  if (!user) throw new UserNotFoundError(userId);
  if (!(await verifyPassword(user.password_hash, current))) throw invalid('currentPassword', 'is not your current password');
  checkPasswordStrength(next, 'newPassword');
  if (current === next) throw invalid('newPassword', 'must differ from the current password');
  const passwordHash = await hashPassword(next);
  await inScope(db, { ...NO_SITES, userId }, async (trx) => {
    const now = clock.now();
    await trx.updateTable('app_user').set({ password_hash: passwordHash, password_changed_at: now, updated_at: now }).where('id', '=', userId).execute();
    await trx.deleteFrom('session').where('user_id', '=', userId).execute();
    await trx.updateTable('api_token').set({ revoked_at: now }).where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
    await writeAudit(trx, clock, { userId, label: user.username, ip }, { platformId: user.platform_id, action: 'user.password.change', objectType: 'app_user', objectId: userId });
  });
}

/** The console language is a per-user setting. */
export async function setOwnLocale(db: Kysely<Database>, userId: string, locale: 'zh-CN' | 'en'): Promise<void> {
  if (locale !== 'zh-CN' && locale !== 'en') throw invalid('locale', 'must be zh-CN or en');
  await inScope(db, { ...NO_SITES, userId }, (trx) => trx.updateTable('app_user').set({ locale }).where('id', '=', userId).execute());
}
