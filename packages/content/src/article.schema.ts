import Type, { type Static } from 'typebox';
import type { ArticlePublicationRow, ArticleRevisionRow, ArticleRow, WorkflowTaskRow } from '@zhanqun/db/database';
import { ColumnKindSchema } from '@zhanqun/tenancy/column.schema';
import { Nullable, Timestamp, Uuid } from '@zhanqun/tenancy/site.schema';
import { ARTICLE_STATES, stateOf, type ArticleListRow } from './article-list.repository.js';
import type { RunWithTasks } from './workflow.service.js';

// API DTOs of articles (稿件), their revisions and their workflow, in camelCase.

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());
const DateOnly = Type.String({ format: 'date', description: '`yyyy-MM-dd`' });
const Text = (maxLength: number, description?: string) => Type.Optional(Nullable(Type.String({ maxLength, ...(description ? { description } : {}) })));

export const ArticleStateSchema = Type.Union([
  Type.Literal('draft'), Type.Literal('in_review'), Type.Literal('needs_changes'), Type.Literal('approved'), Type.Literal('scheduled'),
  Type.Literal('live'), Type.Literal('withdrawn'),
], { description: ARTICLE_STATES.join(' | ') });
export const ValiditySchema = Type.Union([Type.Literal('valid'), Type.Literal('amended'), Type.Literal('repealed')], { description: '有效性' });

const ContentProperties = {
  title: Type.String({ minLength: 1, maxLength: 200 }),
  subtitle: Text(200),
  summary: Text(2000),
  bodyHtml: Type.String({ maxLength: 2_000_000, description: 'Rich text; sanitised against the allow-list on save' }),
  source: Text(200, '来源'),
  author: Text(200),
  documentNumber: Text(200, '发文字号'),
  issuingOrgan: Text(200, '发布机构'),
  dateWritten: Type.Optional(Nullable(DateOnly)),
  topicCategory: Text(200, '主题分类'),
  validity: Type.Optional(Nullable(ValiditySchema)),
  keywords: Text(500),
  attachmentIds: Type.Optional(Type.Array(Uuid, { maxItems: 100, description: 'Uploaded attachments of the site this revision carries, in order' })),
  tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 40 }), { maxItems: 20, description: '标签' })),
  externalUrl: Type.Optional(Nullable(Type.String({ maxLength: 2000, description: 'An external-link article (外链稿件): lists link straight here' }))),
  coverAttachmentId: Type.Optional(Nullable(Type.String({ format: 'uuid', description: '封面图: an image attachment of the site' }))),
};

export const CreateArticleSchema = Type.Object({ columnId: Uuid, ...ContentProperties }, { additionalProperties: false });
export const SaveRevisionSchema = Type.Object({
  baseRevisionId: Type.String({ format: 'uuid', description: 'The revision this edit started from; refused with 409 if someone saved since' }),
  ...ContentProperties,
}, { additionalProperties: false });

export const RevisionSchema = Type.Object({
  id: Uuid,
  articleId: Uuid,
  title: Type.String(),
  subtitle: Nullable(Type.String()),
  summary: Nullable(Type.String()),
  bodyHtml: Type.String(),
  source: Nullable(Type.String()),
  author: Nullable(Type.String()),
  documentNumber: Nullable(Type.String()),
  issuingOrgan: Nullable(Type.String()),
  dateWritten: Nullable(Type.String()),
  topicCategory: Nullable(Type.String()),
  validity: Nullable(ValiditySchema),
  keywords: Nullable(Type.String()),
  tags: Type.Array(Type.String()),
  externalUrl: Nullable(Type.String()),
  coverAttachmentId: Nullable(Uuid),
  createdBy: Nullable(Uuid),
  createdAt: Timestamp,
});
export type Revision = Static<typeof RevisionSchema>;

export function toRevision(r: ArticleRevisionRow): Revision {
  return {
    id: r.id, articleId: r.article_id, title: r.title, subtitle: r.subtitle, summary: r.summary, bodyHtml: r.body_html, source: r.source,
    author: r.author, documentNumber: r.document_number, issuingOrgan: r.issuing_organ, dateWritten: r.date_written,
    topicCategory: r.topic_category, validity: r.validity, keywords: r.keywords, tags: r.tags, externalUrl: r.external_url,
    coverAttachmentId: r.cover_attachment_id, createdBy: r.created_by, createdAt: iso(r.created_at)!,
  };
}

