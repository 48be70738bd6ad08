import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

export type SiteKind = 'portal' | 'department' | 'sub_site';
export type SiteStatus = 'provisioning' | 'live' | 'migrating' | 'closed';

/** A government website (网站). Its own id is its tenant key. */
export interface SiteTable {
  id: string;
  platform_id: string;
  org_unit_id: string;
  parent_site_id: string | null;
  kind: SiteKind;
  status: SiteStatus;
  /** Short ASCII code: the dev host `<code>.localhost`. */
  code: string;
  name: string;
  /** 网站标识码 (10 chars); null for sub-sites, which show their parent's. */
  site_id_code: string | null;
  icp_number: string | null;
  /** 公安机关备案号 */
  psb_number: string | null;
  /** 主办单位 */
  sponsor: string | null;
  contact: string | null;
  default_locale: string;
  theme: string;
  /** Foreign-language versions (en …), each under its locale prefix. */
  locales: Generated<string[]>;
  closed_at: Date | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  deleted_at: Date | null;
}
export type SiteRow = Selectable<SiteTable>;
export type NewSiteRow = Insertable<SiteTable>;
export type SiteRowUpdate = Updateable<SiteTable>;
