import { webcrypto } from 'node:crypto';
import type { Kysely } from 'kysely';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import type { Clock } from '@zhanqun/core/clock';
import { newId } from '@zhanqun/core/id';
import { writeAudit } from '@zhanqun/audit/audit.writer';
import type { AppUserRow, Database, SessionRow } from '@zhanqun/db/database';
import { inScope, type Tx } from '@zhanqun/db/scope';
import { AccountLockedError, LoginFailedError, SecondFactorFailedError } from './identity.errors.js';
import { hashPassword, verifyPassword } from './password.js';
import { isPlatformAdmin } from './policy.js';
import { loadPrincipal } from './principal.js';
import { generateRecoveryCodes, generateTotpKey, hashSecret, matchTotpStep } from './totp.js';
import { findByUsername, findUserById, NO_SITES } from './user.service.js';

/**
 * Sessions in Lucia's design, implemented on @oslojs as its guide teaches: the cookie holds a
 * random token, the database only its SHA-256, expiry slides while the console is in use.
 */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
const REFRESH_WHEN_LEFT_MS = SESSION_TTL_MS / 2;
/** A password-only session has this long to pass the second factor. */
const MFA_PENDING_TTL_MS = 10 * 60 * 1000;
export const MAX_FAILED_LOGINS = 5;
export const LOCK_MS = 15 * 60 * 1000;

export function generateSessionToken(): string {
  return encodeBase32LowerCaseNoPadding(webcrypto.getRandomValues(new Uint8Array(20)));
}

export function sessionIdOf(token: string): string {
  return hashSecret(token);
}

export interface LoginMeta {
  ip: string | null;
  userAgent: string | null;
}

export type SessionUser = Pick<AppUserRow, 'id' | 'platform_id' | 'username' | 'display_name' | 'is_platform_admin' | 'locale'>;

/** What the password step leads to: in, or on to the second factor (verify or first enrolment). */
export type SecondFactor = 'none' | 'verify' | 'enroll';

export interface LoginResult {
  token: string;
  expiresAt: Date;
  user: SessionUser;
  secondFactor: SecondFactor;
}

// Spent on unknown usernames too, so response times do not reveal which accounts exist.
let dummyHash: Promise<string> | undefined;

const actorOf = (user: Pick<AppUserRow, 'id' | 'username'>, ip: string | null) => ({ userId: user.id, label: user.username, ip });

async function countFailure(trx: Tx, clock: Clock, user: AppUserRow, meta: LoginMeta, step: string): Promise<void> {
  const failures = user.failed_logins + 1;
  const lock = failures >= MAX_FAILED_LOGINS;
  const lockedUntil = lock ? new Date(clock.now().getTime() + LOCK_MS) : null;
  await trx.updateTable('app_user').set({ failed_logins: lock ? 0 : failures, locked_until: lockedUntil }).where('id', '=', user.id).execute();
  await writeAudit(trx, clock, actorOf(user, meta.ip), { platformId: user.platform_id, action: 'session.login.fail', objectType: 'app_user', objectId: user.id, after: { step, failures } });
  if (lock) {
    await writeAudit(trx, clock, actorOf(user, meta.ip), { platformId: user.platform_id, action: 'session.lockout', objectType: 'app_user', objectId: user.id, after: { until: lockedUntil } });
  }
}

async function openSession(trx: Tx, clock: Clock, userId: string, meta: LoginMeta, mfaPending: boolean): Promise<{ token: string; expiresAt: Date }> {
  const token = generateSessionToken();
  const expiresAt = new Date(clock.now().getTime() + (mfaPending ? MFA_PENDING_TTL_MS : SESSION_TTL_MS));
  await trx.insertInto('session').values({
    id: sessionIdOf(token), user_id: userId, created_at: clock.now(), expires_at: expiresAt, ip: meta.ip,
    user_agent: meta.userAgent?.slice(0, 300) ?? null, mfa_pending: mfaPending,
  }).execute();
  return { token, expiresAt };
}

/**
 * The password step. Five failures in a row lock the account for 15 minutes; every failure,
 * lockout and sign-in is audited. Platform admins, and anyone who enrolled, go on to TOTP.
 */
