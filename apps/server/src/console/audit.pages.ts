import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { findEntries, type AuditCursor, type AuditFilter, type AuditListItem } from '@zhanqun/audit/audit.query';
import { verifyChain } from '@zhanqun/audit/audit.verify';
import { formatZoned, zonedDate } from '@zhanqun/core/time';
import { inScope } from '@zhanqun/db/scope';
import { isPlatformAdmin } from '@zhanqun/identity/policy';
import * as siteRepository from '@zhanqun/tenancy/site.repository';
import { CATALOGUES, t, type Locale } from '../i18n/i18n.js';
import { requestScope } from '../plugins/session.js';
import { pageFrame, renderPage } from './console-context.js';
import { endOfDay, startOfDay } from './console-date.js';
import { isUuid, options } from './console-form.js';

/** The action families the "what" filter offers (dotted prefixes of audit actions). */
export const ACTION_PREFIXES = ['site.', 'column.', 'article.', 'session.', 'user.', 'grant.', 'org_unit.', 'api_token.'] as const;
const PAGE_SIZE = 50;
export const CSV_MAX_ROWS = 100_000;
const CSV_CHUNK = 2_000;
const CSV_HEADER = ['时间', '操作人', 'IP', '动作', '对象类型', '对象ID', '网站', '前', '后'];

interface AuditQuery { who?: string; what?: string; site?: string; from?: string; to?: string; older?: string; newer?: string }

/** The filters of the query string, what to show in the form again, and which dates were unreadable. */
export function auditFilter(query: AuditQuery): { filter: AuditFilter; values: Record<string, string>; bad: Record<string, boolean> } {
  const str = (v: unknown, max: number) => (typeof v === 'string' ? v.trim().slice(0, max) : '');
  const values = { who: str(query.who, 64), what: str(query.what, 20), site: str(query.site, 36), from: str(query.from, 10), to: str(query.to, 10) };
  const filter: AuditFilter = {};
  const bad: Record<string, boolean> = {};
  if (values.who) filter.actor = values.who;
  const prefix = ACTION_PREFIXES.find((p) => p === values.what);
  if (prefix) filter.actionPrefix = prefix;
  if (isUuid(values.site)) filter.siteId = values.site;
  for (const [name, parse, key] of [['from', startOfDay, 'from'], ['to', endOfDay, 'until']] as const) {
    if (!values[name]) continue;
    const at = parse(values[name]);
    if (at) filter[key] = at;
    else bad[name] = true;
  }
  return { filter, values, bad };
}

const actionLabel = (locale: Locale, action: string) => (`audit.action.${action}` in CATALOGUES['zh-CN'] ? t(locale, `audit.action.${action}`) : '');
const json = (v: unknown) => (v === null || v === undefined ? '' : JSON.stringify(v));

