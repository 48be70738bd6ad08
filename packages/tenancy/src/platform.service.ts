import type { Kysely } from 'kysely';
import type { Clock } from '@zhanqun/core/clock';
import { invalid } from '@zhanqun/core/errors';
import { newId } from '@zhanqun/core/id';
import { writeAudit, type Actor } from '@zhanqun/audit/audit.writer';
import type { Database, PlatformRow } from '@zhanqun/db/database';
import { inScope, type Db } from '@zhanqun/db/scope';

export interface CreatePlatformInput {
  code: string;
  name: string;
  parentPlatformId?: string | null;
}

/** Find a platform by code (platforms are the registry above tenants; no tenant data here). */
export function findPlatformByCode(db: Db, code: string): Promise<PlatformRow | undefined> {
  return db.selectFrom('platform').select(['id', 'code', 'name', 'parent_platform_id', 'root_org_unit_id', 'created_at'])
    .where('code', '=', code).executeTakeFirst();
}

/** Create a platform. An operator's act (CLI, seed), recorded as the first link of its chain. */
export async function createPlatform(db: Kysely<Database>, clock: Clock, actor: Actor, input: CreatePlatformInput): Promise<PlatformRow> {
  if (!/^[a-z][a-z0-9-]{1,39}$/.test(input.code)) throw invalid('code', 'must be 2–40 lower-case letters, digits or hyphens');
  if (!input.name.trim()) throw invalid('name', 'must not be empty');
  const id = newId();
  return inScope(db, { kind: 'platform', platformIds: [id] }, async (trx) => {
    const row = await trx.insertInto('platform')
      .values({ id, code: input.code, name: input.name.trim(), parent_platform_id: input.parentPlatformId ?? null, root_org_unit_id: null })
      .returning(['id', 'code', 'name', 'parent_platform_id', 'root_org_unit_id', 'created_at'])
      .executeTakeFirstOrThrow();
    await writeAudit(trx, clock, actor, { platformId: id, action: 'platform.create', objectType: 'platform', objectId: id, after: row });
    return row;
  });
}
