/**
 * Bench helper, not app code: many live articles written straight into the tables, yielding the
 * rows `createDraft` + `publishRevision` (packages/content/src/article.service.ts) would — an
 * `article` pointing at its one revision as live and latest, its `article_revision`, its
 * primary-column `article_placement`, its live `url_path`, and the site's `site_counter` rows —
 * with ids from `newId()`, URLs `<column path>yyyyMM/tyyyyMMdd_<serial>.html` and index numbers
 * `<site code>/<year>-<nnnnn>` as `firstPublication` makes them (serials in publication order),
 * bodies that `sanitizeBodyHtml` leaves unchanged (checked on a sample). Not written: the
 * `article.create` / `article.publish` audit entries.
 *
 * Multi-row INSERTs, one transaction per chunk of articles. Run it on a connection that is not
 * subject to row-level security (the database superuser), like a migration.
 */
import type { Kysely } from 'kysely';
import { newId } from '@zhanqun/core/id';
import { formatZoned } from '@zhanqun/core/time';
import type { ColumnKind, Database, NewArticleRevisionRow, NewArticleRow, NewUrlPathRow } from '@zhanqun/db/database';
import { sanitizeBodyHtml } from '@zhanqun/content/sanitize';

export interface BulkSite {
  id: string;
  code: string;
  name: string;
  site_id_code: string | null;
  columns: { id: string; path: string; kind: ColumnKind; leaf: boolean }[];
}

export interface BulkArticlesOptions {
  /** Articles in all. */
  total: number;
  /** Sites whose 要闻 (/xwdt/yw/) column gets `deepSize` articles of its own (list pages that go deep). */
  deepSites: readonly string[];
  deepSize: number;
  /** Publication times fall in the `years` years before `now`. */
  now: Date;
  years?: number;
  seed?: number;
  /** Articles per transaction (default 1,000). */
  chunk?: number;
  onProgress?: (written: number) => void;
}

export interface WrittenArticle { siteId: string; columnId: string; path: string }

export interface BulkArticlesResult {
  articles: WrittenArticle[];
  /** Column id → live articles in it, for the deep columns. */
  deepColumns: { siteId: string; columnId: string; path: string; count: number }[];
  rows: { article: number; article_revision: number; article_placement: number; url_path: number; site_counter: number };
  bodyBytes: { min: number; max: number; mean: number };
}

// ---- deterministic text ------------------------------------------------------------------

