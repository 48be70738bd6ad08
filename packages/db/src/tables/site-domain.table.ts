import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

export type DomainRole = 'primary' | 'alias' | 'legacy';

/**
 * A (host, path prefix) a site answers on. A site's own hosts have prefix `/`; a sub-site
 * mounted on its parent's host has a row with that host and its prefix (`/cgz/`).
 */
export interface SiteDomainTable {
  id: string;
  site_id: string;
  host: string;
  path_prefix: string;
  role: DomainRole;
  created_at: Generated<Date>;
}
export type SiteDomainRow = Selectable<SiteDomainTable>;
export type NewSiteDomainRow = Insertable<SiteDomainTable>;
export type SiteDomainRowUpdate = Updateable<SiteDomainTable>;
