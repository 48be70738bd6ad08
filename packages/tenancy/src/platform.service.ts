import type { Kysely } from 'kysely';
import type { Clock } from '@zhanqun/core/clock';
import { invalid } from '@zhanqun/core/errors';
import { newId } from '@zhanqun/core/id';
import { writeAudit, type Actor } from '@zhanqun/audit/audit.writer';
import type { Database, PlatformRow } from '@zhanqun/db/database';
import { inScope, type Db, type Scope } from '@zhanqun/db/scope';
import type { ServiceContext } from '@zhanqun/audit/context';
import { PlatformAdminRequiredError } from './tenancy.errors.js';

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

/**
 * What a platform admin may touch: every site of its own platform (write), and, read-only,
 * the city platforms under it (seed §4.2: the province oversees city platforms).
 */
export async function platformAdminScope(db: Kysely<Database>, platformId: string): Promise<Scope> {
  const children = await inScope(db, { kind: 'sites', siteIds: [] }, (trx) =>
    trx.selectFrom('platform').select('id').where('parent_platform_id', '=', platformId).execute());
  return { kind: 'platform', platformIds: [platformId], oversightPlatformIds: children.map((c) => c.id) };
}

export interface CreateCityPlatformInput {
  code: string;
  name: string;
  /** The city's org unit: it, its subtree and their sites move to the new platform. */
  rootOrgUnitId: string;
}

/**
 * A city "with the conditions" runs its own platform for its subtree (seed §4.2). The province's
 * admin creates it; the subtree's units and sites move over, and the province keeps read-only
 * oversight through platformAdminScope.
 */
export async function createCityPlatform(ctx: ServiceContext, input: CreateCityPlatformInput): Promise<PlatformRow> {
  if (ctx.scope.kind !== 'platform' || ctx.scope.platformIds.length !== 1) throw new PlatformAdminRequiredError();
  const parentPlatformId = ctx.scope.platformIds[0]!;
  if (!/^[a-z][a-z0-9-]{1,39}$/.test(input.code)) throw invalid('code', 'must be 2–40 lower-case letters, digits or hyphens');
  if (!input.name.trim()) throw invalid('name', 'must not be empty');
  const id = newId();
  // One transaction scoped to both platforms: the rows move from one to the other.
  return inScope(ctx.db, { kind: 'platform', platformIds: [parentPlatformId, id] }, async (trx) => {
    const root = await trx.selectFrom('org_unit').select(['id', 'path', 'level', 'platform_id']).where('id', '=', input.rootOrgUnitId).executeTakeFirst();
    if (!root || root.platform_id !== parentPlatformId) throw invalid('rootOrgUnitId', 'must be a unit of this platform');
    if (root.level !== 'city') throw invalid('rootOrgUnitId', 'only a city (设区市) may run its own platform');
    const row = await trx.insertInto('platform')
      .values({ id, code: input.code, name: input.name.trim(), parent_platform_id: parentPlatformId, root_org_unit_id: root.id })
      .returning(['id', 'code', 'name', 'parent_platform_id', 'root_org_unit_id', 'created_at'])
      .executeTakeFirstOrThrow();
    const units = await trx.updateTable('org_unit').set({ platform_id: id }).where('path', 'like', `${root.path}%`).returning('id').execute();
    const sites = await trx.updateTable('site').set({ platform_id: id })
      .where('org_unit_id', 'in', units.map((u) => u.id)).returning('id').execute();
    await writeAudit(trx, ctx.clock, ctx.actor, {
      platformId: parentPlatformId, action: 'platform.create', objectType: 'platform', objectId: id,
      after: { ...row, units: units.length, sites: sites.length },
    });
    await writeAudit(trx, ctx.clock, ctx.actor, { platformId: id, action: 'platform.create', objectType: 'platform', objectId: id, after: row });
    return row;
  });
}
