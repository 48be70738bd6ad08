/**
 * Writing one imported item (issue 7), shared by the importers (WordPress, mirror): after
 * Drupal's Migrate destination — the article through the content services, the ID map row
 * (legacy key → article, content hash, revision written), and the legacy URL entries.
 */
import { newId } from '@zhanqun/core/id';
import type { ServiceContext } from '@zhanqun/audit/context';
import { appendRevision } from '@zhanqun/content/article-revision.service';
import { insertArticles, planArticles } from '@zhanqun/content/article-batch.service';
import { insertDraft, publishLatest, type CreateDraftInput, type RevisionContent } from '@zhanqun/content/article.service';
import * as articleRepository from '@zhanqun/content/article.repository';
import type { LegacySiteRow } from '@zhanqun/db/database';
import type { Tx } from '@zhanqun/db/scope';
import { prepareEntry, siteHosts, upsertEntries } from './legacy-url.service.js';
import { canonicalKeyOfUrl } from './canonical-url.js';
import { rewriteBody, type LinkTargets } from './wxr/link-rewrite.js';

export type ItemResult = ({ result: 'imported' | 'updated' | 'unchanged' } | { result: 'skipped'; reason: string })
  & { entries: number; notes: string[]; keys: string[]; url: string | null; linksRewritten?: number };

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
    revisionId = (await appendRevision(trx, ctx, siteId, article.id, article.latest_revision_id!, content, draft.attachmentIds ?? [], 'article.revision.import')).id;
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

/** One item of a batch: what importItem takes. */
export interface BatchedItem {
  plan: ItemToImport;
  draft: CreateDraftInput;
  content: RevisionContent;
}

/**
 * importItem for many items in the caller's transaction, in a few statements (issue 7, Speed):
 * items not imported before are written together (article-batch.service.ts), their bodies' links
 * to each other rewritten first, then their URL entries and ID map rows; items imported before
 * (changed at the source) go through importItem one by one. Results in item order. `links`
 * learns the new articles' keys and URLs.
 */
export async function importItems(
  trx: Tx, ctx: ServiceContext, siteId: string, legacy: LegacySiteRow, runId: string, items: readonly BatchedItem[],
  overwrite: boolean, links: LinkTargets,
): Promise<ItemResult[]> {
  const results: ItemResult[] = new Array(items.length);
  const mapped = new Set((await trx.selectFrom('legacy_item').select('legacy_key').where('site_id', '=', siteId).where('legacy_site_id', '=', legacy.id)
    .where('legacy_key', 'in', items.map((i) => i.plan.key)).execute()).map((r) => r.legacy_key));
  const fresh = items.map((item, index) => ({ ...item, index })).filter((i) => !mapped.has(i.plan.key));
  if (fresh.length) {
    const batch = fresh.map((i) => ({ input: i.draft, content: i.content, publishedAt: i.plan.publish ? i.plan.publishedAt! : null }));
    const plan = await planArticles(trx, ctx, siteId, batch);
    const hosts = await siteHosts(trx, siteId);
    const entries = fresh.map((item, n) => {
      const planned = plan.articles[n]!;
      const notes: string[] = [];
      const prepared = [];
      for (const legacyUrl of item.plan.legacyUrls) {
        const entry = prepareEntry(legacy, hosts, { legacyUrl, kind: planned.urlPath ? 'legacy' : 'awaiting', target: planned.urlPath, articleId: planned.id });
        if (entry.key === '/') notes.push(`${legacyUrl} is the old home page: no entry`);
        else prepared.push(entry);
      }
      return { prepared, notes };
    });
    const keys = entries.flatMap((e) => e.prepared.map((p) => p.key));
    const taken = new Set(keys.length ? (await trx.selectFrom('url_path').select('path').where('site_id', '=', siteId).where('path', 'in', keys).execute()).map((r) => r.path) : []);
    for (const e of entries) {
      for (const p of e.prepared) if (taken.has(p.key)) e.notes.push(`${p.legacyUrl} already answers for another page: no entry`);
      e.prepared = e.prepared.filter((p) => !taken.has(p.key));
      for (const p of e.prepared) links.known.add(p.key);
    }
    entries.forEach((e, n) => { const url = plan.articles[n]!.urlPath; if (url) for (const p of e.prepared) links.live.set(p.key, url); });
    // Links between items of this batch (and to earlier ones) lead to the new URLs from the start.
    const rewritten = batch.map((item) => {
      const done = rewriteBody(item.content.body_html, links);
      item.content = { ...item.content, body_html: done.body };
      return done.rewritten;
    });
    await insertArticles(trx, ctx, plan, batch);
    const { ids } = await upsertEntries(trx, siteId, legacy.id, entries.flatMap((e) => e.prepared));
    const now = ctx.clock.now();
    let at = 0;
    const rows = fresh.map((item, n) => {
      const planned = plan.articles[n]!;
      const entryIds = ids.slice(at, at += entries[n]!.prepared.length);
      results[item.index] = {
        result: 'imported', entries: entryIds.length, notes: entries[n]!.notes, keys: entries[n]!.prepared.map((p) => p.key), url: planned.urlPath, linksRewritten: rewritten[n]!,
      };
      return {
        id: newId(), site_id: siteId, legacy_site_id: legacy.id, legacy_key: item.plan.key, legacy_url: item.plan.legacyUrl, article_id: planned.id,
        url_path_id: entryIds[0] ?? null, revision_id: planned.revisionId, content_hash: item.plan.hash, created_run_id: runId, updated_run_id: runId,
        created_at: now, updated_at: now,
      };
    });
    await trx.insertInto('legacy_item').values(rows).execute();
  }
  for (const [index, item] of items.entries()) {
    if (!mapped.has(item.plan.key)) continue;
    const done = rewriteBody(item.content.body_html, links);
    const outcome = { ...await importItem(trx, ctx, siteId, legacy, runId, item.plan, item.draft, { ...item.content, body_html: done.body }, overwrite), linksRewritten: done.rewritten };
    for (const k of outcome.keys) { links.known.add(k); if (outcome.url) links.live.set(k, outcome.url); }
    results[index] = outcome;
  }
  return results;
}

/**
 * Run `write` (a transaction writing `items` through importItems); if it fails — in the items or
 * at COMMIT — `links` forgets what it learnt of the items' old URLs, so later bodies do not link
 * to URLs that were never written. What it knew of them before stays.
 */
export async function keepingLinksOnFailure<T>(links: LinkTargets, legacy: LegacySiteRow, items: readonly BatchedItem[], write: () => Promise<T>): Promise<T> {
  const saved: [string, string | undefined, boolean][] = [];
  for (const url of items.flatMap((i) => i.plan.legacyUrls)) {
    let key: string;
    try {
      key = canonicalKeyOfUrl(url, legacy.query_params).key;
    } catch {
      continue; // prepareEntry refuses it too: it never reaches links
    }
    saved.push([key, links.live.get(key), links.known.has(key)]);
  }
  try {
    return await write();
  } catch (err) {
    for (const [key, live, known] of saved.reverse()) {
      if (live === undefined) links.live.delete(key);
      else links.live.set(key, live);
      if (known) links.known.add(key);
      else links.known.delete(key);
    }
    throw err;
  }
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
