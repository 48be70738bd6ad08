import type { Kysely } from 'kysely';
import { webcrypto } from 'node:crypto';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import type { Clock } from '@zhanqun/core/clock';
import { invalid } from '@zhanqun/core/errors';
import { newId } from '@zhanqun/core/id';
import { writeAudit } from '@zhanqun/audit/audit.writer';
import type { ServiceContext } from '@zhanqun/audit/context';
import type { Database } from '@zhanqun/db/database';
import { inScope } from '@zhanqun/db/scope';
import { NotAllowedError } from './identity.errors.js';
import type { Principal } from './policy.js';
import type { SessionUser } from './session.service.js';
import { hashSecret } from './totp.js';
import { NO_SITES } from './user.service.js';

const PREFIX = 'zqt_';

/**
 * A token for a machine client, acting as its user (scoped like it, by the same grants). Shown
 * once; only its SHA-256 is kept. Sent as `Authorization: Bearer zqt_…`; no cookies, no CSRF.
 */
export async function createApiToken(ctx: ServiceContext, principal: Principal, input: { name: string; expiresAt?: Date | null }): Promise<{ id: string; token: string }> {
  if (!input.name.trim()) throw invalid('name', 'must not be empty');
  if (input.expiresAt && input.expiresAt <= ctx.clock.now()) throw invalid('expiresAt', 'must be in the future');
  if (principal.isOutsourced) throw new NotAllowedError('outsourced operators do not get API tokens');
  const token = `${PREFIX}${encodeBase32LowerCaseNoPadding(webcrypto.getRandomValues(new Uint8Array(24)))}`;
  const id = newId();
  await inScope(ctx.db, { ...NO_SITES, userId: principal.userId }, async (trx) => {
    await trx.insertInto('api_token').values({ id, user_id: principal.userId, name: input.name.trim(), token_hash: hashSecret(token), expires_at: input.expiresAt ?? null, last_used_at: null, revoked_at: null }).execute();
    await writeAudit(trx, ctx.clock, ctx.actor, { platformId: principal.platformId, action: 'api_token.create', objectType: 'api_token', objectId: id, after: { name: input.name.trim() } });
  });
  return { id, token };
}

/** The user behind a Bearer token, or null when unknown, revoked, expired or disabled. */
export async function validateApiToken(db: Kysely<Database>, clock: Clock, token: string): Promise<SessionUser | null> {
  if (!token.startsWith(PREFIX)) return null;
  return inScope(db, NO_SITES, async (trx) => {
    const row = await trx.selectFrom('api_token as t').innerJoin('app_user as u', 'u.id', 't.user_id')
      .select(['t.id as tid', 't.expires_at', 't.revoked_at', 'u.id', 'u.platform_id', 'u.username', 'u.display_name', 'u.is_platform_admin', 'u.locale', 'u.disabled_at'])
      .where('t.token_hash', '=', hashSecret(token)).executeTakeFirst();
    const now = clock.now();
    if (!row || row.revoked_at || row.disabled_at || (row.expires_at && row.expires_at <= now)) return null;
    await trx.updateTable('api_token').set({ last_used_at: now }).where('id', '=', row.tid).execute();
    return { id: row.id, platform_id: row.platform_id, username: row.username, display_name: row.display_name, is_platform_admin: row.is_platform_admin, locale: row.locale };
  });
}

/** Revoke one of one's own tokens. */
export async function revokeApiToken(ctx: ServiceContext, principal: Principal, tokenId: string): Promise<void> {
  await inScope(ctx.db, { ...NO_SITES, userId: principal.userId }, async (trx) => {
    const done = await trx.updateTable('api_token').set({ revoked_at: ctx.clock.now() }).where('id', '=', tokenId)
      .where('user_id', '=', principal.userId).where('revoked_at', 'is', null).returning('id').executeTakeFirst();
    if (!done) throw invalid('tokenId', `token ${tokenId} is not one of yours`);
    await writeAudit(trx, ctx.clock, ctx.actor, { platformId: principal.platformId, action: 'api_token.revoke', objectType: 'api_token', objectId: tokenId });
  });
}

/** A user's own tokens for "my account": never the token or its hash, newest first. */
export function listApiTokens(db: Kysely<Database>, userId: string) {
  return inScope(db, { ...NO_SITES, userId }, (trx) => trx.selectFrom('api_token')
    .select(['id', 'name', 'expires_at', 'last_used_at', 'revoked_at', 'created_at'])
    .where('user_id', '=', userId).orderBy('created_at', 'desc').orderBy('id', 'desc').execute());
}