export async function login(db: Kysely<Database>, clock: Clock, username: string, password: string, meta: LoginMeta): Promise<LoginResult> {
  const user = await inScope(db, NO_SITES, (trx) => findByUsername(trx, username));
  if (!user) {
    dummyHash ??= hashPassword('zhanqun-timing-equaliser');
    await verifyPassword(await dummyHash, password);
    throw new LoginFailedError();
  }
  const now = clock.now();
  if (user.locked_until && user.locked_until > now) {
    await inScope(db, { ...NO_SITES, userId: user.id }, (trx) => writeAudit(trx, clock, actorOf(user, meta.ip), {
      platformId: user.platform_id, action: 'session.login.locked', objectType: 'app_user', objectId: user.id,
    }));
    throw new AccountLockedError(user.locked_until.toISOString());
  }
  const ok = user.disabled_at === null && (await verifyPassword(user.password_hash, password));
  if (!ok) {
    await inScope(db, { ...NO_SITES, userId: user.id }, (trx) => countFailure(trx, clock, user, meta, 'password'));
    throw new LoginFailedError();
  }
  const principal = await loadPrincipal(db, user.id);
  const secondFactor: SecondFactor = user.totp_enabled_at ? 'verify' : principal && isPlatformAdmin(principal, now) ? 'enroll' : 'none';
  const opened = await inScope(db, { ...NO_SITES, userId: user.id }, async (trx) => {
    await trx.updateTable('app_user').set({ failed_logins: 0, locked_until: null }).where('id', '=', user.id).execute();
    const session = await openSession(trx, clock, user.id, meta, secondFactor !== 'none');
    await writeAudit(trx, clock, actorOf(user, meta.ip), {
      platformId: user.platform_id, action: secondFactor === 'none' ? 'session.login' : 'session.login.password', objectType: 'app_user', objectId: user.id,
    });
    return session;
  });
  return { ...opened, user, secondFactor };
}

/** Start TOTP enrolment: a fresh key, not yet in force until a code from it is confirmed. */
export async function beginTotpEnrollment(db: Kysely<Database>, userId: string): Promise<string> {
  const key = generateTotpKey();
  // Keep a key already handed out and not yet confirmed: the user's app may hold it.
  await inScope(db, { ...NO_SITES, userId }, (trx) =>
    trx.updateTable('app_user').set({ totp_key: key }).where('id', '=', userId).where('totp_enabled_at', 'is', null).where('totp_key', 'is', null).execute());
  const user = await inScope(db, { ...NO_SITES, userId }, (trx) => findUserById(trx, userId));
  return user?.totp_key ?? key;
}

/** Turn on TOTP from "my account" (or the demo seed): confirm a code from the key just begun. */
export async function confirmTotpEnrollment(db: Kysely<Database>, clock: Clock, userId: string, code: string, ip: string | null): Promise<string[]> {
  return inScope(db, { ...NO_SITES, userId }, async (trx) => {
    const user = await findUserById(trx, userId);
    if (!user?.totp_key || user.totp_enabled_at) throw new SecondFactorFailedError();
    const step = matchTotpStep(user.totp_key, code, clock.now(), user.totp_last_step);
    if (step === null) throw new SecondFactorFailedError();
    const generated = generateRecoveryCodes();
    await trx.updateTable('app_user').set({ totp_enabled_at: clock.now(), totp_last_step: step }).where('id', '=', userId).execute();
    await trx.deleteFrom('recovery_code').where('user_id', '=', userId).execute();
    await trx.insertInto('recovery_code').values(generated.hashes.map((h) => ({ id: newId(), user_id: userId, code_hash: h, used_at: null }))).execute();
    await writeAudit(trx, clock, actorOf(user, ip), { platformId: user.platform_id, action: 'user.totp.enable', objectType: 'app_user', objectId: userId });
    return generated.codes;
  });
}

/**
 * The second step: a TOTP code (or a recovery code) against a password-only session. Success
 * replaces the session with a fresh id; on first enrolment it also returns the recovery codes.
 */
export async function completeSecondFactor(db: Kysely<Database>, clock: Clock, pendingToken: string, code: string, meta: LoginMeta): Promise<{ token: string; expiresAt: Date; user: SessionUser; recoveryCodes: string[] | null }> {
  const pendingId = sessionIdOf(pendingToken);
  const found = await inScope(db, NO_SITES, async (trx) => {
    const s = await trx.selectFrom('session').select(['user_id', 'expires_at', 'mfa_pending']).where('id', '=', pendingId).executeTakeFirst();
    return s && s.mfa_pending && s.expires_at > clock.now() ? findUserById(trx, s.user_id) : undefined;
  });
  if (!found?.totp_key || found.disabled_at) throw new SecondFactorFailedError();
  const user = found;
  const now = clock.now();
  if (user.locked_until && user.locked_until > now) throw new AccountLockedError(user.locked_until.toISOString());
  const step = matchTotpStep(user.totp_key!, code, now, user.totp_last_step);
  const recovery = step === null && user.totp_enabled_at
    ? await inScope(db, { ...NO_SITES, userId: user.id }, (trx) => trx.selectFrom('recovery_code').select('id')
      .where('user_id', '=', user.id).where('code_hash', '=', hashSecret(code)).where('used_at', 'is', null).executeTakeFirst())
    : undefined;
  if (step === null && !recovery) {
    // Counted in its own transaction: the refusal below must not roll the count back.
    await inScope(db, { ...NO_SITES, userId: user.id }, (trx) => countFailure(trx, clock, user, meta, 'totp'));
    throw new SecondFactorFailedError();
  }
  return inScope(db, { ...NO_SITES, userId: user.id }, async (trx) => {
    let recoveryCodes: string[] | null = null;
    let via = 'totp';
    if (step !== null) {
      // A code is good once: replaying it within its 30-second window fails.
      await trx.updateTable('app_user').set({ totp_last_step: step }).where('id', '=', user.id).execute();
    } else {
      const used = await trx.updateTable('recovery_code').set({ used_at: now }).where('id', '=', recovery!.id).where('used_at', 'is', null).returning('id').executeTakeFirst();
      if (!used) throw new SecondFactorFailedError();
      via = 'recovery_code';
    }
    if (!user.totp_enabled_at) {
      const generated = generateRecoveryCodes();
      recoveryCodes = generated.codes;
      await trx.updateTable('app_user').set({ totp_enabled_at: now }).where('id', '=', user.id).execute();
      await trx.deleteFrom('recovery_code').where('user_id', '=', user.id).execute();
      await trx.insertInto('recovery_code').values(generated.hashes.map((h) => ({ id: newId(), user_id: user.id, code_hash: h, used_at: null }))).execute();
      await writeAudit(trx, clock, actorOf(user, meta.ip), { platformId: user.platform_id, action: 'user.totp.enable', objectType: 'app_user', objectId: user.id });
    }
    await trx.deleteFrom('session').where('id', '=', pendingId).execute();
    await trx.updateTable('app_user').set({ failed_logins: 0 }).where('id', '=', user.id).execute();
    const session = await openSession(trx, clock, user.id, meta, false);
    await writeAudit(trx, clock, actorOf(user, meta.ip), { platformId: user.platform_id, action: 'session.login', objectType: 'app_user', objectId: user.id, after: { via } });
    return { ...session, user, recoveryCodes };
  });
}

