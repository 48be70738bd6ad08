/**
 * A legacy site's mapping profile (issue 7, Extract and Map): which of its URLs are articles and
 * list pages, which section each belongs to and the platform column it goes to, which are
 * retired, and where on an article page the title, body and time are. YAML (or JSON, which YAML
 * reads too); every mistake is refused naming its field. Pure.
 */
import { parse as parseYaml } from 'yaml';
import { invalid } from '@zhanqun/core/errors';
import { isSupportedSelector } from './html-tree.js';

export interface MirrorProfile {
  host: string;
  aliases: string[];
  /** Significant query parameters of the old site (lower case). */
  queryParams: string[];
  /** Article pages; a named group `section` says the section, else `defaultSection` does (or the breadcrumb, by mapBy). */
  articles: RegExp;
  /** List pages (`index_N.html`): each answers 301 to its section's column. */
  lists: RegExp | null;
  /** Pages retired for good: 410. */
  retired: RegExp[];
  /** Section → the platform column's path (`/xwdt/tzgg/`). */
  sections: Map<string, string>;
  defaultSection: string | null;
  /**
   * How an article finds its section: `url` (the pattern's group or defaultSection) or
   * `breadcrumb` (the deepest crumb of the page's 当前位置 that names a section; the URL's section
   * when none does). List pages are placed by URL either way.
   */
  mapBy: 'url' | 'breadcrumb';
  selectors: { title: string | null; body: string | null; time: string | null; breadcrumb: string | null };
}

const HOST_RE = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

function regex(value: unknown, field: string): RegExp {
  if (typeof value !== 'string' || !value || value.length > 500) throw invalid(field, 'must be a regular expression of at most 500 characters');
  try {
    return new RegExp(value, 'i');
  } catch (err) {
    throw invalid(field, `is not a regular expression: ${(err as Error).message}`);
  }
}

function text(value: unknown, field: string): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string') throw invalid(field, 'must be text');
  return value;
}

/** Read and check a profile. */
export function parseProfile(source: string): MirrorProfile {
  let raw: unknown;
  try {
    raw = parseYaml(source);
  } catch (err) {
    throw invalid('profile', `is not YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw invalid('profile', 'must be a mapping of settings');
  const p = raw as Record<string, unknown>;
  const host = typeof p['host'] === 'string' ? p['host'].trim().toLowerCase() : '';
  if (!HOST_RE.test(host)) throw invalid('host', 'must be the old site\'s host name');
  const list = (v: unknown, field: string) => {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) throw invalid(field, 'must be a list');
    return v.map((x, i) => { if (typeof x !== 'string') throw invalid(`${field}[${i}]`, 'must be text'); return x; });
  };
  const aliases = list(p['aliases'], 'aliases').map((a) => a.toLowerCase());
  aliases.forEach((a, i) => { if (!HOST_RE.test(a)) throw invalid(`aliases[${i}]`, 'must be a host name'); });
  const queryParams = list(p['query_params'], 'query_params');
  queryParams.forEach((q, i) => { if (q !== q.toLowerCase() || !q) throw invalid(`query_params[${i}]`, 'must be a lower-case parameter name'); });
  const sectionsRaw = p['sections'];
  if (!sectionsRaw || typeof sectionsRaw !== 'object' || Array.isArray(sectionsRaw)) throw invalid('sections', 'must map each section to a column path');
  const sections = new Map<string, string>();
  for (const [key, value] of Object.entries(sectionsRaw as Record<string, unknown>)) {
    if (typeof value !== 'string' || !/^\/([a-z0-9-]+\/)+$/.test(value)) throw invalid(`sections.${key}`, 'must be a column path such as /xwdt/tzgg/');
    sections.set(key, value);
  }
  const selectors = (p['selectors'] ?? {}) as Record<string, unknown>;
  if (typeof selectors !== 'object' || Array.isArray(selectors)) throw invalid('selectors', 'must map title, body, time and breadcrumb to CSS selectors');
  for (const key of ['title', 'body', 'time', 'breadcrumb'] as const) {
    const selector = text(selectors[key], `selectors.${key}`);
    if (selector && !isSupportedSelector(selector)) throw invalid(`selectors.${key}`, 'must be tag, #id, .class or their compounds, joined by spaces');
  }
  const articles = regex(p['articles'], 'articles');
  const defaultSection = text(p['default_section'], 'default_section');
  const mapBy = p['map_by'] ?? 'url';
  if (mapBy !== 'url' && mapBy !== 'breadcrumb') throw invalid('map_by', 'must be url or breadcrumb');
  if (mapBy === 'breadcrumb' && !text(selectors['breadcrumb'], 'selectors.breadcrumb')) throw invalid('selectors.breadcrumb', 'is needed to map by breadcrumb');
  if (mapBy === 'url' && !/\(\?<section>/.test(articles.source) && !defaultSection) throw invalid('articles', 'needs a (?<section>…) group, or give default_section (or map_by: breadcrumb)');
  return {
    host, aliases, queryParams, articles, lists: p['lists'] ? regex(p['lists'], 'lists') : null,
    retired: list(p['retired'], 'retired').map((r, i) => regex(r, `retired[${i}]`)), sections, defaultSection, mapBy,
    selectors: {
      title: text(selectors['title'], 'selectors.title'), body: text(selectors['body'], 'selectors.body'), time: text(selectors['time'], 'selectors.time'),
      breadcrumb: text(selectors['breadcrumb'], 'selectors.breadcrumb'),
    },
  };
}

/** Separators of a 当前位置 line: 首页 > 政务公开 > 通知公告 (also ＞ › » → / and -->). */
const CRUMB_SEPARATOR = /\s*(?:-*>|＞|›|»|→|\/|\|)\s*/;

/** The crumbs of a breadcrumb's text, without its 当前位置： label. */
export function crumbsOf(text: string): string[] {
  return text.replace(/^\s*(?:当前位置|您的位置|您现在的位置|所在位置|位置)\s*[:：]?/, '').split(CRUMB_SEPARATOR).map((c) => c.replace(/\s+/g, ' ').trim()).filter(Boolean);
}

/** The section a page's crumbs name: the deepest crumb that is a section of the profile. */
export function sectionOfCrumbs(profile: MirrorProfile, crumbs: readonly string[]): string | null {
  for (let i = crumbs.length - 1; i >= 0; i--) if (profile.sections.has(crumbs[i]!)) return crumbs[i]!;
  return null;
}
