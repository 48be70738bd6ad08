import { sql } from 'kysely';
import type { WorkflowStatus, WorkflowStep } from '@zhanqun/db/database';
import type { Db } from '@zhanqun/db/scope';

/** Where an article stands, as the console's content list filters it. */
export type ArticleState = 'draft' | 'in_review' | 'needs_changes' | 'approved' | 'scheduled' | 'live' | 'withdrawn';
export const ARTICLE_STATES: readonly ArticleState[] = ['draft', 'in_review', 'needs_changes', 'approved', 'scheduled', 'live', 'withdrawn'];

export interface ArticleListFilter {
  columnId?: string;
  state?: ArticleState;
  authorId?: string;
  /** Text in the title (the latest revision's). */
  q?: string;
  /** Updated on or after / before (instants). */
  from?: Date;
  to?: Date;
  limit: number;
  offset: number;
}

export interface ArticleListRow {
  id: string;
  title: string;
  primary_column_id: string;
  column_name: string;
  live: boolean;
  has_unpublished_changes: boolean;
  url_path: string | null;
  index_number: string | null;
  published_at: Date | null;
  updated_at: Date;
  created_by: string | null;
  author_name: string | null;
  scheduled_publish_at: Date | null;
  scheduled_withdraw_at: Date | null;
  withdrawn_at: Date | null;
  run_status: WorkflowStatus | null;
  run_published: boolean;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** A site's articles (not in the trash), newest change first, filtered as the console asks. Run it in scope. */
export async function listArticles(db: Db, siteId: string, f: ArticleListFilter): Promise<{ rows: ArticleListRow[]; total: number }> {
  const latestRun = sql<WorkflowStatus | null>`(select r.status from workflow_run r where r.site_id = a.site_id and r.article_id = a.id
    order by r.submitted_at desc, r.id desc limit 1)`;
  const latestRunPublished = sql<boolean>`coalesce((select exists (select 1 from article_publication p where p.site_id = r.site_id and p.run_id = r.id and p.action = 'publish')
    from workflow_run r where r.site_id = a.site_id and r.article_id = a.id order by r.submitted_at desc, r.id desc limit 1), false)`;
  let q = db.selectFrom('article as a')
    .innerJoin('site_column as c', (j) => j.onRef('c.site_id', '=', 'a.site_id').onRef('c.id', '=', 'a.primary_column_id'))
    .leftJoin('app_user as u', 'u.id', 'a.created_by')
    .where('a.site_id', '=', siteId).where('a.deleted_at', 'is', null);
  if (f.columnId) {
    const columnId = f.columnId;
    q = q.where((eb) => eb.exists(eb.selectFrom('article_placement as p').select('p.article_id')
      .whereRef('p.site_id', '=', 'a.site_id').whereRef('p.article_id', '=', 'a.id').where('p.column_id', '=', columnId)));
  }
  if (f.authorId) q = q.where('a.created_by', '=', f.authorId);
  if (f.q?.trim()) q = q.where('a.draft_title', 'ilike', `%${escapeLike(f.q.trim())}%`);
  if (f.from) q = q.where('a.updated_at', '>=', f.from);
  if (f.to) q = q.where('a.updated_at', '<', f.to);
  switch (f.state) {
    case 'live': q = q.where('a.live', '=', true); break;
    case 'withdrawn': q = q.where('a.live', '=', false).where('a.withdrawn_at', 'is not', null); break;
    case 'scheduled': q = q.where((eb) => eb.or([eb('a.scheduled_publish_at', 'is not', null), eb('a.scheduled_withdraw_at', 'is not', null)])); break;
    case 'in_review': q = q.where(latestRun, '=', 'in_progress'); break;
    case 'needs_changes': q = q.where(latestRun, '=', 'needs_changes'); break;
    case 'approved': q = q.where(latestRun, '=', 'approved').where(latestRunPublished, '=', false); break;
    case 'draft':
      q = q.where('a.live', '=', false).where('a.withdrawn_at', 'is', null)
        .where((eb) => eb.or([eb(latestRun, 'is', null), eb(latestRun, '=', 'cancelled')]));
      break;
    default: break;
  }
  const [rows, count] = await Promise.all([
    q.select([
      'a.id', 'a.draft_title as title', 'a.primary_column_id', 'c.name as column_name', 'a.live', 'a.has_unpublished_changes', 'a.url_path',
      'a.index_number', 'a.published_at', 'a.updated_at', 'a.created_by', 'u.display_name as author_name', 'a.scheduled_publish_at',
      'a.scheduled_withdraw_at', 'a.withdrawn_at', latestRun.as('run_status'), latestRunPublished.as('run_published'),
    ]).orderBy('a.updated_at', 'desc').orderBy('a.id', 'desc').limit(f.limit).offset(f.offset).execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** The state a list row is in (the same rules as the filter above). */
export function stateOf(row: Pick<ArticleListRow, 'live' | 'withdrawn_at' | 'scheduled_publish_at' | 'run_status' | 'run_published'>): ArticleState {
  if (row.scheduled_publish_at) return 'scheduled';
  if (row.run_status === 'in_progress') return 'in_review';
  if (row.run_status === 'needs_changes') return 'needs_changes';
  if (row.run_status === 'approved' && !row.run_published) return 'approved';
  if (row.live) return 'live';
  if (row.withdrawn_at) return 'withdrawn';
  return 'draft';
}

export interface OpenTaskRow {
  task_id: string;
  run_id: string;
  step: WorkflowStep;
  site_id: string;
  article_id: string;
  revision_id: string;
  title: string;
  primary_column_id: string;
  column_name: string;
  submitted_by: string | null;
  submitted_by_name: string | null;
  submitted_at: Date;
  revision_author: string | null;
  platform_id: string;
  parent_site_id: string | null;
  site_name: string;
}

/** Tasks waiting for a reviewer in the scope's sites, oldest first. The caller filters by permission per column. */
export function listOpenTasks(db: Db, steps: readonly WorkflowStep[], limit = 200): Promise<OpenTaskRow[]> {
  if (steps.length === 0) return Promise.resolve([]);
  return db.selectFrom('workflow_task as t')
    .innerJoin('workflow_run as r', (j) => j.onRef('r.site_id', '=', 't.site_id').onRef('r.id', '=', 't.run_id'))
    .innerJoin('article as a', (j) => j.onRef('a.site_id', '=', 'r.site_id').onRef('a.id', '=', 'r.article_id'))
    .innerJoin('article_revision as v', (j) => j.onRef('v.site_id', '=', 'r.site_id').onRef('v.id', '=', 'r.revision_id'))
    .innerJoin('site_column as c', (j) => j.onRef('c.site_id', '=', 'a.site_id').onRef('c.id', '=', 'a.primary_column_id'))
    .leftJoin('app_user as u', 'u.id', 'r.submitted_by')
    .innerJoin('site as s', 's.id', 't.site_id')
    .select([
      's.platform_id', 's.parent_site_id', 's.name as site_name', 't.id as task_id', 'r.id as run_id', 't.step', 't.site_id', 'a.id as article_id', 'r.revision_id', 'v.title', 'a.primary_column_id',
      'c.name as column_name', 'r.submitted_by', 'u.display_name as submitted_by_name', 'r.submitted_at', 'v.created_by as revision_author',
    ])
    .where('t.status', '=', 'in_progress').where('t.step', 'in', [...steps]).where('a.deleted_at', 'is', null)
    .orderBy('r.submitted_at').orderBy('t.id').limit(limit).execute();
}
