import type { Insertable, Selectable } from 'kysely';

/** Per-site counters (article serial, index number), locked FOR UPDATE when drawn. */
export interface SiteCounterTable {
  site_id: string;
  name: string;
  value: number;
}
export type SiteCounterRow = Selectable<SiteCounterTable>;
export type NewSiteCounterRow = Insertable<SiteCounterTable>;
