/**
 * The only bridge from themes to the domain (STYLE.md): turns sites, columns and articles into
 * plain view objects. Every value a template sees is built here for one site and one request,
 * so no site's data can reach another's page through shared template state.
 */
import { formEncode } from '@zhanqun/core/form-encode';
import { formatZoned } from '@zhanqun/core/time';
import type { ColumnKind, SiteColumnRow, SiteRow } from '@zhanqun/db/database';
import type { Db } from '@zhanqun/db/scope';
import * as reads from '@zhanqun/content/article-read.repository';
import { attachmentPath } from '@zhanqun/content/article.schema';
import { localeOfPath } from '@zhanqun/content/translation.service';
import * as columnRepository from '@zhanqun/tenancy/column.repository';
import { join } from 'node:path';
import { resolveSettings, settingDefsOf, settingsCssUrl, type SettingDef, type SettingValues } from './theme-settings.js';
import { PARTIAL_OVERRIDES } from './partial-overrides.js';
import { homeItemSettingsCached } from './home-items.js';
import { columnsOf, HOME_LABELS, languagesOf, mentionIn, packMentions, settingsView, url } from './theme-context-site.js';
import { THEMES_DIR } from './theme.js';

export const KIND_LABELS: Record<ColumnKind, string> = {
  news: '动态要闻', notice: '通知公告', policy: '政策文件', personnel: '人事信息', plans: '规划计划',
  interpretation: '政策解读', interaction: '互动交流', service: '办事服务', page: '单页', link: '外部链接',
};

export interface SiteView { name: string; code: string; host: string; homeUrl: string; searchUrl: string; siteIdCode: string | null; parentName: string | null }
export interface LinkView { name: string; url: string; current?: boolean; lang?: string; children?: LinkView[] }
export interface ListItemView {
  title: string; url: string; date: string; pinned: boolean;
  /** 封面图 (picture news): the public URL of the article's cover image, or null. */
  cover: string | null;
}
export interface FooterView {
  siteName: string; sponsor: string | null; contact: string | null; siteIdCode: string | null; icpNumber: string | null; psbNumber: string | null;
}
export interface ColumnView { name: string; kind: ColumnKind; kindLabel: string; description: string | null; url: string; children: LinkView[] }
export interface ArticleView {
  title: string; subtitle: string | null; summary: string | null; bodyHtml: string; source: string | null; author: string | null;
  pubDate: string; keywords: string | null; absoluteUrl: string; indexNumber: string | null; documentNumber: string | null;
  issuingOrgan: string | null; dateWritten: string | null; topicCategory: string | null; validityLabel: string | null;
  hasGovInfo: boolean;
  /** 附件: links under the site's mount, with a readable size and the file's type. */
  attachments: AttachmentView[];
  /** For an interpretation (政策解读): the policy document it explains. */
  interprets: LinkView | null;
  /** For a policy document: its published interpretations. */
  interpretations: LinkView[];
  /** An external-link article (外链稿件): its page sends readers there. */
  externalUrl: string | null;
  /** Share links without any third-party script: Weibo's share URL, and the address to copy for WeChat. */
  share: { weibo: string; url: string } | null;
}
export interface AttachmentView { url: string; filename: string; ext: string; sizeLabel: string }
export interface BlockView { name: string; url: string; items: ListItemView[]; children?: LinkView[] }
export interface PaginationView { page: number; pages: number; prevUrl: string | null; nextUrl: string | null }

export { PARTIAL_OVERRIDES };

/** A site's theme settings as templates see them: column-list settings become blocks (their items filled on the home page). */
export type SettingsView = Record<string, string | boolean | BlockView[]>;

