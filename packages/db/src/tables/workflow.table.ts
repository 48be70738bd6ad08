import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

export type WorkflowStep = 'review' | 'secrecy_review';
export type WorkflowStatus = 'in_progress' | 'approved' | 'needs_changes' | 'cancelled';

/** One revision on its way through its column's review tasks (after Wagtail's WorkflowState). */
export interface WorkflowRunTable {
  id: string;
  site_id: string;
  article_id: string;
  revision_id: string;
  status: WorkflowStatus;
  /** The tasks of the run in order, fixed at submission (secrecy review left out when waived). */
  steps: WorkflowStep[];
  current_step: Generated<number>;
  secrecy_waived: Generated<boolean>;
  submitted_by: string | null;
  submitted_at: Date;
  finished_at: Date | null;
}
export type WorkflowRunRow = Selectable<WorkflowRunTable>;
export type NewWorkflowRunRow = Insertable<WorkflowRunTable>;
export type WorkflowRunRowUpdate = Updateable<WorkflowRunTable>;

/** One step of a run as somebody acted on it. */
export interface WorkflowTaskTable {
  id: string;
  site_id: string;
  run_id: string;
  step: WorkflowStep;
  position: number;
  status: WorkflowStatus;
  acted_by: string | null;
  acted_at: Date | null;
  /** Required for needs_changes: the reason the editor sees. */
  comment: string | null;
  created_at: Date;
}
export type WorkflowTaskRow = Selectable<WorkflowTaskTable>;
export type NewWorkflowTaskRow = Insertable<WorkflowTaskTable>;
export type WorkflowTaskRowUpdate = Updateable<WorkflowTaskTable>;

/** A platform admin's waiver of secrecy review for one column kind. */
export interface SecrecyWaiverTable {
  platform_id: string;
  column_kind: string;
  reason: string;
  waived_by: string | null;
  waived_at: Date;
}
export type SecrecyWaiverRow = Selectable<SecrecyWaiverTable>;

/** The record of a publish or withdrawal, naming everyone answerable for it (谁发布谁负责). */
export interface ArticlePublicationTable {
  id: string;
  site_id: string;
  article_id: string;
  revision_id: string;
  run_id: string | null;
  action: 'publish' | 'withdraw';
  written_by: string | null;
  reviewed_by: string | null;
  secrecy_reviewed_by: string | null;
  secrecy_waived: Generated<boolean>;
  released_by: string | null;
  released_at: Date;
  scheduled: Generated<boolean>;
}
export type ArticlePublicationRow = Selectable<ArticlePublicationTable>;
export type NewArticlePublicationRow = Insertable<ArticlePublicationTable>;
