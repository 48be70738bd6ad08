/**
 * A site's legacy sites in the console (旧网站迁移, issue 7): for its site admin, every legacy
 * site moving onto it with its state and deadline, its URL entries by kind and the most-hit old
 * URLs (what still arrives after cut-over), and the import runs with their operator and counts;
 * one run's report (`?run=`), also as JSON (`&format=json`). For platform admins, the plan of
 * every legacy site of the platform (`/legacy`, in the main navigation): target site, owner unit,
 * state, deadline, the overdue, and the latest import run. A run that died before it finished
 * shows 已中断 (interrupted) with what it wrote, and the run that resumed it says so. Read-only:
 * imports run from the CLI.
 */
import type { FastifyInstance } from 'fastify';
import { formatZoned } from '@zhanqun/core/time';
import { inScope } from '@zhanqun/db/scope';
import { findRun, listRuns, runStatus, runWrites } from '@zhanqun/legacy/import-run.service';
import { ImportRunNotFoundError } from '@zhanqun/legacy/legacy.errors';
import { legacyPlan } from '@zhanqun/legacy/legacy-plan.service';
import { findLegacySites } from '@zhanqun/legacy/legacy-site.service';
import { isPlatformAdmin } from '@zhanqun/identity/policy';
import { countEntries, listEntries } from '@zhanqun/legacy/legacy-url.service';
import { t } from '../i18n/i18n.js';
import { ADMIN, SITE_ADMIN, adminScope, pageFrame, renderPage } from './console-context.js';
import { IdParams } from './org-unit.pages.js';
import { loadSiteHead } from './site-detail.pages.js';

const QUERY = {
  type: 'object',
  properties: { run: { type: 'string', format: 'uuid' }, format: { type: 'string', enum: ['html', 'json'] }, lang: { type: 'string' } },
} as const;
const TOP_ENTRIES = 20;
const at = (d: Date | null, pattern = 'yyyy-MM-dd HH:mm') => (d ? formatZoned(d, pattern) : '');

interface ReportView {
  found?: number; imported?: number; updated?: number; unchanged?: number; duplicates?: number; retired?: number; filesStored?: number; urlEntries?: number;
  /** The WordPress import's files: stored, and attachment pages whose old addresses answer with their file. */
  files?: { stored?: number; pagesRedirected?: number } | null;
  failed?: { index: number; key: string; title: string; reason: string }[];
  skipped?: { index: number; title: string; reason: string }[];
  unmapped?: { path: string; reason: string }[];
  brokenLinks?: { title: string; url: string; reason?: string }[];
  missingAtSource?: string[];
}

