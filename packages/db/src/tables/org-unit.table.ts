import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

export type OrgUnitLevel = 'province' | 'city' | 'county' | 'township' | 'department';

/** A node of the province tree (省 → 市 → 县, departments at each level, townships under counties). */
export interface OrgUnitTable {
  id: string;
  platform_id: string;
  parent_id: string | null;
  /** Materialised path of ids, `/<root>/<…>/<id>/`: "everything under X" is one prefix query. */
  path: string;
  level: OrgUnitLevel;
  name: string;
  short_name: string | null;
  /** 行政区划代码 where it applies. */
  division_code: string | null;
  valid_from: string;
  valid_to: string | null;
  created_at: Generated<Date>;
}
export type OrgUnitRow = Selectable<OrgUnitTable>;
export type NewOrgUnitRow = Insertable<OrgUnitTable>;
export type OrgUnitRowUpdate = Updateable<OrgUnitTable>;
