import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

/** A technical platform hosting a subtree of the province (the province's own, or a city's). */
export interface PlatformTable {
  id: string;
  code: string;
  name: string;
  /** The platform whose admins keep read-only oversight of this one (null for the province). */
  parent_platform_id: string | null;
  root_org_unit_id: string | null;
  created_at: Generated<Date>;
}
export type PlatformRow = Selectable<PlatformTable>;
export type NewPlatformRow = Insertable<PlatformTable>;
export type PlatformRowUpdate = Updateable<PlatformTable>;