/** A CSV cell (RFC 4180), with formula-looking text defused for spreadsheet programs. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function csvLine(e: AuditListItem): string {
  return `${[formatZoned(e.created_at, 'yyyy-MM-dd HH:mm:ss'), e.actor_label, e.ip ?? '', e.action, e.object_type, e.object_id ?? '', e.site_name ?? '', json(e.before), json(e.after)]
    .map(csvCell).join(',')}\r\n`;
}

/** `attachment` with an ASCII fallback and the Chinese name in RFC 5987 `filename*`. */
export function attachment(ascii: string, name: string): string {
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/**
 * 审计日志: who did what, where and when — filtered, 50 a page newest first, exported as CSV; chain
 * verification for platform admins. Reads run under the sites where the requester holds audit.read
 * (row-level security), not under everything its other grants reach.
 */
export default async function auditPages(fastify: FastifyInstance) {
  const { db, clock } = fastify;
  const READ = { permission: 'audit.read' } as const;

  fastify.get<{ Querystring: AuditQuery }>('/audit', { config: READ }, async (request, reply) => {
    const frame = pageFrame(request, reply, 'audit');
    const { locale } = frame;
    const { filter, values, bad } = auditFilter(request.query);
    const cursor: AuditCursor = isUuid(request.query.older) ? { older: request.query.older } : isUuid(request.query.newer) ? { newer: request.query.newer } : null;
    const { sites, page } = await inScope(db, await requestScope(request), async (trx) => ({
      sites: (await siteRepository.findAll(trx)).sort((a, b) => a.name.localeCompare(b.name, 'zh-CN')),
      page: await findEntries(trx, filter, PAGE_SIZE, cursor),
    }));
    const params = new URLSearchParams(Object.entries(values).filter(([k, v]) => v && !bad[k]));
    const href = (extra: Record<string, string>) => {
      const all = new URLSearchParams({ ...Object.fromEntries(params), ...extra }).toString();
      return `/audit${all ? `?${all}` : ''}`;
    };
    const first = page.rows[0];
    const last = page.rows.at(-1);
    return renderPage(reply, 'audit', frame, t(locale, 'audit.title'), {
      values, bad, filtered: params.size > 0,
      whats: options([['', t(locale, 'audit.all_actions')], ...ACTION_PREFIXES.map((p) => [p, t(locale, `audit.what.${p.slice(0, -1)}`)] as const)], values.what),
      sites: options([['', t(locale, 'audit.all_sites')], ...sites.map((s) => [s.id, `${s.name}（${s.code}）`] as const)], values.site),
      rows: page.rows.map((e) => ({
        time: formatZoned(e.created_at, 'yyyy-MM-dd HH:mm:ss'), seq: e.seq, actor: e.actor_label, ip: e.ip ?? '', action: e.action, actionLabel: actionLabel(locale, e.action),
        objectType: e.object_type, objectId: e.object_id ?? '', site: e.site_name ?? '', before: json(e.before), after: json(e.after),
      })),
      pager: {
        latest: cursor ? href({}) : null, newer: page.newer && first ? href({ newer: first.id }) : null, older: page.older && last ? href({ older: last.id }) : null,
      },
      csv: `/audit.csv${params.size ? `?${params}` : ''}`, csvMax: CSV_MAX_ROWS.toLocaleString('en-US'),
      canVerify: isPlatformAdmin(request.principal!, clock.now()),
    });
  });

  // Verifying only reads, so it is a GET (a link cannot forge a "verified" notice this way either).
  fastify.get('/audit/verify', { config: { permission: 'platform_admin' } }, async (request, reply) => {
    const frame = pageFrame(request, reply, 'audit');
    const platformId = request.principal!.platformId;
    const started = performance.now();
    const report = await inScope(db, await requestScope(request), (trx) => verifyChain(trx, platformId));
    return renderPage(reply, 'audit-verify', frame, t(frame.locale, 'audit.verify.title'), {
      ok: report.ok, checked: report.checked, ms: Math.round(performance.now() - started),
      bad: report.firstBad && { seq: report.firstBad.seq, id: report.firstBad.id ?? '', problem: t(frame.locale, `audit.verify.problem.${report.firstBad.problem}`) },
    });
  });

  // The same filters as the page, newest first, read in chunks (each its own short transaction,
  // continuing from the last entry sent) and streamed, up to CSV_MAX_ROWS.
  fastify.get<{ Querystring: AuditQuery }>('/audit.csv', { config: READ }, async (request: FastifyRequest<{ Querystring: AuditQuery }>, reply: FastifyReply) => {
    const { filter } = auditFilter(request.query);
    const scope = await requestScope(request);
    async function* lines(): AsyncGenerator<Buffer> {
      yield Buffer.from(`\uFEFF${CSV_HEADER.join(',')}\r\n`, 'utf8');
      let cursor: AuditCursor = null;
      for (let sent = 0; sent < CSV_MAX_ROWS;) {
        const page = await inScope(db, scope, (trx) => findEntries(trx, filter, Math.min(CSV_CHUNK, CSV_MAX_ROWS - sent), cursor));
        if (page.rows.length) yield Buffer.from(page.rows.map(csvLine).join(''), 'utf8');
        sent += page.rows.length;
        const last = page.rows.at(-1);
        if (!page.older || !last) break;
        cursor = { older: last.id };
      }
    }
    const day = zonedDate(clock.now());
    return reply.header('content-type', 'text/csv; charset=utf-8').header('cache-control', 'no-store')
      .header('x-content-type-options', 'nosniff').header('content-disposition', attachment(`audit-${day}.csv`, `审计日志-${day}.csv`))
      .send(Readable.from(lines()));
  });
}
