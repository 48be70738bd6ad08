import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

export type LegacyGlobalType = 'redirect' | 'gone';
export type LegacySiteState = 'planned' | 'crawling' | 'imported' | 'parallel_run' | 'cut_over' | 'decommissioned';
export type LegacySourceKind = 'wxr' | 'mirror' | 'crawl' | 'csv' | 'json';
/** `interrupted`: the run died before it finished (its process killed, a crash); the next run resumes it. */
export type LegacyRunStatus = 'running' | 'finished' | 'interrupted' | 'rolled_back';

/** A pattern rule: `before` runs ahead of the URL entries on the raw path and query, `after` behind them on the path. */
export interface LegacyRule {
  stage: 'before' | 'after';
  /** A regular expression, matched case-insensitively; `$1`… in the target take its groups. */
  pattern: string;
  status: 301 | 410;
  target?: string | null;
}

/** A legacy site moving onto a platform site (Bouncer's site config, with its move's state). */
export interface LegacySiteTable {
  id: string;
  site_id: string;
  code: string;
  name: string;
  hosts: string[];
  /** Significant query parameters, lower case (Bouncer's `query_params`); others are dropped. */
  query_params: string[];
  /** Archive address prefix; the legacy URL is appended (Bouncer's National Archives link). */
  archive_prefix: string | null;
  homepage_title: string | null;
  global_type: LegacyGlobalType | null;
  global_target: string | null;
  global_append_path: boolean;
  /** Pattern rules (Bouncer's preemptive and fallback rules; transition-config `locations`). */
  rules: ColumnType<LegacyRule[], string | undefined, string>;
  allowed_target_hosts: string[];
  allowed_target_suffixes: string[];
  state: LegacySiteState;
  deadline: ColumnType<string | null, string | null, string | null>;
  created_at: Date;
}
export type LegacySiteRow = Selectable<LegacySiteTable>;
export type NewLegacySiteRow = Insertable<LegacySiteTable>;
export type LegacySiteRowUpdate = Updateable<LegacySiteTable>;

/** One import run: who ran it, from what, and its report. */
export interface LegacyImportRunTable {
  id: string;
  site_id: string;
  legacy_site_id: string;
  source_kind: LegacySourceKind;
  source_name: string;
  operator_user_id: string | null;
  operator_label: string;
  status: Generated<LegacyRunStatus>;
  report: ColumnType<unknown, string | undefined, string>;
  started_at: Date;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  /** The run's last sign of life, beaten while it runs: how a running run is told from one that died. */
  heartbeat_at: Date | null;
  /** The interrupted run this one took over from. */
  resumes_run_id: string | null;
}
export type LegacyImportRunRow = Selectable<LegacyImportRunTable>;

/** The ID map: a legacy item (guid or URL) and what it became. */
export interface LegacyItemTable {
  id: string;
  site_id: string;
  legacy_site_id: string;
  legacy_key: string;
  legacy_url: string | null;
  article_id: string | null;
  url_path_id: string | null;
  /** The revision the import last wrote (an article whose latest revision differs was edited on the platform). */
  revision_id: string | null;
  /** An imported attachment or image (its article links it). */
  attachment_id: Generated<string | null>;
  content_hash: string;
  created_run_id: string;
  updated_run_id: string;
  created_at: Date;
  updated_at: Date;
}
export type LegacyItemRow = Selectable<LegacyItemTable>;