export const ArticleSchema = Type.Object({
  id: Uuid,
  siteId: Uuid,
  primaryColumnId: Uuid,
  title: Type.String({ description: 'The latest revision\'s title' }),
  live: Type.Boolean(),
  hasUnpublishedChanges: Type.Boolean(),
  url: Nullable(Type.String({ description: 'Path on the site, fixed at first publish' })),
  indexNumber: Nullable(Type.String({ description: '索引号, fixed at first publish' })),
  liveRevisionId: Nullable(Uuid),
  latestRevisionId: Nullable(Uuid),
  publishedAt: Nullable(Timestamp),
  scheduledPublishAt: Nullable(Timestamp),
  scheduledWithdrawAt: Nullable(Timestamp),
  withdrawnAt: Nullable(Timestamp),
  deletedAt: Nullable(Timestamp),
  interpretsArticleId: Nullable(Uuid),
  locale: Type.String({ description: 'zh-CN, or the locale of a foreign-language version' }),
  translationKey: Nullable(Uuid),
  createdBy: Nullable(Uuid),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Article = Static<typeof ArticleSchema>;

export function toArticle(a: ArticleRow): Article {
  return {
    id: a.id, siteId: a.site_id, primaryColumnId: a.primary_column_id, title: a.draft_title, live: a.live,
    hasUnpublishedChanges: a.has_unpublished_changes, url: a.url_path, indexNumber: a.index_number, liveRevisionId: a.live_revision_id,
    latestRevisionId: a.latest_revision_id, publishedAt: iso(a.published_at), scheduledPublishAt: iso(a.scheduled_publish_at),
    scheduledWithdrawAt: iso(a.scheduled_withdraw_at), withdrawnAt: iso(a.withdrawn_at), deletedAt: iso(a.deleted_at),
    interpretsArticleId: a.interprets_article_id, locale: a.locale, translationKey: a.translation_key,
    createdBy: a.created_by, createdAt: iso(a.created_at)!, updatedAt: iso(a.updated_at)!,
  };
}

const StatusSchema = Type.Union([Type.Literal('in_progress'), Type.Literal('approved'), Type.Literal('needs_changes'), Type.Literal('cancelled')]);
const StepSchema = Type.Union([Type.Literal('review'), Type.Literal('secrecy_review')]);

export const TaskSchema = Type.Object({
  id: Uuid, step: StepSchema, position: Type.Integer(), status: StatusSchema, actedBy: Nullable(Uuid), actedAt: Nullable(Timestamp),
  comment: Nullable(Type.String({ description: 'The reviewer\'s note; for needs_changes, the reason' })),
});
export const RunSchema = Type.Object({
  id: Uuid, articleId: Uuid, revisionId: Uuid, status: StatusSchema, steps: Type.Array(StepSchema), currentStep: Type.Integer(),
  secrecyWaived: Type.Boolean(), submittedBy: Nullable(Uuid), submittedAt: Timestamp, finishedAt: Nullable(Timestamp),
  tasks: Type.Array(TaskSchema),
});
export type Run = Static<typeof RunSchema>;

const toTask = (t: WorkflowTaskRow) => ({
  id: t.id, step: t.step, position: t.position, status: t.status, actedBy: t.acted_by, actedAt: iso(t.acted_at), comment: t.comment,
});
export function toRun(r: RunWithTasks): Run {
  return {
    id: r.id, articleId: r.article_id, revisionId: r.revision_id, status: r.status, steps: r.steps, currentStep: r.current_step,
    secrecyWaived: r.secrecy_waived, submittedBy: r.submitted_by, submittedAt: iso(r.submitted_at)!, finishedAt: iso(r.finished_at),
    tasks: [...r.tasks].sort((a, b) => a.position - b.position).map(toTask),
  };
}

export const PublicationSchema = Type.Object({
  id: Uuid, action: Type.Union([Type.Literal('publish'), Type.Literal('withdraw')]), revisionId: Uuid, runId: Nullable(Uuid),
  releasedAt: Timestamp, scheduled: Type.Boolean(), secrecyWaived: Type.Boolean(),
  writtenBy: Nullable(Type.String()), reviewedBy: Nullable(Type.String()), secrecyReviewedBy: Nullable(Type.String()), releasedBy: Nullable(Type.String()),
}, { description: 'Who wrote, reviewed, secrecy-reviewed and released it (谁发布谁负责), by display name' });

type HistoryRow = Pick<ArticlePublicationRow, 'id' | 'action' | 'revision_id' | 'run_id' | 'released_at' | 'scheduled' | 'secrecy_waived'> & {
  written_by_name: string | null; reviewed_by_name: string | null; secrecy_reviewed_by_name: string | null; released_by_name: string | null;
};
export function toPublication(p: HistoryRow): Static<typeof PublicationSchema> {
  return {
    id: p.id, action: p.action, revisionId: p.revision_id, runId: p.run_id, releasedAt: iso(p.released_at)!, scheduled: p.scheduled,
    secrecyWaived: p.secrecy_waived, writtenBy: p.written_by_name, reviewedBy: p.reviewed_by_name,
    secrecyReviewedBy: p.secrecy_reviewed_by_name, releasedBy: p.released_by_name,
  };
}

export const AttachmentSchema = Type.Object({
  id: Uuid, filename: Type.String(), mediaType: Type.String(), size: Type.Integer(),
  url: Type.String({ description: 'Path on the site\'s hosts; answers only while a live revision carries the file' }),
});
export const toAttachment = (a: { id: string; filename: string; media_type: string; size: number }) => ({
  id: a.id, filename: a.filename, mediaType: a.media_type, size: Number(a.size), url: attachmentPath(a.id, a.filename),
});
/** The public path of an attachment under its site's mount (`/_files/` is reserved on every site). */
export const attachmentPath = (id: string, filename: string) => `/_files/${id}/${encodeURIComponent(filename)}`;
const ATTACHMENT_PATH = /^\/_files\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:\/|$)/;
/** The attachment id a `/_files/<id>/<name>` path names (attachmentPath's inverse), or null. */
export const attachmentIdOf = (path: string): string | null => ATTACHMENT_PATH.exec(path)?.[1] ?? null;

export const ArticleDetailSchema = Type.Object({
  article: ArticleSchema,
  latestRevision: RevisionSchema,
  attachments: Type.Array(AttachmentSchema, { description: 'The latest revision\'s attachments' }),
  runs: Type.Array(RunSchema),
  publications: Type.Array(PublicationSchema),
});

export const ArticleListItemSchema = Type.Object({
  id: Uuid, title: Type.String(), state: ArticleStateSchema, primaryColumnId: Uuid, columnName: Type.String(), live: Type.Boolean(),
  hasUnpublishedChanges: Type.Boolean(), url: Nullable(Type.String()), indexNumber: Nullable(Type.String()), publishedAt: Nullable(Timestamp),
  updatedAt: Timestamp, authorId: Nullable(Uuid), authorName: Nullable(Type.String()), scheduledPublishAt: Nullable(Timestamp),
});
export function toListItem(r: ArticleListRow): Static<typeof ArticleListItemSchema> {
  return {
    id: r.id, title: r.title, state: stateOf(r), primaryColumnId: r.primary_column_id, columnName: r.column_name, live: r.live,
    hasUnpublishedChanges: r.has_unpublished_changes, url: r.url_path, indexNumber: r.index_number, publishedAt: iso(r.published_at),
    updatedAt: iso(r.updated_at)!, authorId: r.created_by, authorName: r.author_name, scheduledPublishAt: iso(r.scheduled_publish_at),
  };
}
export const ArticleListSchema = Type.Object({ articles: Type.Array(ArticleListItemSchema), total: Type.Integer() });

export const ArticleListQuerySchema = Type.Object({
  columnId: Type.Optional(Uuid),
  state: Type.Optional(ArticleStateSchema),
  authorId: Type.Optional(Uuid),
  q: Type.Optional(Type.String({ maxLength: 200 })),
  from: Type.Optional(Timestamp),
  to: Type.Optional(Timestamp),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
}, { additionalProperties: false });

export const ArticleParamsSchema = Type.Object({ id: Uuid, articleId: Uuid });
export const RunParamsSchema = Type.Object({ id: Uuid, runId: Uuid });
export const RevisionParamsSchema = Type.Object({ id: Uuid, articleId: Uuid, revisionId: Uuid });

export const PublishSchema = Type.Object({
  at: Type.Optional(Nullable(Timestamp)),
}, { additionalProperties: false, description: 'Publish now, or at `at` (rounded down to the minute)' });
export const WithdrawSchema = Type.Object({
  reason: Type.String({ minLength: 1, maxLength: 2000 }),
  at: Type.Optional(Nullable(Timestamp)),
}, { additionalProperties: false });
export const ApproveSchema = Type.Object({ comment: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))) }, { additionalProperties: false });
export const RequestChangesSchema = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 2000, description: 'What must change; shown to the editor' }) }, { additionalProperties: false });
export const RestoreRevisionSchema = Type.Object({ baseRevisionId: Uuid }, { additionalProperties: false });

