import { invalid } from '@zhanqun/core/errors';
import { newId } from '@zhanqun/core/id';
import { zonedDate } from '@zhanqun/core/time';
import { writeAudit } from '@zhanqun/audit/audit.writer';
import type { ServiceContext } from '@zhanqun/audit/context';
import type { OrgUnitLevel, OrgUnitRow } from '@zhanqun/db/database';
import { sql } from 'kysely';
import { inScope, type Db, type Tx } from '@zhanqun/db/scope';
import { OrgUnitNotFoundError, PlatformAdminRequiredError } from './tenancy.errors.js';

const LEVELS: readonly OrgUnitLevel[] = ['province', 'city', 'county', 'township', 'department'];
/** Which levels may hang under which (a department under any government level). */
export const PARENT_LEVELS: Record<OrgUnitLevel, readonly (OrgUnitLevel | null)[]> = {
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

/** A platform's units in tree order (by materialised path). */
export function listOrgUnits(db: Db, platformId: string): Promise<OrgUnitRow[]> {
  return db.selectFrom('org_unit').select(COLUMNS).where('platform_id', '=', platformId).orderBy('path').execute();
}

async function lockUnit(trx: Tx, id: string): Promise<OrgUnitRow> {
  const unit = await trx.selectFrom('org_unit').select(COLUMNS).where('id', '=', id).forUpdate().executeTakeFirst();
  if (!unit) throw new OrgUnitNotFoundError(id);
  return unit;
}

/** Rename a unit (机构改革): the old name goes to its history with its validity. */
export async function renameOrgUnit(ctx: ServiceContext, id: string, name: string): Promise<OrgUnitRow> {
  const trimmed = name.trim();
  if (!trimmed) throw invalid('name', 'must not be empty');
  return inScope(ctx.db, ctx.scope, async (trx) => {
    const unit = await lockUnit(trx, id);
    if (unit.name === trimmed) return unit;
    const today = zonedDate(ctx.clock.now());
    await trx.insertInto('org_unit_name_history').values({
      id: newId(), org_unit_id: id, platform_id: unit.platform_id, name: unit.name, valid_from: unit.valid_from, valid_to: today,
    }).execute();
    const row = await trx.updateTable('org_unit').set({ name: trimmed, valid_from: today, updated_at: ctx.clock.now() })
      .where('id', '=', id).returning(COLUMNS).executeTakeFirstOrThrow();
    await writeAudit(trx, ctx.clock, ctx.actor, { platformId: unit.platform_id, action: 'org_unit.rename', objectType: 'org_unit', objectId: id, before: { name: unit.name }, after: { name: trimmed } });
    return row;
  });
}

/** Move a unit (and its subtree) under another parent; never under itself or its descendants. */
export async function moveOrgUnit(ctx: ServiceContext, id: string, newParentId: string): Promise<OrgUnitRow> {
  return inScope(ctx.db, ctx.scope, async (trx) => {
    const unit = await lockUnit(trx, id);
    const parent = await findOrgUnitById(trx, newParentId);
    if (!parent) throw new OrgUnitNotFoundError(newParentId);
    if (parent.path.startsWith(unit.path)) throw invalid('parentId', 'a unit cannot be moved under itself or one of its own sub-units');
    if (parent.platform_id !== unit.platform_id) throw invalid('parentId', 'must be a unit of the same platform');
    if (!PARENT_LEVELS[unit.level].includes(parent.level)) throw invalid('parentId', `a ${unit.level} cannot be placed under a ${parent.level}`);
    const newPath = `${parent.path}${id}/`;
    // Rewrite the materialised path of the whole subtree in one statement.
    await sql`update org_unit set path = ${newPath} || substr(path, ${unit.path.length + 1}), updated_at = ${ctx.clock.now()}
      where path like ${`${unit.path}%`}`.execute(trx);
    const row = await trx.updateTable('org_unit').set({ parent_id: parent.id }).where('id', '=', id).returning(COLUMNS).executeTakeFirstOrThrow();
    await writeAudit(trx, ctx.clock, ctx.actor, {
      platformId: unit.platform_id, action: 'org_unit.move', objectType: 'org_unit', objectId: id,
      before: { parentId: unit.parent_id }, after: { parentId: parent.id },
    });
    return row;
  });
}

/**
 * Vertical management (垂直管理, seed §4.1): a unit overseen by its system's upper office as
 * well as its local government. The overseer must be a department and not the unit itself.
 */
export async function setOversightUnit(ctx: ServiceContext, id: string, oversightUnitId: string | null): Promise<OrgUnitRow> {
  return inScope(ctx.db, ctx.scope, async (trx) => {
    const unit = await lockUnit(trx, id);
    if (oversightUnitId !== null) {
      if (oversightUnitId === id) throw invalid('oversightUnitId', 'a unit cannot oversee itself');
      const overseer = await findOrgUnitById(trx, oversightUnitId);
      if (!overseer) throw new OrgUnitNotFoundError(oversightUnitId);
      if (overseer.level !== 'department') throw invalid('oversightUnitId', 'must be a department (the upper office of the system)');
      if (overseer.path.startsWith(unit.path)) throw invalid('oversightUnitId', 'cannot be one of the unit\'s own sub-units');
    }
    const row = await trx.updateTable('org_unit').set({ oversight_unit_id: oversightUnitId, updated_at: ctx.clock.now() })
      .where('id', '=', id).returning(COLUMNS).executeTakeFirstOrThrow();
    await writeAudit(trx, ctx.clock, ctx.actor, {
      platformId: unit.platform_id, action: 'org_unit.oversight', objectType: 'org_unit', objectId: id,
      before: { oversightUnitId: unit.oversight_unit_id }, after: { oversightUnitId },
    });
    return row;
  });
}

/** Former names of a unit, newest first. */
export function findNameHistory(db: Db, id: string) {
  return db.selectFrom('org_unit_name_history').select(['name', 'valid_from', 'valid_to']).where('org_unit_id', '=', id).orderBy('valid_to', 'desc').execute();
}
