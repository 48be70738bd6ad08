/**
 * Internal links of imported bodies (issue 7, pipeline step "rewrite links"): a link in an imported
 * article that points at the legacy site (its hosts) and whose canonical key names an imported
 * article now live is rewritten to that article's URL on the platform — while the item is
 * written when its target came earlier, else by a pass after the run (a new revision, made live
 * at once). A link to a WordPress attachment page whose file is stored leads to the file. Links
 * to the old site that lead nowhere are reported as broken.
 * Articles edited on the platform since their import are left as the editor left them.
 * Idempotent: a body already rewritten has nothing left to change.
 */
import type { ServiceContext } from '@zhanqun/audit/context';
import { appendRevision } from '@zhanqun/content/article-revision.service';
import { publishLatest } from '@zhanqun/content/article.service';
import * as articleRepository from '@zhanqun/content/article.repository';
import { attachmentIdsOf } from '@zhanqun/content/revision-attachments';
import type { LegacySiteRow } from '@zhanqun/db/database';
import { inScope, type Tx } from '@zhanqun/db/scope';
import { canonicalKeyOfUrl } from '../canonical-url.js';

export interface LinkReport {
  rewritten: number;
  articles: number;
  broken: { articleId: string; title: string; url: string }[];
}

const HREF = /\b(href|src)="([^"]+)"/g;