/** mulberry32: small, fast, seeded. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rnd: () => number, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;

const TOPICS = [
  '安全生产', '优化营商环境', '乡村振兴', '生态环境保护', '城乡居民基本医疗保险', '义务教育', '就业创业', '防汛抗旱',
  '森林防灭火', '食品安全', '养老服务', '数字政府建设', '高标准农田建设', '重大项目建设', '招商引资', '文明城市创建',
  '农村人居环境整治', '住房公积金', '社会救助', '退役军人服务', '消防安全', '耕地保护', '河湖长制', '政务公开',
  '一网通办', '12345政务服务便民热线', '疫苗接种', '中小企业发展', '科技创新', '文化旅游', '交通运输', '水利工程',
];
const MEETINGS = ['工作会议', '推进会', '专题会议', '调度会', '座谈会', '培训班', '现场会', '动员部署会', '总结表彰大会'];
const ACTIONS = ['召开', '举行', '部署', '推进', '开展', '启动', '督导', '调研'];
const NOTICE_HEADS = ['关于做好', '关于开展', '关于进一步加强', '关于组织申报', '关于公布', '关于征求'];
const NOTICE_TAILS = ['工作的通知', '的通知', '有关事项的通知', '意见的公告', '名单的公示', '工作的通告'];
const POLICY_KINDS = ['实施方案', '管理办法', '实施意见', '若干措施', '三年行动计划', '工作方案', '暂行办法'];
const PERSONNEL = ['公开招聘事业单位工作人员公告', '公开遴选公务员公告', '拟任职干部任前公示', '人事任免通知', '公开选调工作人员公告'];
const PLANS = ['国民经济和社会发展计划', '部门预算公开说明', '部门决算公开说明', '三公经费支出情况说明', '年度工作要点', '发展规划中期评估报告'];
const SUBJECTS = ['会议强调', '会议指出', '会议要求', '据了解', '近年来', '下一步', '与会人员表示', '各地各部门', '有关负责人介绍'];
const CLAUSES = [
  '要坚持以人民为中心的发展思想，把群众满意作为检验工作成效的根本标准',
  '要进一步压实属地责任、部门监管责任和企业主体责任，确保各项措施落地见效',
  '要强化统筹协调，建立健全工作机制，形成上下联动、齐抓共管的工作格局',
  '要聚焦重点领域和关键环节，深入排查风险隐患，坚决守住安全底线',
  '全年累计完成投资%d亿元，同比增长%d.%d%%，圆满完成年度目标任务',
  '共受理各类事项%d件，办结率达到%d%%，群众满意度持续提升',
  '要加强政策宣传解读，及时回应社会关切，营造良好舆论氛围',
  '要以钉钉子精神抓好工作落实，确保各项目标任务按期完成',
  '截至目前，已累计发放补助资金%d万元，惠及群众%d人次',
  '要持续深化“放管服”改革，推动更多政务服务事项网上办、掌上办、就近办',
  '要坚持问题导向，对照年度目标任务，逐项梳理、逐条销号',
  '各级各部门要主动担当作为，加强协作配合，切实把好事办好、实事办实',
  '要严格落实值班值守和信息报送制度，遇有重大情况及时报告',
  '要加大资金投入力度，优化资源配置，提高公共服务均等化水平',
  '通过线上线下相结合的方式，共开展专题培训%d场次，培训%d人次',
  '要健全长效机制，推动工作制度化、规范化、常态化',
];
const HEADINGS = ['一、总体要求', '二、主要目标', '三、重点任务', '四、保障措施', '五、工作要求', '六、其他事项'];

function sentence(rnd: () => number): string {
  const n = () => 2 + Math.floor(rnd() * 980);
  let text = pick(rnd, CLAUSES);
  while (text.includes('%d')) text = text.replace('%d', String(n()));
  text = text.replace('%%', '%');
  return rnd() < 0.5 ? `${pick(rnd, SUBJECTS)}，${text}。` : `${text}。`;
}

/** A body of about `bytes` bytes of UTF-8: headed sections of <p> paragraphs. */
function body(rnd: () => number, lead: string, bytes: number): string {
  const parts = [`<p>${lead}</p>`];
  let size = Buffer.byteLength(parts[0]!);
  let heading = 0;
  while (size < bytes) {
    let p: string;
    if (heading < HEADINGS.length && (size > bytes * (heading / HEADINGS.length)) && rnd() < 0.5) {
      p = `<h3>${HEADINGS[heading++]}</h3>`;
    } else {
      const sentences = 2 + Math.floor(rnd() * 4);
      p = `<p>${Array.from({ length: sentences }, () => sentence(rnd)).join('')}</p>`;
    }
    parts.push(p);
    size += Buffer.byteLength(p);
  }
  return parts.join('');
}

interface Planned {
  id: string;
  revisionId: string;
  site: BulkSite;
  column: BulkSite['columns'][number];
  publishedAt: Date;
  serial: number;
  indexNumber: string;
  urlPath: string;
  interprets: string | null;
  seed: number;
}

/** Leaf columns that hold articles, weighted: 要闻 and 通知公告 get the most, as on real portals. */
function weightOf(path: string, kind: ColumnKind): number {
  if (path === '/xwdt/yw/') return 12;
  if (path === '/xwdt/tzgg/') return 8;
  if (path === '/xwdt/bmdt/' || path === '/xwdt/xzdt/') return 5;
  if (kind === 'policy' || kind === 'interpretation') return 3;
  if (kind === 'news' || kind === 'notice' || kind === 'personnel' || kind === 'plans') return 1;
  return 0;
}

function title(rnd: () => number, a: Pick<Planned, 'site' | 'column' | 'publishedAt'>, policy?: string): string {
  const year = formatZoned(a.publishedAt, 'yyyy');
  const topic = pick(rnd, TOPICS);
  switch (a.column.kind) {
    case 'notice': return `${pick(rnd, NOTICE_HEADS)}${year}年${topic}${pick(rnd, NOTICE_TAILS)}`;
    case 'policy': return `${a.site.name}办公室关于印发《${a.site.name.replace(/人民政府$/, '')}${topic}${pick(rnd, POLICY_KINDS)}》的通知`;
    case 'interpretation': return policy ? `《${policy.replace(/^.*《|》.*$/g, '')}》政策解读` : `一图读懂${a.site.name.replace(/人民政府$/, '')}${topic}政策`;
    case 'personnel': return `${year}年${a.site.name.replace(/人民政府$/, '')}${pick(rnd, PERSONNEL)}`;
    case 'plans': return `${a.site.name.replace(/人民政府$/, '')}${year}年${pick(rnd, PLANS)}`;
    default: return `${a.site.name.replace(/人民政府$/, '')}${pick(rnd, ACTIONS)}${topic}${pick(rnd, MEETINGS)}`;
  }
}

