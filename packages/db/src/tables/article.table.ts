import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

/** An article (稿件). Content lives in immutable revisions; this row points at them (after Wagtail). */
export interface ArticleTable {
  id: string;
  site_id: string;
  primary_column_id: string;
  live: Generated<boolean>;
  has_unpublished_changes: Generated<boolean>;
  live_revision_id: string | null;
  latest_revision_id: string | null;
  /** Title of the latest revision, for lists in the console. */
  draft_title: string;
  /** Public path, stored at first publish and never recomputed. */
  url_path: string | null;
  serial_no: number | null;
  /** 索引号: assigned at first publish, immutable. */
  index_number: string | null;
  first_published_at: Date | null;
  last_published_at: Date | null;
  /** Publish time shown to readers (PubDate); may differ from when it went live (imports). */
  published_at: Date | null;
  created_by: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  deleted_at: Date | null;
}
export type ArticleRow = Selectable<ArticleTable>;
export type NewArticleRow = Insertable<ArticleTable>;
export type ArticleRowUpdate = Updateable<ArticleTable>;