/** Decode the entities an attribute may carry around `&`, `"` and `'` (named or numeric), to read the URL it holds. */
export const unescapeAttr = (v: string) => v.replace(/&amp;|&#0*38;|&#x0*26;/gi, '&').replace(/&quot;/g, '"').replace(/&#0*39;/g, "'");

/** An http(s) address from an attribute or a field (relative to `base`), or null. */
export function httpUrl(raw: string | null, base?: string): URL | null {
  if (!raw?.trim()) return null;
  try {
    const url = new URL(raw.trim(), base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

/** Where the old URLs of a legacy site lead now; grows as a run imports items. */
export interface LinkTargets {
  hosts: ReadonlySet<string>;
  queryParams: readonly string[];
  /** canonical key → the live article's URL */
  live: Map<string, string>;
  /** every key with an entry (a draft's is awaiting, not broken) */
  known: Set<string>;
}

/** The legacy site's entries that lead to imported articles, and to stored files (WordPress' attachment pages, attachment-pages.ts). */
export async function loadLinkTargets(trx: Tx, siteId: string, legacy: LegacySiteRow): Promise<LinkTargets> {
  const rows = await trx.selectFrom('url_path as u').innerJoin('article as a', (j) => j.onRef('a.site_id', '=', 'u.site_id').onRef('a.id', '=', 'u.article_id'))
    .select(['u.path', 'a.url_path', 'a.live']).where('u.site_id', '=', siteId).where('u.legacy_site_id', '=', legacy.id).execute();
  const files = await trx.selectFrom('url_path').select(['path', 'target']).where('site_id', '=', siteId).where('legacy_site_id', '=', legacy.id)
    .where('article_id', 'is', null).where('kind', '=', 'legacy').where('target', 'like', '/\\_files/%').execute();
  return {
    hosts: new Set(legacy.hosts), queryParams: legacy.query_params,
    live: new Map([...rows.filter((r) => r.live && r.url_path).map((r) => [r.path, r.url_path!] as const), ...files.map((f) => [f.path, f.target!] as const)]),
    known: new Set([...rows.map((r) => r.path), ...files.map((f) => f.path)]),
  };
}

const ABSOLUTE_HTTP = /^\s*https?:\/\//i;
const ROOT_RELATIVE = /^\/(?!\/|_files\/)/;

/**
 * The old site's address of a root-relative link that names one of its pages the platform has
 * no page of (WordPress' attachment pages, attachment-pages.ts), else null.
 */
export type OldPageOf = (url: string) => string | null;

/**
 * Rewrite a sanitised body's links to the old site that lead to live imported articles. Pure.
 * With `oldPage`, a root-relative link naming such a page is read as the old site's: reported
 * when it leads nowhere (its file was not stored), never rewritten — pointAtFiles led it to its
 * file when that was stored, and its entry answers on the site's own host too.
 */
export function rewriteBody(body: string, t: LinkTargets, oldPage?: OldPageOf): { body: string; rewritten: number; broken: string[] } {
  let rewritten = 0;
  const broken: string[] = [];
  if (t.hosts.size === 0) return { body, rewritten, broken };
  const out = body.replace(HREF, (whole, attr: string, value: string) => {
    const url = unescapeAttr(value);
    // Only absolute http(s) URLs can name the old site (the rest would fail canonicalKeyOfUrl):
    // relative and already rewritten links are most of a body's, and an error apiece doubled the link pass.
    // A root-relative one is read only when oldPage knows it for an old page.
    const relative = !ABSOLUTE_HTTP.test(url);
    const address = !relative ? url : attr === 'href' && oldPage && ROOT_RELATIVE.test(url) ? oldPage(url) : null;
    if (!address) return whole;
    let key: { host: string; key: string };
    try {
      key = canonicalKeyOfUrl(address, t.queryParams);
    } catch {
      return whole;
    }
    if (!t.hosts.has(key.host)) return whole;
    const target = t.live.get(key.key);
    if (!target || relative) {
      // A page still awaiting publication is no broken link; one the import never saw is.
      if (!target && attr === 'href' && key.key !== '/' && !t.known.has(key.key)) broken.push(url);
      return whole;
    }
    rewritten++;
    return `${attr}="${target}"`;
  });
  return { body: out, rewritten, broken };
}

/**
 * The pass after a run: links that could not be rewritten when their article was written (they
 * lead to items imported later) are rewritten now; what still leads nowhere is reported, with
 * `oldPage` root-relative links to the old site's pages too (rewriteBody).
 * One transaction per changed article.
 */
export async function rewriteLegacyLinks(ctx: ServiceContext, siteId: string, legacy: LegacySiteRow, oldPage?: OldPageOf): Promise<LinkReport> {
  const report: LinkReport = { rewritten: 0, articles: 0, broken: [] };
  if (legacy.hosts.length === 0) return report;
  const { targets, candidates } = await inScope(ctx.db, ctx.scope, async (trx) => {
    const targets = await loadLinkTargets(trx, siteId, legacy);
    // Imported articles still as imported whose body mentions one of the old hosts.
    const candidates = await trx.selectFrom('legacy_item as i')
      .innerJoin('article as a', (j) => j.onRef('a.site_id', '=', 'i.site_id').onRef('a.id', '=', 'i.article_id'))
      .innerJoin('article_revision as r', (j) => j.onRef('r.site_id', '=', 'a.site_id').onRef('r.id', '=', 'a.latest_revision_id'))
      .select(['i.id as item_id', 'a.id as article_id', 'a.live', 'a.latest_revision_id', 'r.title', 'r.body_html'])
      .where('i.site_id', '=', siteId).where('i.legacy_site_id', '=', legacy.id).where('a.deleted_at', 'is', null)
      .whereRef('i.revision_id', '=', 'a.latest_revision_id')
      .where((eb) => eb.or([
        ...legacy.hosts.map((h) => eb('r.body_html', 'like', `%${h.replace(/[%_\\]/g, '\\$&')}%`)),
        // A body whose links to the old site are all root-relative names none of its hosts.
        ...(oldPage ? [eb('r.body_html', 'like', '%href="/%')] : []),
      ]))
      .execute();
    return { targets, candidates };
  });
  for (const c of candidates) {
    const { body, rewritten, broken } = rewriteBody(c.body_html, targets, oldPage);
    report.broken.push(...broken.map((url) => ({ articleId: c.article_id, title: c.title, url })));
    if (!rewritten) continue;
    await inScope(ctx.db, ctx.scope, (trx) => saveRewritten(trx, ctx, siteId, c.item_id, c.article_id, c.latest_revision_id!, body, c.live));
    report.rewritten += rewritten;
    report.articles += 1;
  }
  return report;
}

async function saveRewritten(trx: Tx, ctx: ServiceContext, siteId: string, itemId: string, articleId: string, baseRevisionId: string, body: string, live: boolean): Promise<void> {
  const base = await articleRepository.findRevision(trx, siteId, baseRevisionId);
  if (!base) return;
  const { id: _id, site_id: _s, article_id: _a, created_by: _c, created_at: _t, ...content } = base;
  const attachments = await attachmentIdsOf(trx, siteId, baseRevisionId);
  const revision = await appendRevision(trx, ctx, siteId, articleId, baseRevisionId, { ...content, body_html: body }, attachments, 'article.revision.import');
  if (live) await publishLatest(trx, ctx, siteId, articleId);
  await trx.updateTable('legacy_item').set({ revision_id: revision.id, updated_at: ctx.clock.now() }).where('site_id', '=', siteId).where('id', '=', itemId).execute();
}
