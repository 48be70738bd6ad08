import { webcrypto } from 'node:crypto';
import type { Kysely } from 'kysely';
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';
import type { Clock } from '@zhanqun/core/clock';
import { writeAudit } from '@zhanqun/audit/audit.writer';
import type { AppUserRow, Database, SessionRow } from '@zhanqun/db/database';
import { inScope } from '@zhanqun/db/scope';
import { LoginFailedError } from './identity.errors.js';
import { verifyPassword } from './password.js';
import { findByUsername, NO_SITES } from './user.service.js';

/**
 * Sessions in Lucia's design, implemented on @oslojs as its guide teaches: the cookie holds a
 * random token, the database only its SHA-256, expiry slides while the console is in use.
 */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
const REFRESH_WHEN_LEFT_MS = SESSION_TTL_MS / 2;

export function generateSessionToken(): string {
  return encodeBase32LowerCaseNoPadding(webcrypto.getRandomValues(new Uint8Array(20)));
}

export function sessionIdOf(token: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

export interface LoginMeta {
  ip: string | null;
  userAgent: string | null;
}

export type SessionUser = Pick<AppUserRow, 'id' | 'platform_id' | 'username' | 'display_name' | 'is_platform_admin' | 'locale'>;

/** Check a password and open a session; failures are audited and told apart from nothing. */
export async function login(db: Kysely<Database>, clock: Clock, username: string, password: string, meta: LoginMeta): Promise<{ token: string; user: SessionUser; expiresAt: Date }> {
  const user = await inScope(db, NO_SITES, (trx) => findByUsername(trx, username));
  const ok = user !== undefined && user.disabled_at === null && (await verifyPassword(user.password_hash, password));
  if (!user || !ok) {
    if (user) {
      await inScope(db, NO_SITES, (trx) => writeAudit(trx, clock, { userId: user.id, label: user.username, ip: meta.ip }, {
        platformId: user.platform_id, action: 'session.login.fail', objectType: 'app_user', objectId: user.id,
      }));
    }
    throw new LoginFailedError();
  }
  const token = generateSessionToken();
  const expiresAt = new Date(clock.now().getTime() + SESSION_TTL_MS);
  await inScope(db, NO_SITES, async (trx) => {
    await trx.insertInto('session').values({
      id: sessionIdOf(token), user_id: user.id, created_at: clock.now(), expires_at: expiresAt, ip: meta.ip, user_agent: meta.userAgent?.slice(0, 300) ?? null,
    }).execute();
    await writeAudit(trx, clock, { userId: user.id, label: user.username, ip: meta.ip }, {
      platformId: user.platform_id, action: 'session.login', objectType: 'app_user', objectId: user.id,
    });
  });
  return { token, user, expiresAt };
}

/** The session and user behind a cookie token, or null; slides the expiry when half used. */
export async function validateSessionToken(db: Kysely<Database>, clock: Clock, token: string): Promise<{ session: SessionRow; user: SessionUser } | null> {
  const id = sessionIdOf(token);
  return inScope(db, NO_SITES, async (trx) => {
    const row = await trx.selectFrom('session').innerJoin('app_user', 'app_user.id', 'session.user_id')
      .select(['session.id', 'session.user_id', 'session.created_at', 'session.expires_at', 'session.ip', 'session.user_agent'])
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
    if (expiresAt.getTime() - now < REFRESH_WHEN_LEFT_MS) {
      expiresAt = new Date(now + SESSION_TTL_MS);
      await trx.updateTable('session').set({ expires_at: expiresAt }).where('id', '=', id).execute();
    }
    return {
      session: { id: row.id, user_id: row.user_id, created_at: row.created_at, expires_at: expiresAt, ip: row.ip, user_agent: row.user_agent },
      user: { id: row.uid, platform_id: row.platform_id, username: row.username, display_name: row.display_name, is_platform_admin: row.is_platform_admin, locale: row.locale },
    };
  });
}

/** End a session (logout). */
export async function invalidateSession(db: Kysely<Database>, clock: Clock, token: string, user: SessionUser, ip: string | null): Promise<void> {
  await inScope(db, NO_SITES, async (trx) => {
    await trx.deleteFrom('session').where('id', '=', sessionIdOf(token)).execute();
    await writeAudit(trx, clock, { userId: user.id, label: user.username, ip }, {
      platformId: user.platform_id, action: 'session.logout', objectType: 'app_user', objectId: user.id,
    });
  });
}
