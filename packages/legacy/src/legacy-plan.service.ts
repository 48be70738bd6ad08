/**
 * The province-wide plan of legacy sites (issue 7, Surfaces) and the check of a legacy site's
 * URL entries after an import (verify). The plan lists every legacy site of a platform with its
 * target site, owner unit, state (planned → crawling → imported → parallel run → cut over →
 * decommissioned) and deadline, flagging the overdue; verify asks every entry where it leads.
 */
import type { Clock } from '@zhanqun/core/clock';
import { zonedDate } from '@zhanqun/core/time';
import type { LegacyRunStatus, LegacySiteState } from '@zhanqun/db/database';
import type { Db } from '@zhanqun/db/scope';
import { runStatus } from './import-run.service.js';

export interface PlanRow {
  siteId: string;
  siteCode: string;
  siteName: string;
  unitName: string;
  legacyCode: string;
  legacyName: string;
  hosts: string[];
  state: LegacySiteState;
  deadline: string | null;
  overdue: boolean;
  entries: number;
  hits: number;
  /** The latest import run, its status as a reader should see it (a run that died shows interrupted). */
  lastRun: { id: string; status: LegacyRunStatus; startedAt: Date } | null;
}

/** Every legacy site the scope sees (a platform admin's: the platform), by deadline. */
export async function legacyPlan(db: Db, clock: Clock): Promise<PlanRow[]> {
  const today = zonedDate(clock.now());
  const rows = await db.selectFrom('legacy_site as l').innerJoin('site as s', 's.id', 'l.site_id').innerJoin('org_unit as u', 'u.id', 's.org_unit_id')
    .select(['s.code as site_code', 's.name as site_name', 'u.name as unit_name', 'l.id', 'l.site_id', 'l.code', 'l.name', 'l.hosts', 'l.state', 'l.deadline'])
    .orderBy('l.deadline').orderBy('s.code').orderBy('l.code').execute();
  const counts = rows.length === 0 ? [] : await db.selectFrom('url_path').select(['legacy_site_id', (eb) => eb.fn.countAll<string>().as('n'), (eb) => eb.fn.sum<string>('hits').as('hits')])
    .where('legacy_site_id', 'in', rows.map((r) => r.id)).groupBy('legacy_site_id').execute();
  const byId = new Map(counts.map((c) => [c.legacy_site_id, c]));
  const runs = rows.length === 0 ? [] : await db.selectFrom('legacy_import_run').distinctOn('legacy_site_id')
    .select(['id', 'legacy_site_id', 'status', 'started_at', 'heartbeat_at']).where('legacy_site_id', 'in', rows.map((r) => r.id))
    .orderBy('legacy_site_id').orderBy('started_at', 'desc').orderBy('id', 'desc').execute();
  const lastRuns = new Map(runs.map((r) => [r.legacy_site_id, { id: r.id, status: runStatus(r, clock.now()), startedAt: r.started_at }]));
  return rows.map((r) => ({
    siteId: r.site_id, siteCode: r.site_code, siteName: r.site_name, unitName: r.unit_name, legacyCode: r.code, legacyName: r.name, hosts: r.hosts, state: r.state,
    deadline: r.deadline, overdue: r.deadline !== null && r.deadline < today && r.state !== 'cut_over' && r.state !== 'decommissioned',
    entries: Number(byId.get(r.id)?.n ?? 0), hits: Number(byId.get(r.id)?.hits ?? 0), lastRun: lastRuns.get(r.id) ?? null,
  }));
}

export interface VerifyReport {
  entries: number;
  redirects: number;
  gone: number;
  awaiting: number;
  /** 301s whose path on the site answers nothing live (no page, a withdrawn article, a closed column). */
  deadRedirects: { path: string; target: string }[];
  /** 301s to other hosts (not checked over the network here). */
  external: number;
}

/** Where every URL entry of a legacy site leads now. */
export async function verifyLegacySite(db: Db, siteId: string, legacySiteId: string): Promise<VerifyReport> {
  const entries = await db.selectFrom('url_path as u').leftJoin('article as a', (j) => j.onRef('a.site_id', '=', 'u.site_id').onRef('a.id', '=', 'u.article_id'))
    .select(['u.path', 'u.kind', 'u.target', 'u.article_id', 'a.live', 'a.url_path as article_url'])
    .where('u.site_id', '=', siteId).where('u.legacy_site_id', '=', legacySiteId).execute();
  const live = new Set((await db.selectFrom('url_path').select('path').where('site_id', '=', siteId).where('kind', '=', 'live').execute()).map((r) => r.path));
  const report: VerifyReport = { entries: entries.length, redirects: 0, gone: 0, awaiting: 0, deadRedirects: [], external: 0 };
  for (const e of entries) {
    if (e.kind === 'gone') { report.gone += 1; continue; }
    if (e.kind === 'awaiting' || (e.article_id && !e.live)) { report.awaiting += 1; continue; }
    report.redirects += 1;
    const target = e.article_url ?? e.target ?? '';
    if (!target.startsWith('/')) { report.external += 1; continue; }
    if (target !== '/' && !live.has(target)) report.deadRedirects.push({ path: e.path, target });
  }
  return report;
}
