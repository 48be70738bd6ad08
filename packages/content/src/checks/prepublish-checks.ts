/**
 * Pre-publish checks (发布前检查), shown to the editor before a revision goes to review and run
 * again before it is published. Words from the serious-error list and missing required
 * government-information metadata block; images without alt text and internal links that lead
 * nowhere warn. External links are only collected here: checking them means network requests
 * (safe-fetch.ts), which run asynchronously in a job, never inside a save.
 *
 * A function of its input and its dependencies, so the console, the workflow and the tests run
 * the very same rules.
 */
import type { ColumnKind } from '@zhanqun/db/database';
import { elementsOf, textOf, type BodyElement } from '../sanitize.js';
import type { SeriousErrorMatch, SeriousErrorMatcher } from './serious-error-matcher.js';

export interface RevisionCheckInput {
  title: string;
  summary?: string | null;
  /** Sanitised body HTML, as saved. */
  bodyHtml: string;
  documentNumber?: string | null;
  issuingOrgan?: string | null;
  dateWritten?: string | null;
  topicCategory?: string | null;
  validity?: string | null;
  /** The kind of the article's primary column: policy documents need their metadata. */
  columnKind: ColumnKind;
  /**
   * The path relative links resolve against: the article's URL once published, its column's path
   * before (default `/`). Paths are from the host's root, sub-site prefix included.
   */
  pagePath?: string;
}

export interface CheckDeps {
  matcher: Pick<SeriousErrorMatcher, 'find'>;
  /** Whether a path (decoded, no query or fragment) answers on this site: a `url_path` row. */
  internalPathExists(path: string): boolean | Promise<boolean>;
  /** Host names of the site (lower case): absolute links to them are internal. */
  siteHosts: readonly string[];
}

export type FindingCode = 'serious_error' | 'required_missing' | 'image_alt_missing' | 'dead_internal_link' | 'dead_external_link';
export type FindingField = 'title' | 'summary' | 'body' | 'documentNumber' | 'issuingOrgan' | 'dateWritten' | 'validity' | 'topicCategory';

export interface Finding {
  code: FindingCode;
  /** `block` stops the revision; `warn` is shown and may be overridden. */
  severity: 'block' | 'warn';
  field: FindingField;
  message: string;
  messageZh: string;
  detail?: Record<string, unknown>;
}

export interface PrepublishReport {
  findings: Finding[];
  /** True when any finding blocks. */
  blocked: boolean;
  /** Distinct http(s) links to other hosts, fragment removed, for the asynchronous checker. */
  externalLinks: string[];
}

/** Required for every article. */
const ALWAYS_REQUIRED: readonly FindingField[] = ['title'];
/** 政府信息公开 metadata a policy document (政策文件) cannot be published without. */
const POLICY_REQUIRED: readonly FindingField[] = ['documentNumber', 'issuingOrgan', 'dateWritten', 'validity', 'topicCategory'];

const FIELD_NAMES: Readonly<Record<FindingField, [string, string]>> = {
  title: ['Title', '标题'],
  summary: ['Summary', '摘要'],
  body: ['Body', '正文'],
  documentNumber: ['Document number', '发文字号'],
  issuingOrgan: ['Issuing organ', '发布机构'],
  dateWritten: ['Date written', '成文日期'],
  validity: ['Validity', '有效性'],
  topicCategory: ['Topic category', '主题分类'],
};

/** Served by the platform itself rather than through `url_path` (attachments, theme assets, home). */
const SYSTEM_PREFIXES = ['/_files/', '/_assets/'];
const SYSTEM_PATHS = new Set(['/', '/index.html', '/search', '/sitemap.xml', '/robots.txt']);
/** A base no real link can have, so a relative link is recognised after resolving. */
const PAGE_ORIGIN = 'http://page.zhanqun.invalid';
const EXCERPT_CHARS = 12;

/** Run the pre-publish checks on one revision's content. */
export async function checkRevision(input: RevisionCheckInput, deps: CheckDeps): Promise<PrepublishReport> {
  const findings: Finding[] = [
    ...requiredFindings(input),
    ...seriousErrors('title', input.title, deps),
    ...seriousErrors('summary', input.summary ?? '', deps),
    ...seriousErrors('body', textOf(input.bodyHtml), deps),
  ];
  const elements = elementsOf(input.bodyHtml, ['a', 'img']);
  const images = elements.filter((e) => e.tag === 'img');
  images.forEach((img, i) => {
    findings.push(...seriousErrors('body', img.attr('alt') ?? '', deps, { in: 'alt', image: i + 1 }));
    if (!img.attr('alt')?.trim()) {
      const src = img.attr('src') ?? '';
      findings.push({
        code: 'image_alt_missing', severity: 'warn', field: 'body',
        message: `Image ${i + 1} has no alt text (screen readers cannot describe it)`,
        messageZh: `第 ${i + 1} 张图片缺少替代文字（alt），读屏软件无法描述`,
        detail: { image: i + 1, src },
      });
    }
  });
  const { dead, externalLinks } = await links(elements, input.pagePath ?? '/', deps);
  for (const { path, hrefs } of dead) {
    findings.push({
      code: 'dead_internal_link', severity: 'warn', field: 'body',
      message: `Link to ${path} leads to no page of this site`,
      messageZh: `站内链接 ${path} 指向的页面不存在`,
      detail: { path, hrefs },
    });
  }
  // Blocks first (stable: each kind keeps the order of the text).
  findings.sort((a, b) => Number(a.severity === 'warn') - Number(b.severity === 'warn'));
  return { findings, blocked: findings.some((f) => f.severity === 'block'), externalLinks };
}

