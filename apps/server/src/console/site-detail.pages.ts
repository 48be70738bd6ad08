import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { invalid } from '@zhanqun/core/errors';
import type { DomainRole, SiteRow } from '@zhanqun/db/database';
import { inScope, type Tx } from '@zhanqun/db/scope';
import { addDomain, removeDomain, setPrimaryDomain } from '@zhanqun/tenancy/domain.service';
import { findOrgUnitById } from '@zhanqun/tenancy/org-unit.service';
import { closeSite, setSiteStatus, updateSite } from '@zhanqun/tenancy/site.service';
import * as siteRepository from '@zhanqun/tenancy/site.repository';
import { SiteNotFoundError } from '@zhanqun/tenancy/tenancy.errors';
import { t, type Locale } from '../i18n/i18n.js';
import { SITE_ADMIN, adminScope, attempt, pageFrame, renderPage, serviceContext } from './console-context.js';
import { checked, formState, optional, options, text, values, type FormBody, type FormState, type Refusal } from './console-form.js';
import { IdParams } from './org-unit.pages.js';
import { siteUrl, statusView } from './site.pages.js';

type FormKey = 'details' | 'status' | 'close' | 'domain' | 'domains';
type Forms = Partial<Record<FormKey, FormState>>;
const DomainParams = {
  type: 'object', required: ['id', 'domainId'],
  properties: { id: { type: 'string', format: 'uuid' }, domainId: { type: 'string', format: 'uuid' } },
} as const;
const ADDABLE_ROLES: readonly DomainRole[] = ['alias', 'legacy'];

/** A site and what its header shows (name, status, address, tabs), or SiteNotFoundError (404). */
export async function loadSiteHead(trx: Tx, request: FastifyRequest, locale: Locale, siteId: string) {
  const site = await siteRepository.findById(trx, siteId);
  if (!site) throw new SiteNotFoundError(siteId);
  const primary = await siteRepository.findPrimaryHost(trx, siteId);
  return {
    site,
    head: {
      id: site.id, name: site.name, code: site.code, kindLabel: t(locale, `sites.kind.${site.kind}`), ...statusView(locale, site.status),
      url: siteUrl(request, primary?.host, primary?.path_prefix), live: site.status === 'live',
      // A city platform's site seen under the province's read-only oversight (seed §4.2).
      readOnly: site.platform_id !== request.user!.platform_id,
    },
  };
}

const detailValues = (s: SiteRow) => ({
  name: s.name, siteIdCode: s.site_id_code ?? '', icpNumber: s.icp_number ?? '', psbNumber: s.psb_number ?? '', sponsor: s.sponsor ?? '', contact: s.contact ?? '',
});

