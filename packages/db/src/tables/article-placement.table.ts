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
}
export type ArticlePlacementRow = Selectable<ArticlePlacementTable>;
export type NewArticlePlacementRow = Insertable<ArticlePlacementTable>;
export type ArticlePlacementRowUpdate = Updateable<ArticlePlacementTable>;