export interface PageContext {
  theme: string;
  lang: string;
  title: string;
  site: SiteView;
  /** This site's values for its pack's settings (defaults from theme.json); also `@site.settings`. */
  settings: SettingsView;
  /** The stylesheet carrying the site's colour settings as CSS variables (zq_head links it), or null. */
  settingsCss: string | null;
  /** The language switch: the Chinese home and each foreign-language version's home; empty without translations. */
  languages: LinkView[];
  nav: LinkView[];
  footer: FooterView;
  breadcrumbs: LinkView[];
  column?: ColumnView;
  article?: ArticleView;
  blocks?: BlockView[];
  items?: ListItemView[];
  pagination?: PaginationView;
  error?: { status: number; message: string };
  /** Home page: live portals above this site and live sites of its kind beside it (上级网站、同级网站). */
  relatedSites?: { superior: LinkView[]; siblings: LinkView[] };
  /** The search page: what was asked (trimmed) and how many live articles match. */
  search?: { query: string; total: number };
  /**
   * An interaction column's page (互动交流: 领导信箱, 咨询投诉, 意见征集 …): the interaction columns
   * beside it, and how to reach the site's office. Letters written on the site come with their own issue.
   */
  interaction?: { channels: LinkView[]; contact: string | null; sponsor: string };
  /** Unpublished content shown on the admin host only (noindex, with a banner). */
  preview?: boolean;
  /** The site's own versions of its pack's partials, by name (checked when saved). */
  [PARTIAL_OVERRIDES]?: Readonly<Record<string, string>>;
  /** Other sites whose names and addresses the page shows (related-site links): a change to one of them makes it stale. */
  [SHOWN_SITES]?: readonly string[];
}

/** Where a page carries the other sites it shows to the page cache, out of the templates' reach (a symbol key). */
export const SHOWN_SITES: unique symbol = Symbol('zq.shownSites');

/**
 * What a cached page that lists a platform's superior and sibling sites is also filed under: the
 * site triggers notify it when a site of the platform is added, removed, goes live or offline, or
 * changes place (migration 2026_11_28_170000), and every such page is dropped.
 */
export const directoryTag = (platformId: string): string => `directory:${platformId}`;

/** Where a site is mounted: its host and path prefix (`/` or a sub-site's `/cgz/`), and the port the request came to (`:3000`, or ''). */
export interface Mount { host: string; prefix: string; port?: string }

export interface SiteScope {
  site: SiteRow;
  /** The pack's setting definitions and this site's values for them. */
  settingDefs: SettingDef[];
  settings: SettingValues;
  /** The site's own partials for this pack, by name. */
  partials: Readonly<Record<string, string>>;
  /** The parent site of a sub-site, whose footer (site code, filings) it shows. */
  parent: SiteRow | null;
  mount: Mount;
  columns: SiteColumnRow[];
}

const day = (d: Date) => formatZoned(d, 'yyyy-MM-dd');
/** 1.2 MB, 340 KB: how Chinese government sites label attachment sizes. */
function sizeLabel(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}
const VALIDITY: Record<string, string> = { valid: '有效', amended: '已修订', repealed: '已废止' };

export interface SiteScopeOptions {
  /** The pack to render in, instead of the site's own (the console's preview of another pack). */
  theme?: string;
  /** Values to render with instead of the stored ones (the console's preview of unsaved settings, already validated). */
  settings?: Record<string, unknown>;
  themesDir?: string;
}

/** Load what every page of a site needs: its columns and its theme settings. */
export async function loadSiteScope(db: Db, site: SiteRow, parent: SiteRow | null, mount: Mount, opts: SiteScopeOptions = {}): Promise<SiteScope> {
  const theme = opts.theme ?? site.theme;
  const settingDefs = settingDefsOf(join(opts.themesDir ?? THEMES_DIR, theme));
  const [columns, stored, partials] = await Promise.all([
    columnRepository.findAll(db, site.id),
    opts.settings || settingDefs.length === 0 ? Promise.resolve(null)
      : db.selectFrom('site_theme_setting').select('settings').where('site_id', '=', site.id).where('theme', '=', theme).executeTakeFirst(),
    db.selectFrom('site_partial_override').select(['name', 'source']).where('site_id', '=', site.id).where('theme', '=', theme).execute(),
  ]);
  const settings = resolveSettings(settingDefs, opts.settings ?? stored?.settings ?? null);
  return mountScope({
    site: theme === site.theme ? site : { ...site, theme }, parent, columns, settingDefs, settings,
    partials: Object.freeze(Object.fromEntries(partials.map((p) => [p.name, p.source]))),
  }, mount);
}

/**
 * A site's scope mounted where a request found it (a kept scope is shared by its site's hosts and
 * prefixes). Its fields are written out in one order, so every scope has one shape (V8 map): made
 * with `{ ...scope, mount }` per request, scopes came in many, and every page builder's reads of
 * them went megamorphic and missed into V8's runtime (`--log-ic`: s.site, s.columns, s.mount,
 * s.settings, s.settingDefs, s.partials and s.parent, once a page each).
 */
