import Type, { type Static } from 'typebox';
import type { OrgUnitRow } from '@zhanqun/db/database';
import { Nullable, Timestamp, Uuid } from './site.schema.js';

// API DTOs of the province tree (org units), in camelCase.

export const OrgUnitLevelSchema = Type.Union([
  Type.Literal('province'), Type.Literal('city'), Type.Literal('county'), Type.Literal('township'), Type.Literal('department'),
]);

const DateOnly = Type.String({ format: 'date' });

export const OrgUnitSchema = Type.Object({
  id: Uuid,
  platformId: Uuid,
  parentId: Nullable(Uuid),
  path: Type.String({ description: 'Materialised path of ids, `/<root>/…/<id>/`' }),
  level: OrgUnitLevelSchema,
  name: Type.String(),
  shortName: Nullable(Type.String()),
  divisionCode: Nullable(Type.String({ description: '行政区划代码 (administrative division code)' })),
  validFrom: DateOnly,
  validTo: Nullable(DateOnly),
  oversightUnitId: Nullable(Uuid),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type OrgUnit = Static<typeof OrgUnitSchema>;

export function toOrgUnit(row: OrgUnitRow): OrgUnit {
  return {
    id: row.id, platformId: row.platform_id, parentId: row.parent_id, path: row.path, level: row.level, name: row.name,
    shortName: row.short_name, divisionCode: row.division_code, validFrom: row.valid_from, validTo: row.valid_to,
    oversightUnitId: row.oversight_unit_id, createdAt: new Date(row.created_at).toISOString(), updatedAt: new Date(row.updated_at).toISOString(),
  };
}

export const OrgUnitListSchema = Type.Object({ orgUnits: Type.Array(OrgUnitSchema) });
export type OrgUnitList = Static<typeof OrgUnitListSchema>;

export const CreateOrgUnitSchema = Type.Object({
  parentId: Type.Optional(Nullable(Uuid)),
  level: OrgUnitLevelSchema,
  name: Type.String({ maxLength: 200 }),
  shortName: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
  divisionCode: Type.Optional(Nullable(Type.String({ maxLength: 9, description: '6 or 9 digits' }))),
}, { additionalProperties: false });
export type CreateOrgUnit = Static<typeof CreateOrgUnitSchema>;

/**
 * One change per request — rename (a former name goes to the history), move under another
 * parent, or set the vertical-management overseer (垂直管理) — because each is its own
 * transaction and a request must never half-apply.
 */
export const UpdateOrgUnitSchema = Type.Object({
  name: Type.Optional(Type.String({ maxLength: 200 })),
  parentId: Type.Optional(Uuid),
  oversightUnitId: Type.Optional(Nullable(Uuid)),
}, { minProperties: 1, maxProperties: 1 });
export type UpdateOrgUnit = Static<typeof UpdateOrgUnitSchema>;

export const OrgUnitParamsSchema = Type.Object({ id: Uuid });
export type OrgUnitParams = Static<typeof OrgUnitParamsSchema>;
