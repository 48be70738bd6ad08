import Type, { type Static } from 'typebox';
import type { SeriousErrorTermRow } from '@zhanqun/db/database';
import { Nullable, Timestamp, Uuid } from '@zhanqun/tenancy/site.schema';

// API DTOs of the platform's serious-error list (严重错误词库), in camelCase. The limits repeat
// the service's (serious-error.service.ts), so a client learns them from the OpenAPI description.

export const SeriousErrorKindSchema = Type.Union([Type.Literal('wrong_form'), Type.Literal('forbidden')], {
  description: '`wrong_form` 错误表述 (with its right form in `correction`) | `forbidden` 禁用词',
});

export const SeriousErrorTermSchema = Type.Object({
  id: Uuid,
  platformId: Uuid,
  term: Type.String({ description: 'The wrong or forbidden text, matched inside longer words too' }),
  correction: Nullable(Type.String({ description: 'The right form, where one exists' })),
  kind: SeriousErrorKindSchema,
  note: Nullable(Type.String()),
  createdBy: Nullable(Uuid),
  createdAt: Timestamp,
});
export type SeriousErrorTerm = Static<typeof SeriousErrorTermSchema>;

export function toSeriousErrorTerm(row: SeriousErrorTermRow): SeriousErrorTerm {
  return {
    id: row.id, platformId: row.platform_id, term: row.term, correction: row.correction, kind: row.kind, note: row.note,
    createdBy: row.created_by, createdAt: new Date(row.created_at).toISOString(),
  };
}

export const SeriousErrorListSchema = Type.Object({
  terms: Type.Array(SeriousErrorTermSchema),
  total: Type.Integer({ minimum: 0, description: 'Terms matching `q`, on all pages' }),
});
export type SeriousErrorList = Static<typeof SeriousErrorListSchema>;

export const SeriousErrorListQuerySchema = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 100, description: 'Part of the term, its correction or its note' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
}, { additionalProperties: false });
export type SeriousErrorListQuery = Static<typeof SeriousErrorListQuerySchema>;

export const PlatformParamsSchema = Type.Object({ platformId: Uuid });
export const SeriousErrorTermParamsSchema = Type.Object({ platformId: Uuid, termId: Uuid });

export const CreateSeriousErrorTermSchema = Type.Object({
  term: Type.String({ minLength: 1, maxLength: 100, description: 'One line; trimmed' }),
  correction: Type.Optional(Nullable(Type.String({ maxLength: 100, description: 'The right form; must differ from the term' }))),
  kind: SeriousErrorKindSchema,
  note: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
}, { additionalProperties: false });
export type CreateSeriousErrorTerm = Static<typeof CreateSeriousErrorTermSchema>;

export const ImportSeriousErrorsSchema = Type.Object({
  csv: Type.String({
    maxLength: 2_000_000,
    description: 'UTF-8 CSV with a header row `term,correction,kind,note` (any order; correction and note may be empty). '
      + 'All or nothing: any bad row refuses the file with 400 ZQ_VALIDATION and every bad row in `details.errors` '
      + '(`{ line, field, message }`, the header being line 1).',
  }),
}, { additionalProperties: false });
export type ImportSeriousErrors = Static<typeof ImportSeriousErrorsSchema>;

export const ImportSeriousErrorsResultSchema = Type.Object({
  imported: Type.Integer({ minimum: 0 }),
  skipped: Type.Integer({ minimum: 0, description: 'Rows already in the list with the same correction and kind' }),
});