/**
 * Plan every article (site, column, time; then serials and index numbers per site in
 * publication order), write them chunk by chunk, then the counters. Returns what was written.
 */
export async function writeArticles(db: Kysely<Database>, sites: readonly BulkSite[], opts: BulkArticlesOptions): Promise<BulkArticlesResult> {
  const rnd = prng(opts.seed ?? 20261127);
  const years = opts.years ?? 3;
  const span = years * 365 * 86_400_000;
  const end = opts.now.getTime() - 3_600_000;
  const chunk = opts.chunk ?? 1_000;

  // 1. Where each article goes.
  const slots: { site: BulkSite; column: BulkSite['columns'][number] }[] = [];
  const deepColumns: BulkArticlesResult['deepColumns'] = [];
  for (const siteId of opts.deepSites) {
    const site = sites.find((s) => s.id === siteId);
    const column = site?.columns.find((c) => c.path === '/xwdt/yw/');
    if (!site || !column) throw new Error(`deep site ${siteId} has no /xwdt/yw/ column`);
    for (let i = 0; i < opts.deepSize; i++) slots.push({ site, column });
    deepColumns.push({ siteId, columnId: column.id, path: column.path, count: opts.deepSize });
  }
  const weighted = sites.flatMap((site) => site.columns.filter((c) => c.leaf).map((column) => ({ site, column, w: weightOf(column.path, column.kind) })))
    .filter((x) => x.w > 0);
  const cumulative: number[] = [];
  let sum = 0;
  for (const x of weighted) cumulative.push((sum += x.w));
  while (slots.length < opts.total) {
    const r = rnd() * sum;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > r) hi = mid; else lo = mid + 1;
    }
    slots.push(weighted[lo]!);
  }
  for (const deep of deepColumns) deep.count = slots.filter((s) => s.column.id === deep.columnId).length;

  // 2. When; then, per site in publication order, serial and index number as firstPublication draws them.
  const planned: Planned[] = slots.map(({ site, column }) => ({
    id: '', revisionId: '', site, column, publishedAt: new Date(end - Math.floor(rnd() * span)),
    serial: 0, indexNumber: '', urlPath: '', interprets: null, seed: Math.floor(rnd() * 2 ** 31),
  }));
  planned.sort((a, b) => a.publishedAt.getTime() - b.publishedAt.getTime());
  const counters = new Map<string, Map<string, number>>();
  const policies = new Map<string, Planned[]>();
  for (const a of planned) {
    a.id = newId();
    a.revisionId = newId();
    const c = counters.get(a.site.id) ?? new Map<string, number>();
    counters.set(a.site.id, c);
    a.serial = (c.get('article_serial') ?? 0) + 1;
    c.set('article_serial', a.serial);
    const year = formatZoned(a.publishedAt, 'yyyy');
    const yearly = (c.get(`index_number:${year}`) ?? 0) + 1;
    c.set(`index_number:${year}`, yearly);
    a.indexNumber = `${a.site.site_id_code ?? a.site.code.toUpperCase()}/${year}-${String(yearly).padStart(5, '0')}`;
    a.urlPath = `${a.column.path}${formatZoned(a.publishedAt, 'yyyyMM')}/t${formatZoned(a.publishedAt, 'yyyyMMdd')}_${a.serial}.html`;
    // Most interpretations explain an earlier policy document of their site.
    if (a.column.kind === 'policy') policies.set(a.site.id, [...(policies.get(a.site.id) ?? []), a]);
    if (a.column.kind === 'interpretation' && rnd() < 0.7) {
      const earlier = policies.get(a.site.id);
      if (earlier?.length) a.interprets = earlier[Math.floor(rnd() * earlier.length)]!.id;
    }
  }
  const titles = new Map<string, string>();

  // 3. The rows, chunk by chunk; bodies are made per chunk (100,000 × 4 KB would not fit in memory at once).
  const now = opts.now;
  let sizeMin = Infinity;
  let sizeMax = 0;
  let sizeSum = 0;
  let checked = 0;
  for (let i = 0; i < planned.length; i += chunk) {
    const part = planned.slice(i, i + chunk);
    const articles: NewArticleRow[] = [];
    const revisions: NewArticleRevisionRow[] = [];
    const paths: NewUrlPathRow[] = [];
    for (const a of part) {
      const r = prng(a.seed);
      const t = title(r, a, a.interprets ? titles.get(a.interprets) : undefined);
      if (a.column.kind === 'policy') titles.set(a.id, t);
      const day = formatZoned(a.publishedAt, 'yyyy年MM月dd日').replace(/年0/, '年').replace(/月0/, '月');
      const html = body(r, `${day}，${t.replace(/^关于/, '')}有关情况如下。`, 3_000 + Math.floor(r() * 3_000));
      if (checked < 20 && (i === 0 || a === part[0])) {
        // The services store sanitised HTML: these bodies must come out of the sanitiser unchanged.
        if (sanitizeBodyHtml(html) !== html) throw new Error(`generated body is not stable under sanitizeBodyHtml:\n${html.slice(0, 300)}`);
        checked++;
      }
      const bytes = Buffer.byteLength(html);
      sizeMin = Math.min(sizeMin, bytes);
      sizeMax = Math.max(sizeMax, bytes);
      sizeSum += bytes;
      const isPolicy = a.column.kind === 'policy';
      const written = new Date(a.publishedAt.getTime() - Math.floor(r() * 20) * 86_400_000);
      articles.push({
        id: a.id, site_id: a.site.id, primary_column_id: a.column.id, live: true, has_unpublished_changes: false,
        live_revision_id: a.revisionId, latest_revision_id: a.revisionId, draft_title: t, url_path: a.urlPath,
        serial_no: a.serial, index_number: a.indexNumber, first_published_at: now, last_published_at: now,
        published_at: a.publishedAt, created_by: null, created_at: now, updated_at: now, deleted_at: null,
        withdrawn_at: null, interprets_article_id: a.interprets,
      });
      revisions.push({
        id: a.revisionId, site_id: a.site.id, article_id: a.id, title: t, subtitle: null,
        summary: html.slice(3, html.indexOf('</p>')).slice(0, 80), body_html: html,
        source: a.site.name, author: r() < 0.5 ? null : `${a.site.name.replace(/人民政府$/, '')}融媒体中心`, external_url: null,
        document_number: isPolicy ? `赣府办发〔${formatZoned(a.publishedAt, 'yyyy')}〕${a.serial}号` : null,
        issuing_organ: isPolicy ? a.site.name : null, date_written: isPolicy ? formatZoned(written, 'yyyy-MM-dd') : null,
        topic_category: isPolicy ? '综合政务' : null, validity: isPolicy ? 'valid' : null,
        keywords: t.length > 12 ? t.slice(0, 6) : null, tags: [], cover_attachment_id: null, created_by: null, created_at: now,
      });
      paths.push({ id: newId(), site_id: a.site.id, path: a.urlPath, kind: 'live', article_id: a.id, column_id: null, target: null, last_hit_at: null });
    }
    await db.transaction().execute(async (trx) => {
      for (let k = 0; k < articles.length; k += 1_000) await trx.insertInto('article').values(articles.slice(k, k + 1_000)).execute();
      for (let k = 0; k < revisions.length; k += 500) await trx.insertInto('article_revision').values(revisions.slice(k, k + 500)).execute();
      await trx.insertInto('article_placement').values(part.map((a) => ({ site_id: a.site.id, article_id: a.id, column_id: a.column.id, created_at: now }))).execute();
      for (let k = 0; k < paths.length; k += 5_000) await trx.insertInto('url_path').values(paths.slice(k, k + 5_000)).execute();
    });
    opts.onProgress?.(Math.min(i + chunk, planned.length));
  }

  // 4. The counters the next publish would draw from.
  const counterRows = [...counters].flatMap(([siteId, c]) => [...c].map(([name, value]) => ({ site_id: siteId, name, value })));
  await db.transaction().execute(async (trx) => {
    for (let k = 0; k < counterRows.length; k += 5_000) await trx.insertInto('site_counter').values(counterRows.slice(k, k + 5_000)).execute();
  });

  return {
    articles: planned.map((a) => ({ siteId: a.site.id, columnId: a.column.id, path: a.urlPath })),
    deepColumns,
    rows: { article: planned.length, article_revision: planned.length, article_placement: planned.length, url_path: planned.length, site_counter: counterRows.length },
    bodyBytes: { min: sizeMin, max: sizeMax, mean: Math.round(sizeSum / planned.length) },
  };
}
