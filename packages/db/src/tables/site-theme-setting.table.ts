import type { Insertable, Selectable } from 'kysely';

/** JSON values of theme settings: strings, booleans and lists of column paths. */
export type ThemeSettingValue = string | boolean | string[];

/** A site's values for its theme pack's settings (config.custom), one row per site and pack. */
export interface SiteThemeSettingTable {
  site_id: string;
  theme: string;
  /** Only the values the site changed; the pack's defaults fill the rest at render time. */
  settings: Record<string, ThemeSettingValue>;
  updated_by: string | null;
  updated_at: Date;
}
export type SiteThemeSettingRow = Selectable<SiteThemeSettingTable>;
export type NewSiteThemeSettingRow = Insertable<SiteThemeSettingTable>;

/** A site's own version of one partial of its pack (checked when saved, theme-overrides.ts). */
export interface SitePartialOverrideTable {
  site_id: string;
  theme: string;
  name: string;
  source: string;
  updated_by: string | null;
  updated_at: Date;
}
export type SitePartialOverrideRow = Selectable<SitePartialOverrideTable>;
