/**
 * Writing one imported item (issue 7), shared by the importers (WordPress, mirror): after
 * Drupal's Migrate destination — the article through the content services, the ID map row
 * (legacy key → article, content hash, revision written), and the legacy URL entries.
 */
import { newId } from '@zhanqun/core/id';
import type { ServiceContext } from '@zhanqun/audit/context';
import { appendRevision } from '@zhanqun/content/article-revision.service';
import { insertDraft, publishLatest, type CreateDraftInput, type RevisionContent } from '@zhanqun/content/article.service';
import * as articleRepository from '@zhanqun/content/article.repository';
import type { LegacySiteRow } from '@zhanqun/db/database';
import type { Tx } from '@zhanqun/db/scope';
import { prepareEntry, siteHosts, upsertEntries } from './legacy-url.service.js';

export type ItemResult = ({ result: 'imported' | 'updated' | 'unchanged' } | { result: 'skipped'; reason: string })
  & { entries: number; notes: string[]; keys: string[]; url: string | null };

/** What an importer hands over for one item. */
export interface ItemToImport {
  /** The ID map key (a WordPress post id, a legacy page's canonical path). */
  key: string;
  /** Digest of what the import writes: equal digests mean nothing to do. */
  hash: string;
  publish: boolean;
  /** The original publish time (required to publish). */
  publishedAt: Date | null;
  /** The item's own legacy URL, for the ID map. */
  legacyUrl: string | null;
  /** Every legacy URL that should lead to the article. */
  legacyUrls: readonly string[];
}

/**
 * One item in the caller's transaction: its article (new, or a new revision when the source
 * changed and no editor changed it since), published at its original time, its legacy URL
 * entries and its ID map row.
 */
export async function importItem(
  trx: Tx, ctx: ServiceContext, siteId: string, legacy: LegacySiteRow, runId: string, plan: ItemToImport,
  draft: CreateDraftInput, content: RevisionContent, overwrite: boolean,
): Promise<ItemResult> {
  const now = ctx.clock.now();
  const mapped = await trx.selectFrom('legacy_item').select(['id', 'article_id', 'revision_id', 'content_hash'])
    .where('site_id', '=', siteId).where('legacy_site_id', '=', legacy.id).where('legacy_key', '=', plan.key).executeTakeFirst();
  if (mapped?.content_hash === plan.hash) return { result: 'unchanged', entries: 0, notes: [], keys: [], url: null };
  let articleId: string;
  let revisionId: string;
  if (mapped?.article_id) {
    const article = await articleRepository.lockById(trx, siteId, mapped.article_id);
    if (!article || article.deleted_at) return { result: 'skipped', reason: `article ${mapped.article_id} was deleted on the platform`, entries: 0, notes: [], keys: [], url: null };
    if (article.latest_revision_id !== mapped.revision_id && !overwrite) {
      return { result: 'skipped', reason: `article ${article.id} was edited on the platform since it was imported (overwrite replaces it)`, entries: 0, notes: [], keys: [], url: null };
    }
    revisionId = (await appendRevision(trx, ctx, siteId, article.id, article.latest_revision_id!, content, [], 'article.revision.import')).id;
    articleId = article.id;
  } else {
    const article = await insertDraft(trx, ctx, siteId, draft, content);
    articleId = article.id;
    revisionId = article.latest_revision_id!;
  }
  const live = plan.publish ? await publishLatest(trx, ctx, siteId, articleId, { publishedAt: plan.publishedAt! }) : null;
  const { ids, keys, notes } = await writeEntries(trx, siteId, legacy, articleId, live?.url_path ?? null, plan.legacyUrls);
  if (mapped) {
    await trx.updateTable('legacy_item').set({ content_hash: plan.hash, revision_id: revisionId, updated_run_id: runId, updated_at: now, url_path_id: ids[0] ?? null })
      .where('site_id', '=', siteId).where('id', '=', mapped.id).execute();
  } else {
    await trx.insertInto('legacy_item').values({
      id: newId(), site_id: siteId, legacy_site_id: legacy.id, legacy_key: plan.key, legacy_url: plan.legacyUrl, article_id: articleId,
      url_path_id: ids[0] ?? null, revision_id: revisionId, content_hash: plan.hash, created_run_id: runId, updated_run_id: runId,
      created_at: now, updated_at: now,
    }).execute();
  }
  return { result: mapped ? 'updated' : 'imported', entries: ids.length, notes, keys, url: live?.url_path ?? null };
}

/** The old URLs of an item: 301 to the article once live, awaiting while it is a draft. */
export async function writeEntries(trx: Tx, siteId: string, legacy: LegacySiteRow, articleId: string, url: string | null, legacyUrls: readonly string[]): Promise<{ ids: string[]; keys: string[]; notes: string[] }> {
  const hosts = await siteHosts(trx, siteId);
  const notes: string[] = [];
  const entries = [];
  for (const legacyUrl of legacyUrls) {
    const entry = prepareEntry(legacy, hosts, { legacyUrl, kind: url ? 'legacy' : 'awaiting', target: url, articleId });
    if (entry.key === '/') { notes.push(`${legacyUrl} is the old home page: no entry`); continue; }
    const taken = await trx.selectFrom('url_path').select(['legacy_site_id', 'article_id']).where('site_id', '=', siteId).where('path', '=', entry.key).executeTakeFirst();
    if (taken && (taken.legacy_site_id !== legacy.id || taken.article_id !== articleId)) {
      notes.push(`${legacyUrl} already answers for another page: no entry`);
      continue;
    }
    entries.push(entry);
  }
  const { ids } = await upsertEntries(trx, siteId, legacy.id, entries);
  return { ids, keys: entries.map((e) => e.key), notes };
}
