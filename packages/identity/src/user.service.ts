import type { Kysely } from 'kysely';
import type { Clock } from '@zhanqun/core/clock';
import { invalid } from '@zhanqun/core/errors';
import { newId } from '@zhanqun/core/id';
import { writeAudit, type Actor } from '@zhanqun/audit/audit.writer';
import type { AppUserRow, Database } from '@zhanqun/db/database';
import { inScope, type Db } from '@zhanqun/db/scope';
import { UsernameTakenError } from './identity.errors.js';
import { checkPasswordStrength, hashPassword } from './password.js';

export const USER_COLUMNS = [
  'id', 'platform_id', 'username', 'display_name', 'password_hash', 'is_platform_admin', 'locale', 'disabled_at', 'created_at', 'updated_at',
] as const;

/** Accounts are not tenant rows (no site_id): a transaction with no site in scope still reads them. */
export const NO_SITES = { kind: 'sites', siteIds: [] } as const;

export function findByUsername(db: Db, username: string): Promise<AppUserRow | undefined> {
  return db.selectFrom('app_user').select(USER_COLUMNS).where('username', '=', username.trim().toLowerCase()).executeTakeFirst();
}

export interface CreateAdminInput {
  platformId: string;
  username: string;
  displayName: string;
  password: string;
}

/** Create a platform admin: the bootstrap account (`zhanqun user create-admin`) and the demo's. */
export async function createPlatformAdmin(db: Kysely<Database>, clock: Clock, actor: Actor, input: CreateAdminInput): Promise<AppUserRow> {
  const username = input.username.trim().toLowerCase();
  if (!/^[a-z0-9][a-z0-9._-]{1,63}$/.test(username)) throw invalid('username', 'must be 2–64 lower-case letters, digits, dot, _ or -');
  if (!input.displayName.trim()) throw invalid('displayName', 'must not be empty');
  checkPasswordStrength(input.password);
  const passwordHash = await hashPassword(input.password);
  return inScope(db, { kind: 'platform', platformIds: [input.platformId] }, async (trx) => {
    if (await findByUsername(trx, username)) throw new UsernameTakenError(username);
    const now = clock.now();
    const row = await trx.insertInto('app_user').values({
      id: newId(), platform_id: input.platformId, username, display_name: input.displayName.trim(), password_hash: passwordHash,
      is_platform_admin: true, locale: 'zh-CN', disabled_at: null, created_at: now, updated_at: now,
    }).returning(USER_COLUMNS).executeTakeFirstOrThrow();
    await writeAudit(trx, clock, actor, {
      platformId: input.platformId, action: 'user.create', objectType: 'app_user', objectId: row.id,
      after: { username, displayName: row.display_name, isPlatformAdmin: true },
    });
    return row;
  });
}