export const PublishResultSchema = Type.Object({
  status: Type.Union([Type.Literal('published'), Type.Literal('scheduled'), Type.Literal('withdrawn')]),
  article: ArticleSchema,
});

export const RevisionListSchema = Type.Object({
  revisions: Type.Array(Type.Object({ id: Uuid, title: Type.String(), createdBy: Nullable(Uuid), createdAt: Timestamp })),
});
const DiffPartSchema = Type.Object({ op: Type.Union([Type.Literal('same'), Type.Literal('add'), Type.Literal('del')]), text: Type.String() });
export const DiffSchema = Type.Object({ fromId: Uuid, toId: Uuid, title: Type.Array(DiffPartSchema), body: Type.Array(DiffPartSchema) });
export const DiffQuerySchema = Type.Object({ from: Uuid, to: Uuid }, { additionalProperties: false });

export const TaskListSchema = Type.Object({
  tasks: Type.Array(Type.Object({
    taskId: Uuid, runId: Uuid, step: StepSchema, siteId: Uuid, articleId: Uuid, revisionId: Uuid, title: Type.String(),
    columnId: Uuid, columnName: Type.String(), submittedBy: Nullable(Type.String()), submittedAt: Timestamp,
  })),
});

export const WaiverParamsSchema = Type.Object({ platformId: Uuid, kind: ColumnKindSchema });
export const WaiverSchema = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false });

