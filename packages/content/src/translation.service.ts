/**
 * Foreign-language versions (外文版, seed §2.5; DESIGN.md "Locale"). A site's foreign versions
 * live under their locale prefix (`/en/…`: a channel whose slug is the locale, and its
 * sub-columns). A translation is an article of its own in that tree, with its own revisions and
 * its own review workflow, sharing a translation key with the original. For originals in core
 * columns (重点栏目) the lag between the original's first publication and each translation's is
 * measured, and a missing translation shows as such.
 */
import { invalid } from '@zhanqun/core/errors';
import { isUuid } from '@zhanqun/core/id';
import { writeAudit } from '@zhanqun/audit/audit.writer';
import type { ServiceContext } from '@zhanqun/audit/context';
import type { ArticleRow } from '@zhanqun/db/database';
import { inScope, type Db } from '@zhanqun/db/scope';
import * as articleRepository from './article.repository.js';
import { ArticleNotFoundError } from './article.errors.js';
import { createDraft, type ArticleContentInput } from './article.service.js';
import { columnAccess } from './column-access.js';

export const SOURCE_LOCALE = 'zh-CN';

/** The locale a column belongs to: a foreign one when its path starts with `/<locale>/` of the site's locales. */
export function localeOfPath(path: string, siteLocales: readonly string[]): string {
  const first = path.split('/')[1] ?? '';
  return siteLocales.includes(first) ? first : SOURCE_LOCALE;
}

export interface TranslationInput extends ArticleContentInput {
  locale: string;
  columnId: string;
}

/**
 * Start a foreign-language version of an article as a draft in that locale's column tree. The
 * original gets its translation key on first use; one version per locale.
 */
export async function createTranslation(ctx: ServiceContext, siteId: string, originalId: string, input: TranslationInput): Promise<ArticleRow> {
  if (!isUuid(originalId)) throw new ArticleNotFoundError(originalId, siteId);
  if (!isUuid(input.columnId)) throw invalid('columnId', 'must be a column of the translation\'s locale');
  // Check the original, the locale and the column first; the draft itself is made by createDraft.
  const key = await inScope(ctx.db, ctx.scope, async (trx) => {
    const original = await articleRepository.lockById(trx, siteId, originalId);
    if (!original) throw new ArticleNotFoundError(originalId, siteId);
    if (original.locale !== SOURCE_LOCALE) throw invalid('originalId', 'must be the Chinese original, not a translation');
    const site = await trx.selectFrom('site').select('locales').where('id', '=', siteId).executeTakeFirst();
    if (!site?.locales.includes(input.locale)) throw invalid('locale', `must be one of this site's foreign-language versions (${site?.locales.join(', ') || 'none'})`);
    const column = await trx.selectFrom('site_column').select('path').where('site_id', '=', siteId).where('id', '=', input.columnId)
      .where('deleted_at', 'is', null).executeTakeFirst();
    if (!column || localeOfPath(column.path, site.locales) !== input.locale) throw invalid('columnId', `must be a column under /${input.locale}/`);
    // Who may write in the translation's column, before the original is touched (createDraft checks it again).
    await columnAccess(trx, ctx, siteId, input.columnId, 'content.edit');
    const key = original.translation_key ?? original.id;
    const existing = await trx.selectFrom('article').select('id').where('site_id', '=', siteId).where('translation_key', '=', key)
      .where('locale', '=', input.locale).where('deleted_at', 'is', null).executeTakeFirst();
    if (existing) throw invalid('locale', `already has a version in ${input.locale} (article ${existing.id})`);
    if (!original.translation_key) await articleRepository.update(trx, siteId, originalId, { translation_key: key });
    return key;
  });
  const draft = await createDraft(ctx, siteId, { ...input, columnId: input.columnId });
  return inScope(ctx.db, ctx.scope, async (trx) => {
    const linked = await articleRepository.update(trx, siteId, draft.id, { locale: input.locale, translation_key: key });
    const site = await trx.selectFrom('site').select('platform_id').where('id', '=', siteId).executeTakeFirstOrThrow();
    await writeAudit(trx, ctx.clock, ctx.actor, {
      platformId: site.platform_id, siteId, action: 'article.translation.create', objectType: 'article', objectId: draft.id,
      after: { originalId, locale: input.locale, translationKey: key },
    });
    return linked;
  });
}

export interface VersionRow {
  id: string;
  locale: string;
  title: string;
  live: boolean;
  first_published_at: Date | null;
}

/** An article's versions in every locale (itself included), original first. Run it in scope. */
export async function versionsOf(db: Db, siteId: string, article: { id: string; translation_key: string | null }): Promise<VersionRow[]> {
  if (!article.translation_key) return [];
  const rows = await db.selectFrom('article').select(['id', 'locale', 'draft_title as title', 'live', 'first_published_at'])
    .where('site_id', '=', siteId).where('translation_key', '=', article.translation_key).where('deleted_at', 'is', null).execute();
  return rows.sort((a, b) => Number(a.locale !== SOURCE_LOCALE) - Number(b.locale !== SOURCE_LOCALE) || a.locale.localeCompare(b.locale));
}

export interface LagRow {
  originalId: string;
  title: string;
  columnName: string;
  publishedAt: Date;
  locale: string;
  translationId: string | null;
  /** When the translation first went live, or null while it has not. */
  translatedAt: Date | null;
  /** Seconds from the original's first publication to the translation's (or to now, if still missing). */
  lagSeconds: number;
  missing: boolean;
}

/**
 * The lag of every foreign version of the originals published in core columns (newest first):
 * done translations with their lag, missing ones with the time they have been waiting.
 */
export async function translationLag(db: Db, siteId: string, now: Date, limit = 200): Promise<LagRow[]> {
  const site = await db.selectFrom('site').select('locales').where('id', '=', siteId).executeTakeFirst();
  if (!site || site.locales.length === 0) return [];
  const originals = await db.selectFrom('article as a')
    .innerJoin('site_column as c', (j) => j.onRef('c.site_id', '=', 'a.site_id').onRef('c.id', '=', 'a.primary_column_id'))
    .select(['a.id', 'a.draft_title', 'a.translation_key', 'a.first_published_at', 'c.name as column_name'])
    .where('a.site_id', '=', siteId).where('c.is_core', '=', true).where('a.locale', '=', SOURCE_LOCALE)
    .where('a.first_published_at', 'is not', null).where('a.deleted_at', 'is', null)
    .orderBy('a.first_published_at', 'desc').limit(limit).execute();
  const keys = originals.map((o) => o.translation_key).filter((k): k is string => k !== null);
  const translations = keys.length ? await db.selectFrom('article').select(['id', 'locale', 'translation_key', 'first_published_at'])
    .where('site_id', '=', siteId).where('translation_key', 'in', keys).where('locale', '!=', SOURCE_LOCALE).where('deleted_at', 'is', null).execute() : [];
  const rows: LagRow[] = [];
  for (const o of originals) {
    for (const locale of site.locales) {
      const t = translations.find((x) => x.translation_key !== null && x.translation_key === o.translation_key && x.locale === locale);
      const translatedAt = t?.first_published_at ?? null;
      const end = translatedAt ?? now;
      rows.push({
        originalId: o.id, title: o.draft_title, columnName: o.column_name, publishedAt: o.first_published_at!, locale,
        translationId: t?.id ?? null, translatedAt, lagSeconds: Math.max(0, Math.round((end.getTime() - o.first_published_at!.getTime()) / 1000)),
        missing: translatedAt === null,
      });
    }
  }
  return rows;
}
