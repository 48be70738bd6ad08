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
  /** 垂直管理: the upper office of its system that oversees it besides the local government. */
  oversight_unit_id: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** Former names of a unit (机构改革, a county becoming a district), with their validity. */
export interface OrgUnitNameHistoryTable {
  id: string;
  org_unit_id: string;
  platform_id: string;
  name: string;
  valid_from: string;
  valid_to: string;
  created_at: Generated<Date>;
}
export type OrgUnitRow = Selectable<OrgUnitTable>;
export type NewOrgUnitRow = Insertable<OrgUnitTable>;
export type OrgUnitRowUpdate = Updateable<OrgUnitTable>;