export function mountScope(s: Omit<SiteScope, 'mount'>, mount: Mount): SiteScope {
  return { site: s.site, settingDefs: s.settingDefs, settings: s.settings, partials: s.partials, parent: s.parent, mount, columns: s.columns };
}

function basePage(s: SiteScope, title: string, currentPath: string | null): PageContext {
  const footerSite = s.site.kind === 'sub_site' && s.parent ? s.parent : s.site;
  // A page under a foreign-language version's prefix (/en/…) is in that language (DESIGN.md, Locale),
  // and its navigation is that version's own: its home and its channels, not the Chinese ones.
  const lang = currentPath ? localeOfPath(currentPath, s.site.locales) : 'zh-CN';
  const columns = columnsOf(s);
  const root = lang === 'zh-CN' ? undefined : columns.byPath(`/${lang}/`);
  const channels = root ? columns.openChildren(root.id) : columns.channels;
  const nav = channels.map((c) => ({ name: c.name, url: url(s.mount, c.path), current: currentPath?.startsWith(c.path) ?? false }));
  const home = root ? { name: HOME_LABELS[lang] ?? 'Home', url: url(s.mount, root.path) } : { name: '首页', url: url(s.mount, '/') };
  const page: PageContext = {
    theme: s.site.theme,
    lang,
    settings: settingsView(s),
    settingsCss: settingsCssUrl(s.settingDefs, s.settings),
    languages: languagesOf(s, lang),
    title: title === s.site.name ? s.site.name : `${title} - ${s.site.name}`,
    site: {
      name: s.site.name, code: s.site.code, host: s.mount.host, homeUrl: url(s.mount, '/'), searchUrl: url(s.mount, SEARCH_PATH),
      siteIdCode: footerSite.site_id_code, parentName: s.parent?.name ?? null,
    },
    nav: [{ ...home, current: currentPath === null || currentPath === root?.path }, ...nav],
    footer: {
      siteName: footerSite.name, sponsor: footerSite.sponsor, contact: footerSite.contact, siteIdCode: footerSite.site_id_code,
      icpNumber: footerSite.icp_number, psbNumber: footerSite.psb_number,
    },
    breadcrumbs: [home],
  };
  // Set after, not spread into the literal: a spread makes V8 build the page object the slow way.
  if (Object.keys(s.partials).length) page[PARTIAL_OVERRIDES] = s.partials;
  return page;
}

/** The site's search page, under its prefix. Column slugs start with a letter or digit, so no column can take it. */
export const SEARCH_PATH = '/_search/';

function toItems(s: SiteScope, rows: reads.ArticleListItem[]): ListItemView[] {
  return rows.map((r) => ({
    title: r.title, url: r.external_url ?? url(s.mount, r.url_path), date: day(r.published_at), pinned: r.pinned,
    cover: r.cover_attachment_id ? url(s.mount, attachmentPath(r.cover_attachment_id, 'cover')) : null,
  }));
}

function subtreeIds(s: SiteScope, column: SiteColumnRow): string[] {
  return s.columns.filter((c) => c.path.startsWith(column.path)).map((c) => c.id);
}

/** The columns the default pack's home shows as blocks, where the site has them. */
const HOME_BLOCK_PATHS = ['/xwdt/yw/', '/xwdt/tzgg/', '/zwgk/zcwj/', '/xwdt/bmdt/', '/zwgk/zcwj/zcjd/', '/zwgk/rsxx/'];
const HOME_ITEMS = 8;

/**
 * The home page: the site's main blocks (要闻, 通知公告, 政策文件, 部门动态 …) where it has them, the
 * items of the column-list settings its pack shows (home-items.ts), and superior and sibling
 * sites — all read in one statement, each column's items once however many blocks show them.
 */
