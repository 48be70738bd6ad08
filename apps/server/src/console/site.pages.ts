import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SiteKind, SiteStatus } from '@zhanqun/db/database';
import { inScope } from '@zhanqun/db/scope';
import { listOrgUnits } from '@zhanqun/tenancy/org-unit.service';
import { listSites } from '@zhanqun/tenancy/site-query';
import { t, type Locale } from '../i18n/i18n.js';
import { SITE_ADMIN, adminScope, pageFrame, portSuffix, renderPage } from './console-context.js';
import { isUuid, options } from './console-form.js';
import { unitOption } from './org-unit.pages.js';

export const SITE_KINDS: readonly SiteKind[] = ['portal', 'department', 'sub_site'];
export const SITE_STATUSES: readonly SiteStatus[] = ['provisioning', 'live', 'migrating', 'closed'];
export const PAGE_SIZE = 50;

interface ListQuery { q?: string; kind?: string; status?: string; org?: string; page?: string }

/** The public address of a site from its primary route (host + prefix), with the dev port. */
export function siteUrl(request: FastifyRequest, host: string | null | undefined, prefix: string | null | undefined): string {
  return host ? `${request.protocol}://${host}${portSuffix(request.headers.host)}${prefix ?? '/'}` : '';
}

export const statusView = (locale: Locale, status: SiteStatus) => ({ status, statusLabel: t(locale, `sites.status.${status}`) });

/** 站点管理: every site of the platform, searched and filtered in the database, 50 a page. */
export default async function sitePages(fastify: FastifyInstance) {
  fastify.get<{ Querystring: ListQuery }>('/sites', { config: SITE_ADMIN }, async (request, reply) => {
    const frame = pageFrame(request, reply, 'sites');
    const { locale } = frame;
    const query = request.query;
    const q = typeof query.q === 'string' ? query.q.trim().slice(0, 100) : '';
    const kind = SITE_KINDS.find((k) => k === query.kind);
    const status = SITE_STATUSES.find((s) => s === query.status);
    const org = isUuid(query.org) ? query.org : undefined;
    const wanted = Math.max(1, Math.min(Number.parseInt(query.page ?? '1', 10) || 1, 100_000));
    const scope = await adminScope(fastify, request);
    const platformId = frame.user.platform_id;
    const { units, list, page } = await inScope(fastify.db, scope, async (trx) => {
      const filter = { platformId, limit: PAGE_SIZE, ...(q ? { q } : {}), ...(kind ? { kind } : {}), ...(status ? { status } : {}), ...(org ? { orgUnitId: org } : {}) };
      let found = await listSites(trx, { ...filter, offset: (wanted - 1) * PAGE_SIZE });
      const last = Math.max(1, Math.ceil(found.total / PAGE_SIZE));
      // A page past the end (a bookmarked link after sites were closed) shows the last one.
      if (wanted > last) found = await listSites(trx, { ...filter, offset: (last - 1) * PAGE_SIZE });
      return { units: await listOrgUnits(trx, platformId), list: found, page: Math.min(wanted, last) };
    });
    const pages = Math.max(1, Math.ceil(list.total / PAGE_SIZE));
    const href = (p: number) => {
      const params = new URLSearchParams({ ...(q ? { q } : {}), ...(kind ? { kind } : {}), ...(status ? { status } : {}), ...(org ? { org } : {}) });
      if (p > 1) params.set('page', String(p));
      const s = params.toString();
      return `/sites${s ? `?${s}` : ''}`;
    };
    // The unit filter offers the governments (a filter covers everything under a unit); a department
    // chosen from the org tree is added so the select shows it.
    const filterUnits = units.filter((u) => u.level === 'province' || u.level === 'city' || u.level === 'county' || u.id === org);
    return renderPage(reply, 'sites', frame, t(locale, 'sites.title'), {
      q, total: list.total, filtered: Boolean(q || kind || status || org),
      kinds: options([['', t(locale, 'sites.all_kinds')], ...SITE_KINDS.map((k) => [k, t(locale, `sites.kind.${k}`)] as const)], kind),
      statuses: options([['', t(locale, 'sites.all_statuses')], ...SITE_STATUSES.map((s) => [s, t(locale, `sites.status.${s}`)] as const)], status),
      units: options([['', t(locale, 'sites.all_units')], ...filterUnits.map((u) => unitOption(locale, u))], org),
      rows: list.rows.map((s) => ({
        id: s.id, name: s.name, code: s.code, orgUnitName: s.org_unit_name, siteIdCode: s.site_id_code,
        kindLabel: t(locale, `sites.kind.${s.kind}`), ...statusView(locale, s.status),
        url: s.status === 'live' ? siteUrl(request, s.host, s.path_prefix) : '', address: s.host ? `${s.host}${s.path_prefix ?? '/'}` : '',
      })),
      pager: {
        page, pages, first: page > 1 ? href(1) : null, prev: page > 1 ? href(page - 1) : null,
        next: page < pages ? href(page + 1) : null, last: page < pages ? href(pages) : null,
        from: list.total ? (page - 1) * PAGE_SIZE + 1 : 0, to: Math.min(page * PAGE_SIZE, list.total),
      },
    });
  });
}
