/**
 * What the article console pages share (article.pages.ts: the editor and its actions;
 * article-lists.pages.ts: lists, the review queue, the trash and reports): route options,
 * parameter schemas, the editor form's fields, and what the signed-in person may do.
 */
import { invalid } from '@zhanqun/core/errors';
import { formatZoned, fromZoned } from '@zhanqun/core/time';
import type { ServiceContext } from '@zhanqun/audit/context';
import type { SiteColumnRow } from '@zhanqun/db/database';
import { type Tx } from '@zhanqun/db/scope';
import { type ArticleContentInput } from '@zhanqun/content/article.service';
import * as columnRepository from '@zhanqun/tenancy/column.repository';
import * as siteRepository from '@zhanqun/tenancy/site.repository';
import { SiteNotFoundError } from '@zhanqun/tenancy/tenancy.errors';
import { t, type Locale } from '../i18n/i18n.js';
import { columnTree } from './column.pages.js';
import { optional, options, text, type FormBody, type FormState } from './console-form.js';

export const READ = { permission: 'content.read' } as const;
export const EDIT = { permission: 'content.edit' } as const;
export const PUBLISH = { permission: 'content.publish' } as const;
export const PAGE_SIZE = 30;
export const VALIDITIES = ['valid', 'amended', 'repealed'] as const;

export const SiteParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } } as const;
export const ArticleParams = {
  type: 'object', required: ['id', 'articleId'],
  properties: { id: { type: 'string', format: 'uuid' }, articleId: { type: 'string', format: 'uuid' } },
} as const;
export const RunParams = {
  type: 'object', required: ['id', 'articleId', 'runId'],
  properties: { id: { type: 'string', format: 'uuid' }, articleId: { type: 'string', format: 'uuid' }, runId: { type: 'string', format: 'uuid' } },
} as const;
export const RevisionParams = {
  type: 'object', required: ['id', 'articleId', 'revisionId'],
  properties: { id: { type: 'string', format: 'uuid' }, articleId: { type: 'string', format: 'uuid' }, revisionId: { type: 'string', format: 'uuid' } },
} as const;

export type P = { id: string; articleId: string };
export type FormKey = 'edit' | 'workflow' | 'publish' | 'withdraw' | 'translation';
export type Forms = Partial<Record<FormKey, FormState>>;

export const at = (d: Date | string | null) => (d ? formatZoned(new Date(d), 'yyyy-MM-dd HH:mm') : '');

/** `<input type="datetime-local">` in the platform zone (Asia/Shanghai), or null when empty. */
export function parseMinute(body: FormBody, name: string): Date | null {
  const v = text(body, name);
  if (!v) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(v);
  if (!m) throw invalid(name, 'must be a date and time');
  const d = fromZoned(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
  if (formatZoned(d, 'yyyy-MM-dd HH:mm') !== v.replace('T', ' ')) throw invalid(name, 'must be a date and time');
  return d;
}

/** The content fields of the editor form, as the services take them. */
export function contentOf(body: FormBody): ArticleContentInput {
  const ids = body?.attachmentIds;
  const attachmentIds = (Array.isArray(ids) ? ids : ids ? [ids] : []).filter((v) => v !== '');
  const validity = text(body, 'validity');
  if (validity && !(VALIDITIES as readonly string[]).includes(validity)) throw invalid('validity', `must be one of ${VALIDITIES.join(', ')}`);
  return {
    title: text(body, 'title'), subtitle: optional(body, 'subtitle'), summary: optional(body, 'summary'),
    bodyHtml: typeof body?.bodyHtml === 'string' ? body.bodyHtml : '', source: optional(body, 'source'), author: optional(body, 'author'),
    documentNumber: optional(body, 'documentNumber'), issuingOrgan: optional(body, 'issuingOrgan'), dateWritten: optional(body, 'dateWritten'),
    topicCategory: optional(body, 'topicCategory'), validity: (validity || null) as ArticleContentInput['validity'], keywords: optional(body, 'keywords'),
    attachmentIds, tags: text(body, 'tags').split(/[,，、\s]+/).filter(Boolean),
    externalUrl: optional(body, 'externalUrl'), coverAttachmentId: optional(body, 'coverAttachmentId'),
  };
}

export async function loadSite(trx: Tx, siteId: string) {
  const site = await siteRepository.findById(trx, siteId);
  if (!site) throw new SiteNotFoundError(siteId);
  const columns = await columnRepository.findAll(trx, siteId);
  return { site, columns };
}

export const columnOptions = (columns: readonly SiteColumnRow[], selected: string | undefined, locale: Locale, any = false) => options([
  ...(any ? [['', t(locale, 'article.all_columns')] as [string, string]] : []),
  ...columnTree(columns).map(({ column, depth }) => [column.id, `${'\u3000'.repeat(Math.min(depth, 8))}${column.name}`] as [string, string]),
], selected);

/** What the signed-in person may do to this article now (the services check again). */
export function abilities(ctx: ServiceContext, site: { id: string; platform_id: string; parent_site_id: string | null }, columnId: string) {
  const target = { platformId: site.platform_id, siteId: site.id, parentSiteId: site.parent_site_id, columnId };
  const may = (p: string) => !ctx.can || ctx.can(p, target);
  return { edit: may('content.edit'), review: may('content.review'), secrecy: may('content.secrecy_review'), publish: may('content.publish') };
}

export const opts = { ns: 'article' };