export async function homeContext(db: Db, s: SiteScope): Promise<PageContext> {
  const page = basePage(s, s.site.name, null);
  // What a pack's templates never mention is not read (the county pack shows blocks of its settings instead).
  const uses = (word: string) => packMentions(s.site.theme, word) || Object.values(s.partials).some((src) => mentionIn(src, word));
  const blockColumns = uses('blocks') ? HOME_BLOCK_PATHS.map((path) => columnsOf(s).byPath(path)).filter((c) => c !== undefined) : [];
  // Column-list settings (news tabs, picture news …) whose items the pack shows; entrances and topic banners are links only.
  const shown = homeItemSettingsCached(s.site.theme, s.partials);
  const settingBlocks: { block: BlockView; column: SiteColumnRow }[] = [];
  for (const def of s.settingDefs.filter((d) => d.type === 'column-list' && (shown === null || shown.has(d.key)))) {
    for (const block of page.settings[def.key] as BlockView[]) {
      const column = s.columns.find((c) => url(s.mount, c.path) === block.url);
      if (column) settingBlocks.push({ block, column });
    }
  }
  const columns = [...new Set([...blockColumns, ...settingBlocks.map((b) => b.column)])];
  const showsRelated = uses('relatedSites');
  const read = await reads.findHomePage(db, s.site.id, columns.map((c) => subtreeIds(s, c)), HOME_ITEMS, showsRelated);
  const itemsOf = (column: SiteColumnRow) => toItems(s, read.lists[columns.indexOf(column)] ?? []);
  page.blocks = blockColumns.map((column) => ({ name: column.name, url: url(s.mount, column.path), items: itemsOf(column) }));
  if (uses('blocks') && page.blocks.every((b) => b.items.length === 0)) {
    // A site without the standard columns still shows its newest items.
    const items = toItems(s, await reads.listLiveInColumns(db, s.site.id, s.columns.map((c) => c.id), 10));
    page.blocks = [{ name: '最新信息', url: url(s.mount, '/'), items }];
  }
  for (const { block, column } of settingBlocks) block.items = itemsOf(column);
  const link = (r: reads.RelatedSiteRow) => ({ name: r.name, url: `//${r.host}${s.mount.port ?? ''}${r.path_prefix}` });
  page.relatedSites = {
    superior: read.relatedSites.filter((r) => r.relation === 'superior').map(link),
    siblings: read.relatedSites.filter((r) => r.relation === 'sibling').map(link),
  };
  // The sites it shows, and — since a site going live or offline joins or leaves these lists without
  // being one of them — its platform's directory (directoryTag, notified by the site triggers).
  page[SHOWN_SITES] = showsRelated ? [...read.relatedSites.map((r) => r.site_id), directoryTag(s.site.platform_id)] : [];
  return page;
}

function crumbs(s: SiteScope, column: SiteColumnRow): LinkView[] {
  return columnsOf(s).trail(column).map((c) => ({ name: c.name, url: url(s.mount, c.path) }));
}

const PAGE_SIZE = 20;

/**
 * Where a column page's items come from (DESIGN.md, Cache: deep pages stay stable). Unpinned
 * items are cut into blocks of PAGE_SIZE from the oldest end; `?page=b` is block b, whose items
 * never change as new ones arrive. The column's own URL shows the pinned items, then everything
 * newer than the older blocks: the newest full block and the newer part-block (20 to 39 items).
 * Pages are labelled from the newest (第 1 页 is the column's URL), so labels move, URLs do not.
 */
export function columnPagination(unpinned: number, requested: number) {
  const blocks = Math.floor(unpinned / PAGE_SIZE);
  const pages = Math.max(1, blocks);
  // Out-of-range or missing: the column's own page (one page per URL shape, whatever is asked).
  const block = Number.isInteger(requested) && requested >= 1 && requested < blocks ? requested : null;
  const frontItems = blocks >= 1 ? unpinned - (blocks - 1) * PAGE_SIZE : unpinned;
  return {
    pages, block,
    label: block === null ? 1 : blocks - block + 1,
    frontItems,
    /** The newer page's block (null: the column's own URL), and the older one's (undefined: none). */
    newer: block === null ? undefined : block + 1 >= blocks ? null : block + 1,
    older: block === null ? (blocks >= 2 ? blocks - 1 : undefined) : block > 1 ? block - 1 : undefined,
  };
}

