import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

export type UrlPathKind = 'live' | 'redirect' | 'gone' | 'legacy' | 'awaiting';

/** Every public path of a site, and what answers it (DESIGN.md, One table for every public path). */
export interface UrlPathTable {
  id: string;
  site_id: string;
  path: string;
  kind: UrlPathKind;
  article_id: string | null;
  column_id: string | null;
  /** Where a redirect or legacy mapping points (a path on the site, or an absolute URL). */
  target: string | null;
  /** Set on legacy URL entries: the legacy site whose URL this (canonical) path is. */
  legacy_site_id: Generated<string | null>;
  /** The legacy URL as first found (before canonicalisation). */
  legacy_url: Generated<string | null>;
  /** A 410 entry's link to the archived page (else the legacy site's archive prefix). */
  archive_url: Generated<string | null>;
  /** A 410 entry's suggested page for the topic. */
  suggested_url: Generated<string | null>;
  hits: Generated<number>;
  last_hit_at: Date | null;
  created_at: Generated<Date>;
}
export type UrlPathRow = Selectable<UrlPathTable>;
export type NewUrlPathRow = Insertable<UrlPathTable>;
export type UrlPathRowUpdate = Updateable<UrlPathTable>;
