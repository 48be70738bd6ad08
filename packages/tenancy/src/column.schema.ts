import Type, { type Static } from 'typebox';
import type { SiteColumnRow } from '@zhanqun/db/database';
import { Nullable, Timestamp, Uuid } from './site.schema.js';
import type { TemplateSummary } from './template.service.js';

// API DTOs of columns (栏目), channels (频道, top-level columns) and column templates, in camelCase.

export const ColumnKindSchema = Type.Union([
  Type.Literal('news'), Type.Literal('notice'), Type.Literal('policy'), Type.Literal('personnel'), Type.Literal('plans'),
  Type.Literal('interpretation'), Type.Literal('interaction'), Type.Literal('service'), Type.Literal('page'), Type.Literal('link'),
], { description: 'Census kind (普查): decides the update deadline' });
export const ColumnStatusSchema = Type.Union([Type.Literal('open'), Type.Literal('merged'), Type.Literal('closed')]);

export const ColumnSchema = Type.Object({
  id: Uuid,
  siteId: Uuid,
  parentId: Nullable(Uuid),
  slug: Type.String(),
  path: Type.String({ description: 'Full path on the site: `/zwgk/tzgg/`' }),
  name: Type.String(),
  kind: ColumnKindSchema,
  isChannel: Type.Boolean(),
  sortOrder: Type.Integer(),
  description: Nullable(Type.String()),
  externalUrl: Nullable(Type.String()),
  templateColumnId: Nullable(Uuid),
  status: ColumnStatusSchema,
  mergedIntoId: Nullable(Uuid),
  closedAt: Nullable(Timestamp),
  isCore: Type.Boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Column = Static<typeof ColumnSchema>;

export function toColumn(row: SiteColumnRow): Column {
  return {
    id: row.id, siteId: row.site_id, parentId: row.parent_id, slug: row.slug, path: row.path, name: row.name, kind: row.kind,
    isChannel: row.is_channel, sortOrder: row.sort_order, description: row.description, externalUrl: row.external_url,
    templateColumnId: row.template_column_id, status: row.status, mergedIntoId: row.merged_into_id,
    closedAt: row.closed_at === null ? null : new Date(row.closed_at).toISOString(), isCore: row.is_core,
    createdAt: new Date(row.created_at).toISOString(), updatedAt: new Date(row.updated_at).toISOString(),
  };
}

export const ColumnListSchema = Type.Object({ columns: Type.Array(ColumnSchema) });
export type ColumnList = Static<typeof ColumnListSchema>;

const Slug = Type.String({ maxLength: 40, description: 'ASCII: lower-case letters, digits, _ or - (pinyin abbreviations are customary)' });

export const CreateColumnSchema = Type.Object({
  parentId: Type.Optional(Nullable(Uuid)),
  slug: Slug,
  name: Type.String({ maxLength: 200 }),
  kind: ColumnKindSchema,
  sortOrder: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
  description: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
}, { additionalProperties: false });
export type CreateColumn = Static<typeof CreateColumnSchema>;

export const UpdateColumnSchema = Type.Object({
  name: Type.Optional(Type.String({ maxLength: 200 })),
  kind: Type.Optional(ColumnKindSchema),
  description: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  isCore: Type.Optional(Type.Boolean({ description: 'A core column (重点栏目): its foreign-language versions are tracked for lag' })),
}, { additionalProperties: false });
export type UpdateColumn = Static<typeof UpdateColumnSchema>;

export const MoveColumnSchema = Type.Object({
  parentId: Nullable(Uuid),
  sortOrder: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
}, { additionalProperties: false });
export type MoveColumn = Static<typeof MoveColumnSchema>;

export const MergeColumnSchema = Type.Object({ targetId: Uuid }, { additionalProperties: false });
export type MergeColumn = Static<typeof MergeColumnSchema>;

export const ReorderColumnsSchema = Type.Object({
  parentId: Nullable(Uuid),
  orderedIds: Type.Array(Uuid, { maxItems: 1000, description: 'Every open sub-column of the parent (or every channel), once each' }),
}, { additionalProperties: false });
export type ReorderColumns = Static<typeof ReorderColumnsSchema>;

export const ColumnParamsSchema = Type.Object({ id: Uuid, columnId: Uuid });
export type ColumnParams = Static<typeof ColumnParamsSchema>;

export const TemplateSchema = Type.Object({
  ref: Type.String({ description: '`standard` for the built-in 政府信息公开 template, else the template id' }),
  code: Type.String(),
  name: Type.String(),
  builtin: Type.Boolean(),
  columns: Type.Integer({ minimum: 0, description: 'Number of columns in the template' }),
});
export type Template = Static<typeof TemplateSchema>;

export function toTemplate(summary: TemplateSummary): Template {
  return { ref: summary.ref, code: summary.code, name: summary.name, builtin: summary.builtin, columns: summary.columns };
}

export const TemplateListSchema = Type.Object({ templates: Type.Array(TemplateSchema) });
export type TemplateList = Static<typeof TemplateListSchema>;

export const TemplateParamsSchema = Type.Object({
  ref: Type.Union([Type.Literal('standard'), Uuid], { description: '`standard` or a template id' }),
});
export type TemplateParams = Static<typeof TemplateParamsSchema>;

export const ApplyTemplateSchema = Type.Object({
  siteIds: Type.Array(Uuid, { minItems: 1, maxItems: 5000 }),
}, { additionalProperties: false });
export type ApplyTemplate = Static<typeof ApplyTemplateSchema>;

export const ApplyTemplateResultSchema = Type.Object({
  sites: Type.Array(Type.Object({ siteId: Uuid, added: Type.Array(Type.String(), { description: 'Paths of the columns added' }) })),
});
export type ApplyTemplateResult = Static<typeof ApplyTemplateResultSchema>;

export const CreateTemplateSchema = Type.Object({
  code: Type.String({ pattern: '^[a-z][a-z0-9-]{1,39}$' }),
  name: Type.String({ minLength: 1, maxLength: 100 }),
  columns: Type.Array(Type.Object({
    path: Type.String({ pattern: '^/([a-z0-9][a-z0-9_-]{0,39}/)+$', description: 'Column path, e.g. /zwdt/tzgg/' }),
    name: Type.String({ minLength: 1, maxLength: 100 }),
    kind: ColumnKindSchema,
  }, { additionalProperties: false }), { minItems: 1, maxItems: 500 }),
}, { additionalProperties: false });
export type CreateTemplate = Static<typeof CreateTemplateSchema>;
