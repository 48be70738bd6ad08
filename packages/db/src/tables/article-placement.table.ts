import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

/** An article shown in a column: its primary column, or another column of the same site. */
export interface ArticlePlacementTable {
  site_id: string;
  article_id: string;
  column_id: string;
  /** 置顶 */
  pinned: Generated<boolean>;
  sort_order: Generated<number>;
  created_at: Generated<Date>;
  /** Its article is live and not in the trash (kept by triggers from the article; migration 120000). */
  listed: Generated<boolean>;
  /** Its article's publication time (kept by triggers from the article). */
  published_at: Generated<Date | null>;
}
export type ArticlePlacementRow = Selectable<ArticlePlacementTable>;
export type NewArticlePlacementRow = Insertable<ArticlePlacementTable>;
export type ArticlePlacementRowUpdate = Updateable<ArticlePlacementTable>;

/**
 * How many live articles a column lists (placements with `listed`), pinned and not: kept by
 * statement triggers on article_placement (migration 2026_11_29_100000), read by column pages.
 */
export interface ColumnListingTable {
  site_id: string;
  column_id: string;
  pinned: number;
  unpinned: number;
}