export const InterpretsSchema = Type.Object({
  policyArticleId: Type.Union([Uuid, Type.Null()], { description: 'The policy document (in a 政策文件 column) this article interprets; null to unlink' }),
}, { additionalProperties: false });
export const UninterpretedSchema = Type.Object({
  policies: Type.Array(Type.Object({
    id: Uuid, title: Type.String(), url: Nullable(Type.String()), indexNumber: Nullable(Type.String()), publishedAt: Nullable(Timestamp), columnName: Type.String(),
  })),
});

export const ChecksSchema = Type.Object({
  blocked: Type.Boolean({ description: 'True when a finding blocks submission and publishing' }),
  findings: Type.Array(Type.Object({
    code: Type.String({ description: 'serious_error | required_missing | image_alt_missing | dead_internal_link' }),
    severity: Type.Union([Type.Literal('block'), Type.Literal('warn')]),
    field: Type.String(),
    message: Type.String(),
    messageZh: Type.String(),
    detail: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  })),
  externalLinks: Type.Array(Type.String(), { description: 'Links to other hosts, checked asynchronously' }),
});

export const CreateTranslationSchema = Type.Object({ locale: Type.String({ maxLength: 10 }), ...CreateArticleSchema.properties }, { additionalProperties: false });
export const TranslationLagSchema = Type.Object({
  rows: Type.Array(Type.Object({
    originalId: Uuid, title: Type.String(), columnName: Type.String(), publishedAt: Timestamp, locale: Type.String(),
    translationId: Nullable(Uuid), translatedAt: Nullable(Timestamp), lagSeconds: Type.Integer(), missing: Type.Boolean(),
  }), { description: 'Originals in core columns (重点栏目), one row per foreign locale of the site' }),
});

export const PlacementParamsSchema = Type.Object({ id: Uuid, articleId: Uuid, columnId: Uuid });
export const PlacementSchema = Type.Object({
  pinned: Type.Optional(Type.Boolean({ description: '置顶' })),
  sortOrder: Type.Optional(Type.Integer({ minimum: -1_000_000, maximum: 1_000_000, description: 'Weight within the column: higher shows first among the same pinning' })),
}, { additionalProperties: false });
export const MoveArticleSchema = Type.Object({ columnId: Uuid }, { additionalProperties: false });
export const PlacementListSchema = Type.Object({
  placements: Type.Array(Type.Object({ columnId: Uuid, name: Type.String(), path: Type.String(), pinned: Type.Boolean(), sortOrder: Type.Integer(), primary: Type.Boolean() })),
});