/** A site's page: details, status (上线/关闭), domains and sub-sites. The column editor is column.pages.ts. */
export default async function siteDetailPages(fastify: FastifyInstance) {
  async function show(request: FastifyRequest, reply: FastifyReply, siteId: string, forms: Forms = {}, code = 200) {
    const frame = pageFrame(request, reply, 'sites');
    const { locale } = frame;
    const scope = await adminScope(fastify, request);
    const data = await inScope(fastify.db, scope, async (trx) => {
      const { site, head } = await loadSiteHead(trx, request, locale, siteId);
      const [domains, unit, parent, all] = await Promise.all([
        siteRepository.findDomains(trx, siteId), findOrgUnitById(trx, site.org_unit_id),
        site.parent_site_id ? siteRepository.findById(trx, site.parent_site_id) : undefined, siteRepository.findAll(trx),
      ]);
      return { site, head, domains, unit, parent, children: all.filter((s) => s.parent_site_id === siteId) };
    });
    const { site } = data;
    const domain = forms.domain ?? formState({ role: 'alias' });
    const refused = Object.values(forms).find((f) => f.error)?.error ?? null;
    return renderPage(reply, 'site', frame, site.name, {
      head: data.head, tab: { overview: true }, refused,
      isSubSite: site.kind === 'sub_site', unitName: data.unit?.name ?? '',
      parent: data.parent && { id: data.parent.id, name: data.parent.name },
      details: forms.details ?? formState(detailValues(site)),
      canGoLive: site.status !== 'live', isClosed: site.status === 'closed',
      status: forms.status ?? formState(), close: forms.close ?? formState(),
      domains: data.domains.map((d) => ({
        id: d.id, address: `${d.host}${d.path_prefix === '/' ? '' : d.path_prefix}`, primary: d.role === 'primary',
        role: d.role, roleLabel: t(locale, `domain.role.${d.role}`),
      })),
      domain, domainsRefused: forms.domains?.error ?? null,
      roles: options(ADDABLE_ROLES.map((r) => [r, t(locale, `domain.role.${r}`)]), domain.values.role),
      children: data.children.map((c) => ({ id: c.id, name: c.name, code: c.code, kindLabel: t(locale, `sites.kind.${c.kind}`), ...statusView(locale, c.status) })),
      canHaveChildren: site.kind !== 'sub_site',
    }, code);
  }

  const again = (request: FastifyRequest, reply: FastifyReply, siteId: string, form: FormKey) =>
    (refusal: Refusal) => show(request, reply, siteId, { [form]: formState(values(request.body as FormBody), refusal) }, refusal.status);
  const post = { config: SITE_ADMIN, preHandler: fastify.csrfProtection, schema: { params: IdParams } };
  type SitePost = { Params: { id: string }; Body: FormBody };

  fastify.get<{ Params: { id: string } }>('/sites/:id', { config: SITE_ADMIN, schema: { params: IdParams } }, async (request, reply) =>
    show(request, reply, request.params.id));

  fastify.post<SitePost>('/sites/:id', post, async (request, reply) => {
    const { id } = request.params;
    const body = request.body;
    return attempt(request, reply, async () => {
      await updateSite(await serviceContext(fastify, request), id, {
        name: text(body, 'name'), icpNumber: optional(body, 'icpNumber'), psbNumber: optional(body, 'psbNumber'),
        sponsor: optional(body, 'sponsor'), contact: optional(body, 'contact'),
        // A sub-site shows its parent's code: its form has no such field, and it is left alone.
        ...(body && 'siteIdCode' in body ? { siteIdCode: optional(body, 'siteIdCode') } : {}),
      });
      return [`/sites/${id}#details`, 'site.updated'];
    }, again(request, reply, id, 'details'), { ns: 'site' });
  });

  fastify.post<SitePost>('/sites/:id/live', post, async (request, reply) => {
    const { id } = request.params;
    return attempt(request, reply, async () => {
      await setSiteStatus(await serviceContext(fastify, request), id, 'live');
      return [`/sites/${id}#status`, 'site.live'];
    }, again(request, reply, id, 'status'), { ns: 'site' });
  });

  fastify.post<SitePost>('/sites/:id/close', post, async (request, reply) => {
    const { id } = request.params;
    return attempt(request, reply, async () => {
      if (!checked(request.body, 'confirm')) throw invalid('confirm', 'must be ticked to close the site');
      await closeSite(await serviceContext(fastify, request), id);
      return [`/sites/${id}#status`, 'site.closed'];
    }, again(request, reply, id, 'close'), { ns: 'site' });
  });

  fastify.post<SitePost>('/sites/:id/domains', post, async (request, reply) => {
    const { id } = request.params;
    return attempt(request, reply, async () => {
      const role = text(request.body, 'role') as DomainRole;
      if (!ADDABLE_ROLES.includes(role)) throw invalid('role', `must be one of ${ADDABLE_ROLES.join(', ')}`);
      await addDomain(await serviceContext(fastify, request), id, { host: text(request.body, 'host'), role, adminHost: fastify.config.adminHost });
      return [`/sites/${id}#domains`, 'domain.added'];
    }, again(request, reply, id, 'domain'), { ns: 'domain', fields: { ZQ_TENANCY_HOST_TAKEN: 'host', ZQ_TENANCY_HOST_RESERVED: 'host' } });
  });

  type DomainPost = { Params: { id: string; domainId: string }; Body: FormBody };
  const domainPost = { ...post, schema: { params: DomainParams } };
  fastify.post<DomainPost>('/sites/:id/domains/:domainId/primary', domainPost, async (request, reply) => {
    const { id, domainId } = request.params;
    return attempt(request, reply, async () => {
      await setPrimaryDomain(await serviceContext(fastify, request), id, domainId);
      return [`/sites/${id}#domains`, 'domain.primary'];
    }, again(request, reply, id, 'domains'), { ns: 'domain' });
  });

  fastify.post<DomainPost>('/sites/:id/domains/:domainId/remove', domainPost, async (request, reply) => {
    const { id, domainId } = request.params;
    return attempt(request, reply, async () => {
      await removeDomain(await serviceContext(fastify, request), id, domainId);
      return [`/sites/${id}#domains`, 'domain.removed'];
    }, again(request, reply, id, 'domains'), { ns: 'domain' });
  });
}
