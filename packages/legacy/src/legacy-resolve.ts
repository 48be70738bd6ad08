/**
 * The public side of legacy URLs: after the platform's own paths have had their turn, find the
 * request's legacy site (by host, else the site's own), canonicalise the request with its
 * settings, look the entry up and decide (legacy-rules.ts). Runs in the public request's
 * transaction: row-level security shows live articles only, so an entry whose article is not
 * live answers "awaiting".
 */
import { attachmentIdOf } from '@zhanqun/content/article.schema';
import { findServable } from '@zhanqun/content/attachment/attachment.service';
import type { Db } from '@zhanqun/db/scope';
import { InvalidLegacyUrlError } from './canonical-url.js';
import { decideLegacy, needsEntry, requestKey, type LegacyAnswer, type LegacyEntryView, type LegacyRequest } from './legacy-rules.js';
import { findLegacySites, legacyConfig } from './legacy-site.service.js';

/** Move states in which the old URLs' traffic comes to the platform, so their hits are counted. */
const COUNTED_STATES: ReadonlySet<string> = new Set(['cut_over', 'decommissioned']);

export interface LegacyResolution {
  decision: LegacyAnswer;
  /** The url_path entry that answered, if one did and the legacy site is cut over (its hits are counted). */
  entryId: string | null;
  /** The legacy site's name for its pages (homepage_title, else its name). */
  legacyTitle: string;
}

/** Resolve a request on a site's legacy URLs; null when the site has no legacy site (plain 404). */
export async function resolveLegacy(trx: Db, siteId: string, req: LegacyRequest): Promise<LegacyResolution | null> {
  const legacySites = await findLegacySites(trx, siteId);
  if (legacySites.length === 0) return null;
  const legacy = legacySites.find((l) => l.hosts.includes(req.host)) ?? legacySites.find((l) => l.hosts.length === 0) ?? legacySites[0]!;
  const config = legacyConfig(legacy);
  // The requested host is this site's: a redirect to another of its paths there is always fine.
  const withHost = { ...config, allowedTargetHosts: [...config.allowedTargetHosts, req.host] };
  let key: string;
  try {
    key = requestKey(req.rawPathAndQuery, config);
  } catch (err) {
    if (err instanceof InvalidLegacyUrlError) return null;
    throw err;
  }
  let entry: (LegacyEntryView & { id: string }) | undefined;
  if (needsEntry(key, config)) {
    const row = await trx.selectFrom('url_path').select(['id', 'kind', 'target', 'archive_url', 'suggested_url', 'article_id'])
      .where('site_id', '=', siteId).where('path', '=', key).where('legacy_site_id', 'is not', null).executeTakeFirst();
    if (row) {
      const article = row.article_id
        ? await trx.selectFrom('article').select('url_path').where('site_id', '=', siteId).where('id', '=', row.article_id).executeTakeFirst()
        : undefined;
      // An awaited page of this site that has gone live since: the entry leads there now.
      const awaited = row.kind === 'awaiting' && !row.article_id && row.target?.startsWith('/')
        ? await trx.selectFrom('url_path').select('path').where('site_id', '=', siteId).where('path', '=', row.target).where('kind', '=', 'live').executeTakeFirst()
        : undefined;
      // An article not live (row-level security hides it) that was withdrawn: its URL answers 410, so does this.
      const withdrawn = row.article_id && !article
        ? await trx.selectFrom('url_path').select('id').where('site_id', '=', siteId).where('article_id', '=', row.article_id)
          .where('kind', '=', 'gone').where('legacy_site_id', 'is', null).executeTakeFirst()
        : undefined;
      // A stored file's entry (a WordPress attachment page): 301 while the file is served (a live
      // revision lists it), awaiting until then, as an article's entry waits for the article.
      const fileId = row.kind === 'legacy' && !row.article_id ? attachmentIdOf(row.target ?? '') : null;
      const unserved = fileId ? !(await findServable(trx, siteId, fileId)) : false;
      entry = {
        id: row.id, kind: withdrawn ? 'gone' : unserved ? 'awaiting' : row.kind, target: row.target, archiveUrl: row.archive_url, suggestedUrl: row.suggested_url,
        articleUrl: article?.url_path ?? awaited?.path ?? null, hasArticle: row.article_id !== null && !withdrawn,
      };
    }
  }
  const decision = decideLegacy(req, key, withHost, entry);
  if (!decision) return null;
  // Hits are what still arrives after the cut-over (issue 7): before it the old site answers its own URLs.
  const counted = decision.viaEntry && entry && COUNTED_STATES.has(legacy.state);
  return { decision, entryId: counted ? entry!.id : null, legacyTitle: legacy.homepage_title ?? legacy.name };
}
