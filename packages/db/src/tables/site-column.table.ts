import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

/** Census kind (普查): decides the update deadline of a column. */
export type ColumnKind =
  | 'news' | 'notice' | 'policy' | 'personnel' | 'plans'
  | 'interpretation' | 'interaction' | 'service' | 'page' | 'link';
export type ColumnStatus = 'open' | 'merged' | 'closed';

/** A column (栏目) or, at the top level with is_channel, a channel (频道). */
export interface SiteColumnTable {
  id: string;
  site_id: string;
  parent_id: string | null;
  slug: string;
  /** Full path on the site: `/zwgk/tzgg/`. */
  path: string;
  name: string;
  kind: ColumnKind;
  is_channel: boolean;
  sort_order: number;
  description: string | null;
  external_url: string | null;
  template_column_id: string | null;
  status: ColumnStatus;
  /** Where a merged column's path now redirects. */
  merged_into_id: string | null;
  closed_at: Date | null;
  /** A core column (重点栏目): its articles' foreign-language versions are tracked for lag. */
  is_core: Generated<boolean>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  deleted_at: Date | null;
}
export type SiteColumnRow = Selectable<SiteColumnTable>;
export type NewSiteColumnRow = Insertable<SiteColumnTable>;
export type SiteColumnRowUpdate = Updateable<SiteColumnTable>;

/** A column template maintained by a platform's admins (the standard one is built in). */
export interface ColumnTemplateTable {
  id: string;
  platform_id: string;
  code: string;
  name: string;
  created_at: Generated<Date>;
}

export interface ColumnTemplateColumnTable {
  id: string;
  template_id: string;
  parent_id: string | null;
  slug: string;
  name: string;
  kind: ColumnKind;
  sort_order: number;
}
