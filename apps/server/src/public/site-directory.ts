/**
 * What every public request of a site needs before its own page query — the host's routes, the
 * site and its parent, its columns and theme settings — kept in memory per process and dropped
 * precisely when the database says a site changed (the NOTIFY triggers of migration 090300 and
 * later cover site, site_domain, site_column and site_theme_setting). An uncached page then costs
 * its own query, not the half-dozen lookups that were the same for every page of the site.
 */
import type { Kysely } from 'kysely';
import type { Database, DomainRole, SiteRow } from '@zhanqun/db/database';
import { applyScope, inScope } from '@zhanqun/db/scope';
import { loadSiteScope, type SiteScope } from '@zhanqun/render/theme-context';
import * as siteRepository from '@zhanqun/tenancy/site.repository';

export interface HostRoute { site_id: string; path_prefix: string; role: DomainRole }

/** A site as public pages see it, mounted nowhere yet: `withMount` places it on the request's host and prefix. */
export interface DirectorySite {
  site: SiteRow;
  parent: SiteRow | null;
  /** The site's primary host and prefix (where alias hosts send readers), if it has one. */
  primary: { host: string; path_prefix: string } | null;
  scope: Omit<SiteScope, 'mount'>;
}

/** Unknown hosts are remembered too (scanners probe by name); past this many, the map starts again. */
const MAX_HOSTS = 20_000;

export class SiteDirectory {
  readonly #routes = new Map<string, Promise<HostRoute[]>>();
  /** Whether each host whose routes have loaded (and are still kept) names a site: answered without a promise. */
  readonly #known = new Map<string, boolean>();
  readonly #sites = new Map<string, Promise<DirectorySite | null>>();
  /** Each loaded sub-site's parent: a change to the parent drops the sub-site too. */
  readonly #parentOf = new Map<string, string>();
  /** Bumped on every change: a load that started before one is used once, not kept. */
  #epoch = 0;

  /** With `keep` false every request loads afresh through the same code (SITE_CACHE=0, tests). */
  constructor(private readonly db: Kysely<Database>, private readonly keep = true) {}

  /** The host's routes (empty: not a host of this platform). */
  routes(host: string): Promise<HostRoute[]> {
    let routes = this.#routes.get(host);
    if (!routes) {
      if (this.#routes.size >= MAX_HOSTS) {
        this.#routes.clear();
        this.#known.clear();
      }
      const loaded = this.#keep(this.#routes, host, inScope(this.db, { kind: 'public', siteIds: [] }, (trx) => siteRepository.findRoutesByHost(trx, host)));
      loaded.then((found) => { if (this.#routes.get(host) === loaded) this.#known.set(host, found.length > 0); }, () => undefined);
      routes = loaded;
    }
    return routes;
  }

  async isKnown(host: string | null): Promise<boolean> {
    return host !== null && (await this.routes(host)).length > 0;
  }

  /** isKnown when the host's routes are loaded and kept; undefined when that takes a query. */
  knownNow(host: string | null): boolean | undefined {
    return host === null ? false : this.#known.get(host);
  }

  /** A site with its parent, columns and settings; null when it does not exist. */
  site(siteId: string): Promise<DirectorySite | null> {
    return this.#sites.get(siteId) ?? this.#keep(this.#sites, siteId, this.#load(siteId));
  }

  /**
   * A site changed: forget it, the sub-sites that show it (their footer is the parent's), and
   * every host's routes — the notice names only the site, and a new domain or sub-site prefix of
   * site B may sit on a host whose routes name only site A. Routes reload in one query a host.
   * `*` forgets everything.
   */
  invalidate(siteId: string): void {
    this.#epoch++;
    this.#routes.clear();
    this.#known.clear();
    if (siteId === '*') {
      this.#sites.clear();
      this.#parentOf.clear();
      return;
    }
    this.#sites.delete(siteId);
    for (const [child, parent] of this.#parentOf) {
      if (parent === siteId) {
        this.#sites.delete(child);
        this.#parentOf.delete(child);
      }
    }
  }

  async #load(siteId: string): Promise<DirectorySite | null> {
    return inScope(this.db, { kind: 'public', siteIds: [siteId] }, async (trx) => {
      const site = await siteRepository.findById(trx, siteId);
      if (!site) return null;
      let parent: SiteRow | null = null;
      if (site.parent_site_id) {
        // A sub-site's pages show its parent's footer: the scope widens to the parent.
        await applyScope(trx, { kind: 'public', siteIds: [site.id, site.parent_site_id] });
        parent = (await siteRepository.findById(trx, site.parent_site_id)) ?? null;
        this.#parentOf.set(site.id, site.parent_site_id);
      }
      const primary = (await siteRepository.findPrimaryHost(trx, site.id)) ?? null;
      // Kept unmounted (its type has no mount): each request mounts it where it found the site (mountScope).
      const scope: Omit<SiteScope, 'mount'> = await loadSiteScope(trx, site, parent, { host: '', prefix: '/' });
      return { site, parent, primary, scope };
    });
  }

  /**
   * Keep a load for the next requests, unless it fails (the next request tries again) or a change
   * arrives while it runs (it may have read what was there before: used by its waiters, not kept).
   */
  #keep<T>(map: Map<string, Promise<T>>, key: string, load: Promise<T>): Promise<T> {
    if (!this.keep) return load;
    const epoch = this.#epoch;
    map.set(key, load);
    const forget = () => { if (map.get(key) === load) map.delete(key); };
    load.then(() => { if (epoch !== this.#epoch) forget(); }, forget);
    return load;
  }
}
