/**
 * The pre-publish checks (checks/prepublish-checks.ts) run on a stored revision with what the
 * database knows: the platform's serious-error list, the site's paths and hosts. Submitting for
 * review and publishing both run them; a blocking finding stops either with 422 and the
 * findings, so the editor sees exactly which word or field to fix.
 */
import type { ArticleRevisionRow, SiteColumnRow } from '@zhanqun/db/database';
import type { Db } from '@zhanqun/db/scope';
import { checkRevision, type PrepublishReport } from './checks/prepublish-checks.js';
import { brokenLinks } from './checks/link-check.service.js';
import { loadMatcher } from './checks/serious-error.service.js';
import { PublishBlockedError } from './workflow.errors.js';

/** safe-fetch's error codes, as the editor reads them. */
const LINK_ERRORS: Record<string, [string, string]> = {
  private_address: ['points into a private network', '指向内部网络地址'],
  dns: ['the host name does not resolve', '域名无法解析'],
  timeout: ['no answer in time', '响应超时'],
  too_many_redirects: ['too many redirects', '重定向次数过多'],
  tls: ['certificate error', '证书错误'],
  network: ['network error', '网络错误'],
  invalid_url: ['not a valid address', '网址无效'],
  unsupported_scheme: ['not an http(s) address', '不是 http(s) 网址'],
};

export async function checksFor(
  db: Db,
  site: { id: string; platform_id: string },
  column: Pick<SiteColumnRow, 'kind' | 'path'>,
  article: { id?: string; url_path: string | null },
  revision: Pick<ArticleRevisionRow, 'title' | 'summary' | 'body_html' | 'document_number' | 'issuing_organ' | 'date_written' | 'topic_category' | 'validity'>,
): Promise<PrepublishReport> {
  const domains = await db.selectFrom('site_domain').select(['host', 'path_prefix', 'role']).where('site_id', '=', site.id).execute();
  // A sub-site lives under its prefix on its parent's hosts; url_path rows are relative to the site.
  const prefix = (domains.find((d) => d.role === 'primary') ?? domains[0])?.path_prefix ?? '/';
  const relative = (path: string) => (prefix !== '/' && path.startsWith(prefix) ? path.slice(prefix.length - 1) : path);
  const matcher = await loadMatcher(db, site.platform_id);
  const report = await checkRevision({
    title: revision.title, summary: revision.summary, bodyHtml: revision.body_html, documentNumber: revision.document_number,
    issuingOrgan: revision.issuing_organ, dateWritten: revision.date_written, topicCategory: revision.topic_category,
    validity: revision.validity, columnKind: column.kind, pagePath: `${prefix.slice(0, -1)}${article.url_path ?? column.path}`,
  }, {
    matcher,
    siteHosts: [...new Set(domains.map((d) => d.host))],
    async internalPathExists(path) {
      const p = relative(path);
      const hit = await db.selectFrom('url_path').select('kind').where('site_id', '=', site.id).where('path', '=', p).executeTakeFirst();
      return hit !== undefined && hit.kind !== 'gone';
    },
  });
  // External links are fetched by the link-check job; what it found broken is a warning here.
  if (article.id && report.externalLinks.length) {
    const broken = await brokenLinks(db, site.id, article.id);
    for (const b of broken.filter((x) => report.externalLinks.includes(x.url))) {
      const [why, whyZh] = b.http_status ? [`HTTP ${b.http_status}`, `HTTP ${b.http_status}`] : (LINK_ERRORS[b.error ?? ''] ?? ['unreachable', '无法连接']);
      report.findings.push({
        code: 'dead_external_link', severity: 'warn', field: 'body',
        message: `External link ${b.url} does not answer (${why})`, messageZh: `外部链接 ${b.url} 无法访问（${whyZh}）`,
        detail: { url: b.url, httpStatus: b.http_status, error: b.error },
      });
    }
  }
  return report;
}

/** Stop with 422 and the findings when any of them blocks. */
export function assertNotBlocked(report: PrepublishReport): void {
  if (!report.blocked) return;
  const blocking = report.findings.filter((f) => f.severity === 'block');
  const err = new PublishBlockedError(blocking.map((f) => f.message).join('; ')) as Error & { details?: object };
  err.details = { findings: report.findings };
  throw err;
}