/** A column page: its sub-columns and its articles, 20 to a page, older pages stable (columnPagination). */
export async function columnContext(db: Db, s: SiteScope, column: SiteColumnRow, pageNo: number): Promise<PageContext> {
  const page = basePage(s, column.name, column.path);
  const children = columnsOf(s).openChildren(column.id);
  // The count and the page in one statement: the block asked for, or the column's own page. A block
  // out of range (columnPagination, from the count that came with it) shows the column's own page.
  const asked = Number.isInteger(pageNo) && pageNo >= 1 ? pageNo : null;
  let found = await reads.findColumnPage(db, s.site.id, column.id, asked, PAGE_SIZE);
  let p = columnPagination(found.unpinned, pageNo);
  if (asked !== null && p.block === null) {
    found = await reads.findColumnPage(db, s.site.id, column.id, null, PAGE_SIZE);
    p = columnPagination(found.unpinned, Number.NaN);
  }
  let rows = found.items;
  if (found.pinned + found.unpinned === 0 && children.length) rows = await reads.listLiveInColumns(db, s.site.id, subtreeIds(s, column), PAGE_SIZE);
  const here = url(s.mount, column.path);
  const at = (block: number | null | undefined) => (block === undefined ? null : block === null ? here : `${here}?page=${block}`);
  page.breadcrumbs.push(...crumbs(s, column));
  page.column = {
    name: column.name, kind: column.kind, kindLabel: KIND_LABELS[column.kind], description: column.description, url: here,
    children: children.map((c) => ({ name: c.name, url: url(s.mount, c.path) })),
  };
  page.items = toItems(s, rows);
  page.pagination = { page: p.label, pages: p.pages, prevUrl: at(p.newer), nextUrl: at(p.older) };
  return page;
}

/**
 * An interaction column (互动交流) lists what it has published — replies to letters, calls for
 * comments, survey results, interview transcripts — like any column, and beside it the other
 * interaction columns of its section and the site's contact (sponsor and 联系方式 of the footer).
 */
export async function interactionContext(db: Db, s: SiteScope, column: SiteColumnRow, pageNo: number): Promise<PageContext> {
  const page = await columnContext(db, s, column, pageNo);
  // The section: the topmost interaction column above this one (互动交流 itself, or this column).
  let section = column;
  const columns = columnsOf(s);
  for (let up = section.parent_id ? columns.byId(section.parent_id) : undefined; up?.kind === 'interaction'; up = up.parent_id ? columns.byId(up.parent_id) : undefined) section = up;
  const beside = columns.openChildren(section.id).filter((c) => c.kind === 'interaction');
  page.interaction = {
    channels: [section, ...beside].map((c) => ({ name: c.name, url: url(s.mount, c.path), current: c.id === column.id })),
    contact: page.footer.contact, sponsor: page.footer.sponsor ?? page.footer.siteName,
  };
  return page;
}

/** An article page, with its government-information box (索引号, 发文字号 …) when it has one. */
export async function articleContext(db: Db, s: SiteScope, article: reads.ArticleKey, origin: string, which: 'live' | 'latest' = 'live'): Promise<PageContext | null> {
  const a = await reads.findArticlePage(db, s.site.id, article, which);
  if (!a) return null;
  if (which === 'live' && (!a.published_at || !a.url_path)) return null;
  const column = a.primary_column_id ? columnsOf(s).byId(a.primary_column_id) : undefined;
  const page = basePage(s, a.title, column?.path ?? null);
  if (column) {
    page.breadcrumbs.push(...crumbs(s, column));
    page.column = {
      name: column.name, kind: column.kind, kindLabel: KIND_LABELS[column.kind], description: column.description,
      url: url(s.mount, column.path), children: [],
    };
  }
  page.article = {
    title: a.title, subtitle: a.subtitle, summary: a.summary, bodyHtml: a.body_html, source: a.source, author: a.author,
    pubDate: a.published_at ? formatZoned(a.published_at, 'yyyy-MM-dd HH:mm') : '', keywords: a.keywords,
    absoluteUrl: a.url_path ? `${origin}${url(s.mount, a.url_path)}` : '',
    indexNumber: a.index_number, documentNumber: a.document_number, issuingOrgan: a.issuing_organ, dateWritten: a.date_written,
    topicCategory: a.topic_category, validityLabel: a.validity ? (VALIDITY[a.validity] ?? null) : null,
    hasGovInfo: Boolean(a.document_number || a.issuing_organ || a.date_written),
    attachments: a.attachments.map((f) => ({
      url: which === 'live' ? url(s.mount, attachmentPath(f.id, f.filename)) : `/preview/${s.site.id}/files/${f.id}`, filename: f.filename,
      ext: (/\.([A-Za-z0-9]{1,5})$/.exec(f.filename)?.[1] ?? '').toUpperCase(), sizeLabel: sizeLabel(Number(f.size)),
    })),
    interprets: null,
    interpretations: [],
    externalUrl: a.external_url,
    share: null,
  };
  if (which === 'live' && page.article.absoluteUrl) {
    const q = formEncode({ url: page.article.absoluteUrl, title: `${a.title} - ${s.site.name}` });
    page.article.share = { weibo: `https://service.weibo.com/share/share.php?${q}`, url: page.article.absoluteUrl };
  }
  const linkOf = (x: { title: string; url_path: string | null }) => ({ name: x.title, url: url(s.mount, x.url_path ?? '/') });
  page.article.interprets = a.policy?.url_path ? linkOf(a.policy) : null;
  page.article.interpretations = a.interpretations.filter((x) => x.url_path).map(linkOf);
  return page;
}