function requiredFindings(input: RevisionCheckInput): Finding[] {
  const fields = input.columnKind === 'policy' ? [...ALWAYS_REQUIRED, ...POLICY_REQUIRED] : ALWAYS_REQUIRED;
  const values: Record<string, string | null | undefined> = { ...input };
  return fields.filter((field) => !values[field]?.trim()).map((field) => {
    const [en, zh] = FIELD_NAMES[field];
    const policy = field !== 'title';
    return {
      code: 'required_missing', severity: 'block', field,
      message: policy ? `${en} (${zh}) is required for a policy document` : `${en} is required`,
      messageZh: policy ? `政策文件须填写${zh}` : `请填写${zh}`,
    };
  });
}

function seriousErrors(field: FindingField, text: string, deps: CheckDeps, where: Record<string, unknown> = {}): Finding[] {
  if (!text) return [];
  return deps.matcher.find(text).map((m) => seriousError(field, text, m, where));
}

function seriousError(field: FindingField, text: string, m: SeriousErrorMatch, where: Record<string, unknown>): Finding {
  const found = text.slice(m.start, m.end);
  const [en, zh] = FIELD_NAMES[field];
  const [message, messageZh] = m.kind === 'forbidden'
    ? [`${en}: "${found}" is a forbidden word`, `${zh}含禁用词“${found}”`]
    : m.correction
      ? [`${en}: "${found}" is wrong; the right form is "${m.correction}"`, `${zh}中“${found}”为错误表述，应为“${m.correction}”`]
      : [`${en}: "${found}" is on the serious-error list as a wrong form`, `${zh}中“${found}”为错误表述`];
  return {
    code: 'serious_error', severity: 'block', field, message, messageZh,
    detail: {
      ...where, termId: m.termId, term: m.term, correction: m.correction, kind: m.kind, found, start: m.start, end: m.end,
      excerpt: text.slice(Math.max(0, m.start - EXCERPT_CHARS), m.end + EXCERPT_CHARS),
    },
  };
}

type LinkTarget = { kind: 'internal'; path: string } | { kind: 'external'; url: string } | { kind: 'none' };

/** What a link or image source points at, seen from `pagePath` on one of `hosts`. */
export function classifyLink(raw: string, pagePath: string, hosts: readonly string[]): LinkTarget {
  const href = raw.trim();
  if (!href || href.startsWith('#')) return { kind: 'none' };
  let url: URL;
  try {
    url = new URL(href, new URL(pagePath, PAGE_ORIGIN));
  } catch {
    return { kind: 'none' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { kind: 'none' }; // mailto:, tel:, data:
  const host = url.host.toLowerCase();
  if (url.origin === PAGE_ORIGIN || hosts.some((h) => h.toLowerCase() === host || h.toLowerCase() === url.hostname)) {
    let path = url.pathname;
    try {
      path = decodeURI(path); // url_path keeps paths decoded, as the public resolver looks them up
    } catch {
      // Malformed escapes: look the path up as written.
    }
    return { kind: 'internal', path };
  }
  url.hash = '';
  return { kind: 'external', url: url.href };
}

async function links(elements: readonly BodyElement[], pagePath: string, deps: CheckDeps): Promise<{ dead: { path: string; hrefs: string[] }[]; externalLinks: string[] }> {
  const internal = new Map<string, string[]>();
  const external = new Set<string>();
  const refs = [
    ...elements.filter((e) => e.tag === 'a').map((a) => a.attr('href')),
    ...elements.filter((e) => e.tag === 'img').map((img) => img.attr('src')),
  ];
  for (const href of refs) {
    if (href === null) continue;
    const target = classifyLink(href, pagePath, deps.siteHosts);
    if (target.kind === 'external') external.add(target.url);
    if (target.kind !== 'internal' || isSystemPath(target.path)) continue;
    const hrefs = internal.get(target.path) ?? [];
    if (!hrefs.includes(href)) hrefs.push(href);
    internal.set(target.path, hrefs);
  }
  const paths = [...internal.keys()];
  const exists = await Promise.all(paths.map((p) => deps.internalPathExists(p)));
  return {
    dead: paths.filter((_, i) => !exists[i]).map((path) => ({ path, hrefs: internal.get(path)! })),
    externalLinks: [...external],
  };
}

/** Attachments are served by /_files/ while a live revision references them; the attachment slice checks that. */
function isSystemPath(path: string): boolean {
  return SYSTEM_PATHS.has(path) || SYSTEM_PREFIXES.some((p) => path.startsWith(p));
}

