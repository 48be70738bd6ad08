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
  /** In the trash since (30 days, then a platform admin may purge). */
  deleted_at: Generated<Date | null>;
  deleted_by: Generated<string | null>;
  /** Taken off the public site (its URL answers 410). */
  withdrawn_at: Generated<Date | null>;
  /** When the approved revision goes live by itself (the scheduler's periodic job). */
  scheduled_publish_at: Generated<Date | null>;
  scheduled_withdraw_at: Generated<Date | null>;
  /** Who set the schedule: the scheduled publish or withdrawal is done in this person's name. */
  scheduled_by: Generated<string | null>;
  /** A policy interpretation (政策解读) names the policy document it explains. */
  interprets_article_id: Generated<string | null>;
  /** zh-CN, or a foreign-language version's locale (its column tree lives under /<locale>/). */
  locale: Generated<string>;
  /** Shared by an article and its translations. */
  translation_key: Generated<string | null>;
}
export type ArticleRow = Selectable<ArticleTable>;
export type NewArticleRow = Insertable<ArticleTable>;
export type ArticleRowUpdate = Updateable<ArticleTable>;