/** The session and user behind a cookie token, or null; slides the expiry when half used. */
export async function validateSessionToken(db: Kysely<Database>, clock: Clock, token: string): Promise<{ session: SessionRow; user: SessionUser } | null> {
  const id = sessionIdOf(token);
  return inScope(db, NO_SITES, async (trx) => {
    const row = await trx.selectFrom('session').innerJoin('app_user', 'app_user.id', 'session.user_id')
      .select(['session.id', 'session.user_id', 'session.created_at', 'session.expires_at', 'session.ip', 'session.user_agent', 'session.mfa_pending'])
      .select(['app_user.id as uid', 'app_user.platform_id', 'app_user.username', 'app_user.display_name',
        'app_user.is_platform_admin', 'app_user.locale', 'app_user.disabled_at'])
      .where('session.id', '=', id).executeTakeFirst();
    if (!row) return null;
    const now = clock.now().getTime();
    if (row.disabled_at !== null || row.expires_at.getTime() <= now) {
      await trx.deleteFrom('session').where('id', '=', id).execute();
      return null;
    }
    let expiresAt = row.expires_at;
    if (!row.mfa_pending && expiresAt.getTime() - now < REFRESH_WHEN_LEFT_MS) {
      expiresAt = new Date(now + SESSION_TTL_MS);
      await trx.updateTable('session').set({ expires_at: expiresAt }).where('id', '=', id).execute();
    }
    return {
      session: { id: row.id, user_id: row.user_id, created_at: row.created_at, expires_at: expiresAt, ip: row.ip, user_agent: row.user_agent, mfa_pending: row.mfa_pending },
      user: { id: row.uid, platform_id: row.platform_id, username: row.username, display_name: row.display_name, is_platform_admin: row.is_platform_admin, locale: row.locale },
    };
  });
}

/** End a session (logout). */
export async function invalidateSession(db: Kysely<Database>, clock: Clock, token: string, user: SessionUser, ip: string | null): Promise<void> {
  await inScope(db, { ...NO_SITES, userId: user.id }, async (trx) => {
    await trx.deleteFrom('session').where('id', '=', sessionIdOf(token)).execute();
    await writeAudit(trx, clock, actorOf(user, ip), { platformId: user.platform_id, action: 'session.logout', objectType: 'app_user', objectId: user.id });
  });
}

/** "Sign out everywhere": every session of the user ends. */
export async function invalidateAllSessions(db: Kysely<Database>, clock: Clock, user: SessionUser, ip: string | null): Promise<number> {
  return inScope(db, { ...NO_SITES, userId: user.id }, async (trx) => {
    const gone = await trx.deleteFrom('session').where('user_id', '=', user.id).returning('id').execute();
    await writeAudit(trx, clock, actorOf(user, ip), { platformId: user.platform_id, action: 'session.logout.all', objectType: 'app_user', objectId: user.id, after: { sessions: gone.length } });
    return gone.length;
  });
}

/** A user's sessions, for "my account". */
export function listSessions(db: Kysely<Database>, userId: string) {
  return inScope(db, { ...NO_SITES, userId }, (trx) => trx.selectFrom('session').select(['id', 'created_at', 'expires_at', 'ip', 'user_agent', 'mfa_pending'])
    .where('user_id', '=', userId).orderBy('created_at', 'desc').execute());
}