export default async function legacyPages(fastify: FastifyInstance) {
  fastify.get('/legacy', { config: ADMIN }, async (request, reply) => {
    const frame = pageFrame(request, reply, 'legacy');
    const { locale } = frame;
    const plan = await inScope(fastify.db, await adminScope(fastify, request), (trx) => legacyPlan(trx, fastify.clock));
    return renderPage(reply, 'legacy-plan', frame, t(locale, 'legacy.plan_title'), {
      rows: plan.map((p) => ({
        ...p, hosts: p.hosts.join(', '), state: t(locale, `legacy.state.${p.state}`), deadline: p.deadline ?? '',
        lastRun: p.lastRun && {
          id: p.lastRun.id, status: t(locale, `legacy.run_status.${p.lastRun.status}`),
          statusKey: p.lastRun.status, started: at(p.lastRun.startedAt),
        },
      })),
      overdue: plan.filter((p) => p.overdue).length,
    });
  });

  fastify.get<{ Params: { id: string }; Querystring: { run?: string; format?: 'html' | 'json' } }>('/sites/:id/legacy',
    { config: SITE_ADMIN, schema: { params: IdParams, querystring: QUERY } }, async (request, reply) => {
      const frame = pageFrame(request, reply, 'sites');
      const { locale } = frame;
      const { id } = request.params;
      const data = await inScope(fastify.db, await adminScope(fastify, request), async (trx) => {
        const { site, head } = await loadSiteHead(trx, request, locale, id);
        const legacySites = await Promise.all((await findLegacySites(trx, id)).map(async (l) => ({
          row: l, counts: await countEntries(trx, id, l.id), top: (await listEntries(trx, id, l.id, TOP_ENTRIES)).filter((e) => e.hits > 0),
        })));
        const runs = await listRuns(trx, id);
        const run = request.query.run ? await findRun(trx, id, request.query.run) : undefined;
        // A run that never finished has no report: what it wrote is in the ID map.
        const written = new Map<string, { created: number; updated: number }>();
        for (const r of runs) if (!r.finished_at) written.set(r.id, await runWrites(trx, id, r.id));
        const writes = run && !run.finished_at ? written.get(run.id) ?? await runWrites(trx, id, run.id) : null;
        const resumed = run?.resumes_run_id ? await findRun(trx, id, run.resumes_run_id) : undefined;
        return { site, head, legacySites, runs, run, writes, written, resumed };
      });
      const now = fastify.clock.now();
      if (request.query.run && !data.run) throw new ImportRunNotFoundError(request.query.run);
      if (request.query.format === 'json') {
        const legacySites = data.legacySites.map(({ row, counts, top }) => ({
          code: row.code, name: row.name, hosts: row.hosts, state: row.state, deadline: row.deadline, queryParams: row.query_params, entries: counts,
          topEntries: top.map((e) => ({ path: e.path, kind: e.kind, target: e.target, hits: e.hits, lastHitAt: e.lastHitAt })),
        }));
        const runs = data.runs.map((r) => ({
          id: r.id, sourceKind: r.source_kind, source: r.source_name, operator: r.operator_label, status: runStatus(r, now), startedAt: r.started_at,
          finishedAt: r.finished_at, lastSignOfLifeAt: r.heartbeat_at, resumesRunId: r.resumes_run_id,
        }));
        return reply.type('application/json; charset=utf-8').header('cache-control', 'no-store')
          .send(data.run ? { run: { ...runs.find((r) => r.id === data.run!.id), report: data.run.report, ...(data.writes ? { written: data.writes } : {}) } } : { legacySites, runs });
      }
      const report = (data.run?.report ?? null) as ReportView | null;
      return renderPage(reply, 'site-legacy', frame, `${data.site.name} · ${t(locale, 'legacy.title')}`, {
        head: data.head, tab: { legacy: true }, planLink: isPlatformAdmin(request.principal!, fastify.clock.now()),
        legacySites: data.legacySites.map(({ row, counts, top }) => ({
          code: row.code, name: row.name, hosts: row.hosts.join(', '), state: t(locale, `legacy.state.${row.state}`), deadline: row.deadline ?? '',
          redirects: counts['legacy'] ?? 0, gone: counts['gone'] ?? 0, awaiting: counts['awaiting'] ?? 0,
          top: top.map((e) => ({ path: e.path, target: e.target ?? '', hits: e.hits, last: at(e.lastHitAt) })),
        })),
        runs: data.runs.map((r) => {
          const rep = r.report as ReportView;
          return {
            id: r.id, started: at(r.started_at), operator: r.operator_label, source: r.source_name, kind: r.source_kind, status: t(locale, `legacy.run_status.${runStatus(r, now)}`),
            imported: data.written.get(r.id)?.created ?? rep.imported ?? 0, updated: data.written.get(r.id)?.updated ?? rep.updated ?? 0,
            failed: rep.failed?.length ?? 0, current: r.id === data.run?.id,
          };
        }),
        run: data.run && report ? {
          id: data.run.id, source: data.run.source_name, operator: data.run.operator_label, started: at(data.run.started_at), finished: at(data.run.finished_at),
          status: t(locale, `legacy.run_status.${runStatus(data.run, now)}`), interrupted: runStatus(data.run, now) === 'interrupted',
          running: runStatus(data.run, now) === 'running', lastSeen: at(data.run.heartbeat_at ?? data.run.started_at, 'yyyy-MM-dd HH:mm:ss'),
          resumes: data.resumed ? { id: data.resumed.id, started: at(data.resumed.started_at), source: data.resumed.source_name } : null,
          counts: (data.writes ? [['imported', data.writes.created], ['updated', data.writes.updated]]
            : [['found', report.found], ['imported', report.imported], ['updated', report.updated], ['unchanged', report.unchanged], ['duplicates', report.duplicates],
              ['retired', report.retired], ['files', report.filesStored ?? report.files?.stored], ['attachment_pages', report.files?.pagesRedirected],
              ['entries', report.urlEntries]]).filter(([, n]) => n !== undefined).map(([k, n]) => ({ label: t(locale, `legacy.count.${k}`), n })),
          failed: report.failed ?? [], skipped: report.skipped ?? [], unmapped: report.unmapped ?? [], broken: report.brokenLinks ?? [], missing: report.missingAtSource ?? [],
          json: `/sites/${id}/legacy?run=${data.run.id}&format=json`,
        } : null,
      });
    });
}
