import type { Generated, Insertable, Selectable } from 'kysely';

export type Validity = 'valid' | 'amended' | 'repealed';

/** One immutable saved state of an article, with the government-information metadata. */
export interface ArticleRevisionTable {
  id: string;
  site_id: string;
  article_id: string;
  title: string;
  subtitle: string | null;
  summary: string | null;
  /** Sanitised HTML. */
  body_html: string;
  source: string | null;
  author: string | null;
  external_url: string | null;
  /** 发文字号 */
  document_number: string | null;
  /** 发布机构 */
  issuing_organ: string | null;
  /** 成文日期: a date, returned as a string on both drivers. */
  date_written: string | null;
  /** 主题分类 */
  topic_category: string | null;
  validity: Validity | null;
  keywords: string | null;
  tags: Generated<string[]>;
  /** 封面图: an image attachment of the same site. */
  cover_attachment_id: Generated<string | null>;
  created_by: string | null;
  created_at: Generated<Date>;
  /** The live revision of a live article not in the trash: what public requests may read (set by triggers only; migration 2026_11_29_110000). */
  public_live: Generated<boolean>;
}
/** A revision as the app reads it: `public_live` is the public policy's business, never selected. */
export type ArticleRevisionRow = Omit<Selectable<ArticleRevisionTable>, 'public_live'>;
export type NewArticleRevisionRow = Insertable<ArticleRevisionTable>;
