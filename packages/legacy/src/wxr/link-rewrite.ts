/**
 * Internal links of imported bodies (issue 7, pipeline step "rewrite links"): after a run, every
 * link in an imported article that points at the legacy site (its hosts) and whose canonical key
 * names an imported article now live is rewritten to that article's URL on the platform, as a
 * new revision made live at once. Links to the old site that lead nowhere are reported as broken.
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

/** Decode the few entities a sanitised attribute carries, to read the URL it holds. */
const unescapeAttr = (v: string) => v.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'");

/** Rewrite links to the legacy site in its imported articles; one transaction per changed article. */
export async function rewriteLegacyLinks(ctx: ServiceContext, siteId: string, legacy: LegacySiteRow): Promise<LinkReport> {
  const report: LinkReport = { rewritten: 0, articles: 0, broken: [] };
  if (legacy.hosts.length === 0) return report;
  const hosts = new Set(legacy.hosts);
  const { targets, known, candidates } = await inScope(ctx.db, ctx.scope, async (trx) => {
    // Where each old URL of this legacy site now lives: its article's URL, once published.
    const rows = await trx.selectFrom('url_path as u').innerJoin('article as a', (j) => j.onRef('a.site_id', '=', 'u.site_id').onRef('a.id', '=', 'u.article_id'))
      .select(['u.path', 'a.url_path', 'a.live']).where('u.site_id', '=', siteId).where('u.legacy_site_id', '=', legacy.id).execute();
    const targets = new Map(rows.filter((r) => r.live && r.url_path).map((r) => [r.path, r.url_path!]));
    const known = new Set(rows.map((r) => r.path));
    // Imported articles still as imported whose body mentions one of the old hosts.
    const candidates = await trx.selectFrom('legacy_item as i')
      .innerJoin('article as a', (j) => j.onRef('a.site_id', '=', 'i.site_id').onRef('a.id', '=', 'i.article_id'))
      .innerJoin('article_revision as r', (j) => j.onRef('r.site_id', '=', 'a.site_id').onRef('r.id', '=', 'a.latest_revision_id'))
      .select(['i.id as item_id', 'a.id as article_id', 'a.live', 'a.latest_revision_id', 'r.title', 'r.body_html'])
      .where('i.site_id', '=', siteId).where('i.legacy_site_id', '=', legacy.id).where('a.deleted_at', 'is', null)
      .whereRef('i.revision_id', '=', 'a.latest_revision_id')
      .where((eb) => eb.or([...hosts].map((h) => eb('r.body_html', 'like', `%${h.replace(/[%_\\]/g, '\\$&')}%`))))
      .execute();
    return { targets, known, candidates };
  });
  for (const c of candidates) {
    let changed = 0;
    const body = c.body_html.replace(HREF, (whole, attr: string, value: string) => {
      const url = unescapeAttr(value);
      let key: { host: string; key: string };
      try {
        key = canonicalKeyOfUrl(url, legacy.query_params);
      } catch {
        return whole;
      }
      if (!hosts.has(key.host)) return whole;
      const target = targets.get(key.key);
      if (!target) {
        // A page still awaiting publication is no broken link; one the import never saw is.
        if (attr === 'href' && key.key !== '/' && !known.has(key.key)) report.broken.push({ articleId: c.article_id, title: c.title, url });
        return whole;
      }
      changed++;
      return `${attr}="${target}"`;
    });
    if (!changed) continue;
    await inScope(ctx.db, ctx.scope, (trx) => saveRewritten(trx, ctx, siteId, c.item_id, c.article_id, c.latest_revision_id!, body, c.live));
    report.rewritten += changed;
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