/** A channel (频道): a top-level column with open sub-columns, shown as a block of newest items per sub-column. */
export function isChannel(s: SiteScope, column: SiteColumnRow): boolean {
  return column.parent_id === null && columnsOf(s).openChildren(column.id).length > 0;
}

/** A channel's landing page: each open sub-column with its newest items (its own subtree), in the columns' order. */
export async function channelContext(db: Db, s: SiteScope, column: SiteColumnRow): Promise<PageContext> {
  const page = basePage(s, column.name, column.path);
  const children = columnsOf(s).openChildren(column.id);
  page.breadcrumbs.push(...crumbs(s, column));
  page.column = {
    name: column.name, kind: column.kind, kindLabel: KIND_LABELS[column.kind], description: column.description, url: url(s.mount, column.path),
    children: children.map((c) => ({ name: c.name, url: url(s.mount, c.path) })),
  };
  // Every sub-column's newest items in one statement.
  const { lists } = await reads.findHomePage(db, s.site.id, children.map((c) => subtreeIds(s, c)), 6, false);
  page.blocks = children.map((c, i) => ({ name: c.name, url: url(s.mount, c.path), items: toItems(s, lists[i] ?? []) }));
  return page;
}

const SEARCH_PAGE_SIZE = 20;
/** The most words a search takes, and the longest query. */
const SEARCH_MAX_WORDS = 5;
export const SEARCH_MAX_LENGTH = 60;

/** The site's simple search page: `?q=` words (all of them in the title), newest first, 20 to a page. */
export async function searchContext(db: Db, s: SiteScope, rawQuery: string, pageNo: number): Promise<PageContext> {
  const query = rawQuery.trim().slice(0, SEARCH_MAX_LENGTH);
  const words = query.split(/\s+/).filter(Boolean).slice(0, SEARCH_MAX_WORDS);
  const current = Number.isInteger(pageNo) && pageNo >= 1 && pageNo <= 500 ? pageNo : 1;
  const found = await reads.searchLive(db, s.site.id, words, { limit: SEARCH_PAGE_SIZE, offset: (current - 1) * SEARCH_PAGE_SIZE });
  const page = basePage(s, query ? `搜索：${query}` : '站内搜索', SEARCH_PATH);
  page.search = { query, total: found.total };
  page.items = toItems(s, found.items);
  const pages = Math.max(1, Math.ceil(found.total / SEARCH_PAGE_SIZE));
  const at = (n: number) => `${url(s.mount, SEARCH_PATH)}?${new URLSearchParams({ q: query, page: String(n) }).toString()}`;
  page.pagination = {
    page: current, pages,
    prevUrl: current > 1 ? at(current - 1) : null,
    nextUrl: current < pages ? at(current + 1) : null,
  };
  return page;
}

/** A themed error page (404 unknown path, 410 withdrawn or closed). */
export function errorContext(s: SiteScope, status: number): PageContext {
  const message = status === 410 ? '该页面已撤下或栏目已关闭' : '您访问的页面不存在';
  const page = basePage(s, message, '');
  page.error = { status, message };
  return page;
}
