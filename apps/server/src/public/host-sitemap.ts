import type { SiteRow } from '@zhanqun/db/database';
import { applyScope, type Tx } from '@zhanqun/db/scope';
import * as feedRepository from '@zhanqun/content/feed.repository';
import {
  latestOf, planSitemap, renderSitemapIndex, SITEMAP_MAX_URLS, renderUrlset, serialBlockRange, type SerialBlockCount, type SitemapUrl,
} from '@zhanqun/render/feeds';
import * as siteRepository from '@zhanqun/tenancy/site.repository';

/** A live site mounted on a host at a prefix (`/`, or a sub-site's `/cgz/`). */
export interface HostMount { site: SiteRow; prefix: string }

export type HostSites =
  /** No live site answers on this host: the plain 404, as for every other path. */
  | { kind: 'unknown' }
  /** The host is no site's canonical home (an alias, a legacy domain): its sitemap is the primary host's. */
  | { kind: 'elsewhere'; primaryHost: string }
  /** The live sites whose canonical home is on this host, root first, then sub-sites by prefix. */
  | { kind: 'mounts'; mounts: HostMount[] };

/** Keyset page size when reading articles: bounded memory per query, two queries per full file. */
const BATCH = 25_000;

/**
 * The live sites of a host, as the public routes resolve them (site_domain by host, longest
 * prefix for a path): a sitemap lists only the URLs a host is the canonical home of, that is
 * its `primary` routes; an alias redirects its pages, so its sitemap points at the primary host.
 * Leaves the transaction in the public scope of the host's sites.
 */
export async function findHostSites(trx: Tx, host: string): Promise<HostSites> {
  const routes = await siteRepository.findRoutesByHost(trx, host);
  if (routes.length === 0) return { kind: 'unknown' };
  const ids = [...new Set(routes.map((r) => r.site_id))];
  await applyScope(trx, { kind: 'public', siteIds: ids });
  // Provisioning and closed sites are not public (their pages answer the plain 404).
  const sites = new Map((await siteRepository.findByIds(trx, ids)).filter((s) => s.status === 'live').map((s) => [s.id, s]));
  const live = routes.filter((r) => sites.has(r.site_id));
  if (live.length === 0) return { kind: 'unknown' };
  const mounts = live.filter((r) => r.role === 'primary')
    .sort((a, b) => a.path_prefix.localeCompare(b.path_prefix))
    .map((r) => ({ site: sites.get(r.site_id)!, prefix: r.path_prefix }));
  if (mounts.length > 0) return { kind: 'mounts', mounts };
  const root = live.find((r) => r.path_prefix === '/') ?? live[0]!;
  const primary = await siteRepository.findPrimaryHost(trx, root.site_id);
  return primary && primary.host !== host ? { kind: 'elsewhere', primaryHost: primary.host } : { kind: 'mounts', mounts: [] };
}

const under = (origin: string, prefix: string, path: string) => `${origin}${prefix.slice(0, -1)}${path}`;

/**
 * The home and column pages of the mounted sites, in order. A column's lastmod is its latest
 * item's last publication (a channel without items of its own shows its sub-columns', as its
 * page does); the home page's is its site's latest; with no item yet, when the row last changed.
 */
async function pageUrls(
  trx: Tx, mounts: readonly HostMount[], columns: readonly feedRepository.SitemapColumnRow[], blocks: readonly SerialBlockCount[], origin: string,
): Promise<SitemapUrl[]> {
  const latest = await feedRepository.findLatestByColumn(trx, mounts.map((m) => m.site.id));
  const urls: SitemapUrl[] = [];
  for (const { site, prefix } of mounts) {
    const own = columns.filter((c) => c.site_id === site.id);
    urls.push({ loc: under(origin, prefix, '/'), lastmod: latestOf(blocks.filter((b) => b.siteId === site.id).map((b) => b.lastmod)) ?? site.updated_at });
    for (const c of own) {
      const items = latest.get(c.id) ?? latestOf(own.filter((d) => d.path.startsWith(c.path)).map((d) => latest.get(d.id) ?? null));
      urls.push({ loc: under(origin, prefix, c.path), lastmod: items ?? c.updated_at });
    }
  }
  return urls;
}

/** Live articles of the mounted sites by keyset pages; `only` narrows to one site's serial block. */
async function articleUrls(trx: Tx, mounts: readonly HostMount[], origin: string, only?: { siteId: string; block: number }): Promise<SitemapUrl[]> {
  const prefixOf = new Map(mounts.map((m) => [m.site.id, m.prefix]));
  const siteIds = only ? [only.siteId] : mounts.map((m) => m.site.id);
  const serials = only ? serialBlockRange(only.block) : undefined;
  const urls: SitemapUrl[] = [];
  let after: { siteId: string; serial: number } | null = null;
  for (;;) {
    const rows = await feedRepository.listLiveBySerial(trx, siteIds, { after, limit: BATCH, ...(serials ? { serials } : {}) });
    for (const r of rows) urls.push({ loc: under(origin, prefixOf.get(r.site_id)!, r.url_path), lastmod: r.lastmod });
    const last = rows.at(-1);
    if (!last || rows.length < BATCH) return urls;
    after = { siteId: last.site_id, serial: last.serial_no };
  }
}

/**
 * A host's sitemap: with `file` null, `/sitemap.xml` (every URL, or the index when there are
 * more than 50,000); with a number, `/sitemap-<file>.xml` of the index. Null: no such file.
 * Planning costs two light queries (serial blocks, open columns); the column lastmods (one
 * pass over the placements) are read only for a file that lists the pages.
 */
export async function hostSitemap(trx: Tx, mounts: readonly HostMount[], origin: string, file: number | null): Promise<string | null> {
  const siteIds = mounts.map((m) => m.site.id);
  const order = new Map(mounts.map((m, i) => [m.site.id, i]));
  const blocks: SerialBlockCount[] = (await feedRepository.countLiveBySerialBlock(trx, siteIds, SITEMAP_MAX_URLS))
    .map((b) => ({ siteId: b.site_id, block: b.block, count: b.count, lastmod: b.lastmod }))
    .sort((a, b) => order.get(a.siteId)! - order.get(b.siteId)! || a.block - b.block);
  const columns = await feedRepository.findOpenColumns(trx, siteIds);
  // For the index entry only: no page of these can have changed after this.
  const pagesLastmod = latestOf([...blocks.map((b) => b.lastmod), ...columns.map((c) => c.updated_at), ...mounts.map((m) => m.site.updated_at)]);
  const plan = planSitemap(mounts.length + columns.length, pagesLastmod, blocks);
  if (file === null) {
    if (plan.kind === 'urlset') return renderUrlset([...(await pageUrls(trx, mounts, columns, blocks, origin)), ...(await articleUrls(trx, mounts, origin))]);
    return renderSitemapIndex(plan.files.map((f, i) => ({ loc: `${origin}/sitemap-${i + 1}.xml`, lastmod: f.lastmod })));
  }
  const part = plan.kind === 'index' ? plan.files[file - 1] : undefined;
  if (!part) return null;
  if (part.kind === 'pages') return renderUrlset((await pageUrls(trx, mounts, columns, blocks, origin)).slice(part.from, part.to));
  return renderUrlset(await articleUrls(trx, mounts, origin, { siteId: part.siteId, block: part.block }));
}
