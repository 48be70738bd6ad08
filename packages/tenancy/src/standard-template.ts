import { invalid } from '@zhanqun/core/errors';
import { newId, stableId } from '@zhanqun/core/id';
import type { ColumnKind, NewSiteColumnRow, NewUrlPathRow } from '@zhanqun/db/database';

/** A column of a template: slug, name, census kind, children. Top-level entries are channels (频道). */
export interface TemplateColumn {
  /** The template column's own id (for templates stored in the database). */
  id?: string;
  slug: string;
  name: string;
  kind: ColumnKind;
  children?: TemplateColumn[];
}

const c = (slug: string, name: string, kind: ColumnKind, children?: TemplateColumn[]): TemplateColumn =>
  children ? { slug, name, kind, children } : { slug, name, kind };

/** The standard 政府信息公开 column template of DESIGN.md (about 50 columns). */
export const STANDARD_TEMPLATE: readonly TemplateColumn[] = [
  c('xwdt', '新闻动态', 'news', [
    c('yw', '要闻', 'news'), c('bmdt', '部门动态', 'news'), c('xzdt', '乡镇动态', 'news'),
    c('tpxw', '图片新闻', 'news'), c('tzgg', '通知公告', 'notice'),
  ]),
  c('zwgk', '政府信息公开', 'page', [
    c('xxgkzn', '信息公开指南', 'page'), c('xxgkzd', '信息公开制度', 'page'),
    c('jgzn', '机构职能', 'page', [c('ldxx', '领导信息', 'personnel'), c('jgsz', '机构设置', 'page'), c('nsjg', '内设机构', 'page')]),
    c('zcwj', '政策文件', 'policy', [c('gfxwj', '规范性文件', 'policy'), c('qtwj', '其他文件', 'policy'), c('zcjd', '政策解读', 'interpretation')]),
    c('ghjh', '规划计划', 'plans', [c('fzgh', '发展规划', 'plans'), c('ndjh', '年度计划', 'plans')]),
    c('rsxx', '人事信息', 'personnel', [c('rsrm', '人事任免', 'personnel'), c('gwyzk', '公务员招考', 'personnel'), c('sydwzp', '事业单位招聘', 'personnel')]),
    c('czxx', '财政信息', 'plans', [c('czyjs', '财政预决算', 'plans'), c('sgjf', '三公经费', 'plans')]),
    c('tjxx', '统计信息', 'plans'), c('zdxm', '重大项目', 'plans'),
    c('xzzfgs', '行政执法公示', 'notice', [c('xzxk', '行政许可', 'notice'), c('xzcf', '行政处罚', 'notice')]),
    c('jytabl', '建议提案办理', 'notice'), c('yjgl', '应急管理', 'notice'),
    c('zdly', '重点领域', 'notice', [
      c('jy', '教育', 'notice'), c('ylws', '医疗卫生', 'notice'), c('shbz', '社会保障', 'notice'), c('jycy', '就业创业', 'notice'),
      c('sthj', '生态环境', 'notice'), c('spyp', '食品药品', 'notice'), c('aqsc', '安全生产', 'notice'), c('xczx', '乡村振兴', 'notice'),
    ]),
    c('xxgknb', '政府信息公开年报', 'page'), c('ysqgk', '依申请公开', 'interaction'),
  ]),
  c('hdjl', '互动交流', 'interaction', [
    c('ldxx', '领导信箱', 'interaction'), c('zxts', '咨询投诉', 'interaction'), c('yjzj', '意见征集', 'interaction'),
    c('wsdc', '网上调查', 'interaction'), c('zxft', '在线访谈', 'interaction'),
  ]),
  c('bsfw', '办事服务', 'service', [c('bszn', '办事指南', 'service'), c('bgxz', '表格下载', 'service'), c('bmfw', '便民服务', 'link')]),
];

// Built-in template columns get stable ids, so every site's copy of 通知公告 names the same
// template column (DESIGN.md, Articles and columns) before template tables exist.
const STANDARD_NAMESPACE = '5b0e7c1a-3f0b-4d5e-9a51-7a1f6c2d9e10';

/** The stable id of a built-in template column, from its path (`/xwdt/tzgg/`). */
export function standardTemplateColumnId(path: string): string {
  return stableId(STANDARD_NAMESPACE, `standard:${path}`);
}

