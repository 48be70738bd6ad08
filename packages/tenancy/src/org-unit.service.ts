import { invalid } from '@zhanqun/core/errors';
import { newId } from '@zhanqun/core/id';
import { zonedDate } from '@zhanqun/core/time';
import { writeAudit } from '@zhanqun/audit/audit.writer';
import type { ServiceContext } from '@zhanqun/audit/context';
import type { OrgUnitLevel, OrgUnitRow } from '@zhanqun/db/database';
import { inScope, type Db } from '@zhanqun/db/scope';
import { OrgUnitNotFoundError, PlatformAdminRequiredError } from './tenancy.errors.js';

const LEVELS: readonly OrgUnitLevel[] = ['province', 'city', 'county', 'township', 'department'];
/** Which levels may hang under which (a department under any government level). */
const PARENT_LEVELS: Record<OrgUnitLevel, readonly (OrgUnitLevel | null)[]> = {
  province: [null],
  city: ['province'],
  county: ['city'],
  township: ['county'],
  department: ['province', 'city', 'county'],
};

export interface CreateOrgUnitInput {
  platformId: string;
  parentId: string | null;
  level: OrgUnitLevel;
  name: string;
  shortName?: string | null;
  divisionCode?: string | null;
}

export const ORG_UNIT_COLUMNS = ['id', 'platform_id', 'parent_id', 'path', 'level', 'name', 'short_name', 'division_code', 'valid_from', 'valid_to', 'oversight_unit_id', 'created_at', 'updated_at'] as const;
const COLUMNS = ORG_UNIT_COLUMNS;

export function findOrgUnitById(db: Db, id: string): Promise<OrgUnitRow | undefined> {
  return db.selectFrom('org_unit').select(COLUMNS).where('id', '=', id).executeTakeFirst();
}

export function findOrgUnitByName(db: Db, platformId: string, name: string): Promise<OrgUnitRow | undefined> {
  return db.selectFrom('org_unit').select(COLUMNS).where('platform_id', '=', platformId).where('name', '=', name).executeTakeFirst();
}

/** Everything under a unit, itself included: one indexed prefix query on the materialised path. */
export function findSubtree(db: Db, unit: Pick<OrgUnitRow, 'path'>): Promise<OrgUnitRow[]> {
  return db.selectFrom('org_unit').select(COLUMNS).where('path', 'like', `${unit.path}%`).orderBy('path').execute();
}

/** Add a unit to the province tree. */
export async function createOrgUnit(ctx: ServiceContext, input: CreateOrgUnitInput): Promise<OrgUnitRow> {
  if (ctx.scope.kind !== 'platform') throw new PlatformAdminRequiredError();
  if (!LEVELS.includes(input.level)) throw invalid('level', `must be one of ${LEVELS.join(', ')}`);
  const name = input.name.trim();
  if (!name) throw invalid('name', 'must not be empty');
  if (input.divisionCode != null && !/^\d{6}(\d{3})?$/.test(input.divisionCode)) {
    throw invalid('divisionCode', 'must be a 6- or 9-digit administrative division code');
  }
  return inScope(ctx.db, ctx.scope, async (trx) => {
    const parent = input.parentId ? await findOrgUnitById(trx, input.parentId) : undefined;
    if (input.parentId && !parent) throw new OrgUnitNotFoundError(input.parentId);
    if (!PARENT_LEVELS[input.level].includes(parent?.level ?? null)) {
      throw invalid('parentId', `a ${input.level} cannot be placed under ${parent ? `a ${parent.level}` : 'nothing'}`);
    }
    const id = newId();
    const row = await trx.insertInto('org_unit').values({
      id,
      platform_id: input.platformId,
      parent_id: parent?.id ?? null,
      path: `${parent?.path ?? '/'}${id}/`,
      level: input.level,
      name,
      short_name: input.shortName ?? null,
      division_code: input.divisionCode ?? null,
      valid_from: zonedDate(ctx.clock.now()),
      valid_to: null,
      oversight_unit_id: null,
    }).returning(COLUMNS).executeTakeFirstOrThrow();
    if (!parent) {
      await trx.updateTable('platform').set({ root_org_unit_id: id }).where('id', '=', input.platformId).where('root_org_unit_id', 'is', null).execute();
    }
    await writeAudit(trx, ctx.clock, ctx.actor, { platformId: input.platformId, action: 'org_unit.create', objectType: 'org_unit', objectId: id, after: row });
    return row;
  });
}
