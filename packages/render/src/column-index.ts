/**
 * A site's columns, indexed once per loaded scope (issue 6, Speed). Every page walked the site's
 * columns (55 in the standard template) several times over with closures: the article's column
 * by id, the channels for the navigation, the breadcrumbs, the column-list settings and their
 * open children, the language versions. On an uncached article page those walks were the
 * largest self time in the page's own code. The index answers each with a lookup.
 *
 * Keyed by the scope's columns array, which the site directory keeps and every request's mounted
 * scope shares (mountScope): built on a site's first page after it loads, dropped with it. The
 * arrays handed out are the index's own and must not be changed by callers.
 */
import type { SiteColumnRow } from '@zhanqun/db/database';

export interface ColumnIndex {
  /** Any column by id. */
  byId(id: string): SiteColumnRow | undefined;
  /** The first column with this path, open or not. */
  byPath(path: string): SiteColumnRow | undefined;
  /** The first open column with this path. */
  openByPath(path: string): SiteColumnRow | undefined;
  /** Open columns under a parent (null: the top level), in the site's order. */
  openChildren(parentId: string | null): readonly SiteColumnRow[];
  /** Is this path a foreign-language version's root (`/en/`)? Its own home, never a channel of the Chinese site. */
  isLocaleRoot(path: string): boolean;
  /** The navigation's channels: the open top-level columns that are not language roots. */
  readonly channels: readonly SiteColumnRow[];
  /** A column's trail: every column whose path starts its path (itself included), language roots left out, shortest first. */
  trail(column: SiteColumnRow): readonly SiteColumnRow[];
}

const NONE: readonly SiteColumnRow[] = Object.freeze([]);
const indexes = new WeakMap<readonly SiteColumnRow[], { locales: readonly string[]; index: ColumnIndex }>();

export function columnIndex(columns: readonly SiteColumnRow[], locales: readonly string[]): ColumnIndex {
  const kept = indexes.get(columns);
  if (kept && kept.locales === locales) return kept.index;
  const index = buildIndex(columns, locales);
  indexes.set(columns, { locales, index });
  return index;
}

function buildIndex(columns: readonly SiteColumnRow[], locales: readonly string[]): ColumnIndex {
  const ids = new Map<string, SiteColumnRow>();
  const paths = new Map<string, SiteColumnRow>();
  const openPaths = new Map<string, SiteColumnRow>();
  const children = new Map<string | null, SiteColumnRow[]>();
  const roots = new Set(locales.map((l) => `/${l}/`));
  for (const c of columns) {
    if (!ids.has(c.id)) ids.set(c.id, c);
    if (!paths.has(c.path)) paths.set(c.path, c);
    if (c.status !== 'open') continue;
    if (!openPaths.has(c.path)) openPaths.set(c.path, c);
    const siblings = children.get(c.parent_id);
    if (siblings) siblings.push(c);
    else children.set(c.parent_id, [c]);
  }
  const isLocaleRoot = (path: string) => roots.has(path);
  const channels = (children.get(null) ?? []).filter((c) => !isLocaleRoot(c.path));
  const trails = new Map<string, readonly SiteColumnRow[]>();
  return {
    byId: (id) => ids.get(id),
    byPath: (path) => paths.get(path),
    openByPath: (path) => openPaths.get(path),
    openChildren: (parentId) => children.get(parentId) ?? NONE,
    isLocaleRoot,
    channels,
    trail(column) {
      let trail = trails.get(column.path);
      if (!trail) {
        trail = columns.filter((c) => column.path.startsWith(c.path) && !isLocaleRoot(c.path)).sort((a, b) => a.path.length - b.path.length);
        trails.set(column.path, trail);
      }
      return trail;
    },
  };
}
