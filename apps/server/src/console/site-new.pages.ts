import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SiteKind } from '@zhanqun/db/database';
import { inScope } from '@zhanqun/db/scope';
import { applyStandardTemplate } from '@zhanqun/tenancy/column.service';
import { listOrgUnits } from '@zhanqun/tenancy/org-unit.service';
import { listSites } from '@zhanqun/tenancy/site-query';
import { createSite, setSiteStatus } from '@zhanqun/tenancy/site.service';
import * as siteRepository from '@zhanqun/tenancy/site.repository';
import { t } from '../i18n/i18n.js';
import { ADMIN, adminScope, attempt, pageFrame, renderPage, serviceContext } from './console-context.js';
import {
  checked, formState, idOrNull, isUuid, optional, options, requiredId, text, values, type FormBody, type FormState,
} from './console-form.js';
import { unitOption } from './org-unit.pages.js';
import { SITE_KINDS } from './site.pages.js';

interface NewQuery { org?: string; parent?: string; kind?: string }

/** Coded refusals of createSite and the wizard field each is about. */
const FIELDS = {
  ZQ_TENANCY_SITE_CODE_TAKEN: 'code', ZQ_TENANCY_HOST_TAKEN: 'hosts', ZQ_TENANCY_HOST_RESERVED: 'hosts',
  ZQ_TENANCY_INDEPENDENT_SITE_REFUSED: 'kind', ZQ_TENANCY_ORG_UNIT_NOT_FOUND: 'orgUnitId', ZQ_TENANCY_SITE_NOT_FOUND: 'parentSiteId',
};

/** One host a line: the first is the primary, the others aliases (301 to the primary). */
export const hostLines = (raw: string) => raw.split(/[\r\n]+/).map((h) => h.trim()).filter(Boolean);

/**
 * 新建站点: one form with the site's unit, kind, code, names, filings, hosts and (for a sub-site)
 * its parent and prefix. Submitting creates the site, applies the standard columns and, if asked,
 * puts it live.
 */
export default async function siteNewPages(fastify: FastifyInstance) {
  async function show(request: FastifyRequest, reply: FastifyReply, form: FormState, code = 200) {
    const frame = pageFrame(request, reply, 'sites');
    const { locale, user } = frame;
    const scope = await adminScope(fastify, request);
    const v = form.values;
    // Sub-sites usually hang under a government portal (a few hundred in a province, where all sites
    // are thousands); a department site's sub-site starts from that site's page, which presets it here.
    const [units, portals, preset] = await inScope(fastify.db, scope, async (trx) => [
      await listOrgUnits(trx, user.platform_id),
      (await listSites(trx, { platformId: user.platform_id, kind: 'portal', limit: 500, offset: 0 })).rows,
      isUuid(v.parentSiteId) ? await siteRepository.findById(trx, v.parentSiteId) : undefined,
    ] as const);
    const parents = [...portals.filter((s) => s.id !== preset?.id), ...(preset && preset.kind !== 'sub_site' ? [preset] : [])]
      .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
    return renderPage(reply, 'site-new', frame, t(locale, 'wizard.title'), {
      form, devDomain: fastify.config.devDomain,
      units: options([['', t(locale, 'wizard.choose_unit')], ...units.map((u) => unitOption(locale, u))], v.orgUnitId),
      kinds: options(SITE_KINDS.map((k) => [k, t(locale, `sites.kind.${k}`)]), v.kind),
      parents: options([['', t(locale, 'wizard.no_parent')], ...parents.map((s) => [s.id, `${s.name}（${s.code}）`] as const)], v.parentSiteId),
      applyTemplate: v.applyTemplate === '1', goLive: v.goLive === '1',
    }, code);
  }

  fastify.get<{ Querystring: NewQuery }>('/sites/new', { config: ADMIN }, async (request, reply) => {
    const { org, parent, kind } = request.query;
    const preset: Record<string, string> = { applyTemplate: '1', kind: parent ? 'sub_site' : 'portal' };
    if (isUuid(org)) preset.orgUnitId = org;
    if (isUuid(parent)) preset.parentSiteId = parent;
    if (SITE_KINDS.some((k) => k === kind)) preset.kind = kind!;
    return show(request, reply, formState(preset));
  });

  fastify.post<{ Body: FormBody }>('/sites', { config: ADMIN, preHandler: fastify.csrfProtection }, async (request, reply) => {
    const body = request.body;
    const kind = text(body, 'kind') as SiteKind;
    const sub = kind === 'sub_site';
    return attempt(request, reply, async () => {
      const ctx = await serviceContext(fastify, request);
      const site = await createSite(ctx, {
        platformId: request.user!.platform_id, orgUnitId: requiredId(body, 'orgUnitId'), kind,
        code: text(body, 'code'), name: text(body, 'name'),
        siteIdCode: optional(body, 'siteIdCode'), icpNumber: optional(body, 'icpNumber'), psbNumber: optional(body, 'psbNumber'),
        sponsor: optional(body, 'sponsor'), contact: optional(body, 'contact'), hosts: hostLines(text(body, 'hosts')),
        // Only a sub-site has a parent and a prefix; the fields are ignored for the other kinds.
        parentSiteId: sub ? idOrNull(body, 'parentSiteId') : null, pathPrefix: sub ? optional(body, 'pathPrefix') : null,
        devDomain: fastify.config.devDomain, adminHost: fastify.config.adminHost,
      });
      let ok = 'site.created';
      try {
        if (checked(body, 'applyTemplate')) await applyStandardTemplate(ctx, site.id);
        if (checked(body, 'goLive')) await setSiteStatus(ctx, site.id, 'live');
      } catch (err) {
        // The site exists now: send the admin to it (to retry from there) rather than to a form
        // whose second submission would only be told the code is taken.
        request.log.error({ err, siteId: site.id }, 'site created, follow-up step failed');
        ok = 'site.created_partly';
      }
      return [`/sites/${site.id}`, ok];
    }, (refusal) => show(request, reply, formState(values(body), refusal), refusal.status), {
      ns: 'site',
      // A sub-site given no hosts of its own is mounted on its parent's: a clash there is its prefix's.
      fields: sub && !hostLines(text(body, 'hosts')).length ? { ...FIELDS, ZQ_TENANCY_HOST_TAKEN: 'pathPrefix' } : FIELDS,
    });
  });
}