/** The template flattened in tree order, with paths and parent paths. */
export function flattenTemplate(template: readonly TemplateColumn[]): { path: string; parentPath: string | null; column: TemplateColumn; order: number }[] {
  const out: { path: string; parentPath: string | null; column: TemplateColumn; order: number }[] = [];
  const walk = (cols: readonly TemplateColumn[], parentPath: string | null) => {
    cols.forEach((column, order) => {
      const path = `${parentPath ?? '/'}${column.slug}/`;
      out.push({ path, parentPath, column, order });
      if (column.children) walk(column.children, path);
    });
  };
  walk(template, null);
  return out;
}

/**
 * The columns a site lacks from a template (the standard one by default), as rows to insert
 * (pure; shared by applyStandardTemplate and the bulk provisioning). `idFor` names each
 * template column's id, kept as `template_column_id`. `existing` maps the site's column paths to
 * their ids; `taken` holds its other public paths (a redirect or a local path keeps its place,
 * and the template column and everything under it are skipped).
 */
export function buildTemplateRows(
  siteId: string, existing: ReadonlyMap<string, string>, taken: ReadonlySet<string> = new Set(),
  template: readonly TemplateColumn[] = STANDARD_TEMPLATE,
  idFor: (path: string, column: TemplateColumn) => string = (path) => standardTemplateColumnId(path),
): NewSiteColumnRow[] {
  const ids = new Map(existing);
  const rows: NewSiteColumnRow[] = [];
  for (const { path, parentPath, column, order } of flattenTemplate(template)) {
    if (ids.has(path) || taken.has(path)) continue;
    const parentId = parentPath ? ids.get(parentPath) : null;
    if (parentPath && !parentId) continue; // its parent was skipped
    const id = newId();
    ids.set(path, id);
    rows.push({
      id, site_id: siteId, parent_id: parentId ?? null, slug: column.slug, path, name: column.name, kind: column.kind,
      is_channel: parentPath === null, sort_order: order * 10, description: null, external_url: null,
      template_column_id: idFor(path, column), status: 'open', merged_into_id: null, closed_at: null, deleted_at: null,
    });
  }
  return rows;
}

/** The live `url_path` entries that make new columns answer publicly. */
export function liveColumnPaths(columns: readonly Pick<NewSiteColumnRow, 'id' | 'site_id' | 'path'>[]): NewUrlPathRow[] {
  return columns.map((c) => ({
    id: newId(), site_id: c.site_id, path: c.path, kind: 'live' as const, column_id: c.id, article_id: null, target: null, last_hit_at: null,
  }));
}

/**
 * A template tree from a flat list of paths (`/zwdt/`, `/zwdt/tzgg/` …), as the API and CSV
 * carry templates; every parent must be listed before or after its children, order is kept.
 */
export function templateFromPaths(items: readonly { path: string; name: string; kind: TemplateColumn['kind'] }[]): TemplateColumn[] {
  const byPath = new Map<string, TemplateColumn>();
  const roots: TemplateColumn[] = [];
  const sorted = [...items].sort((a, b) => a.path.split('/').length - b.path.split('/').length);
  for (const item of sorted) {
    const segments = item.path.split('/').filter(Boolean);
    const slug = segments[segments.length - 1] ?? '';
    const column: TemplateColumn = { slug, name: item.name, kind: item.kind, children: [] };
    const parentPath = segments.length > 1 ? `/${segments.slice(0, -1).join('/')}/` : null;
    if (parentPath) {
      const parent = byPath.get(parentPath);
      if (!parent) throw invalid('columns', `${item.path} has no parent ${parentPath} in the template`);
      parent.children!.push(column);
    } else {
      roots.push(column);
    }
    byPath.set(`/${segments.join('/')}/`, column);
  }
  // Keep the order the caller gave within each parent.
  const order = new Map(items.map((it, i) => [`/${it.path.split('/').filter(Boolean).join('/')}/`, i]));
  const sortTree = (cols: TemplateColumn[], prefix: string) => {
    cols.sort((a, b) => (order.get(`${prefix}${a.slug}/`) ?? 0) - (order.get(`${prefix}${b.slug}/`) ?? 0));
    for (const c of cols) sortTree(c.children!, `${prefix}${c.slug}/`);
  };
  sortTree(roots, '/');
  return roots;
}
