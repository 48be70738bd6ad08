/**
 * A site's theme in the console (主题): the site admin picks a pack and sets its settings, with a
 * live preview of the site's home page rendered with the unsaved values. Everything works
 * without script: the pack is chosen by a GET form, the 预览 button posts the form into the
 * preview frame (formtarget), 保存 saves it. A pack the validator refuses is refused with its
 * findings as file:line lines. The preview renders on the admin host only, noindex, never cached;
 * its links open the public site's pages in a new window (preview-links.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isCodedError } from '@zhanqun/core/errors';
import { inScope } from '@zhanqun/db/scope';
import { formatFinding, type Finding } from '@zhanqun/render/theme-check';
import { homeContext, loadSiteScope } from '@zhanqun/render/theme-context';
import { ThemeRegistry, THEMES_DIR } from '@zhanqun/render/theme';
import { SETTINGS_CSS_PATH, type SettingDef, type SettingValues } from '@zhanqun/render/theme-settings';
import {
  activatablePack, checkSiteSettings, findStoredSettings, listPartialOverrides, listThemePacks, removePartialOverride, setPartialOverride, setSiteTheme,
  type ThemePack,
} from '@zhanqun/render/site-theme.service';
import { packPartials } from '@zhanqun/render/theme-overrides';
import * as siteRepository from '@zhanqun/tenancy/site.repository';
import * as columnRepository from '@zhanqun/tenancy/column.repository';
import { SiteNotFoundError } from '@zhanqun/tenancy/tenancy.errors';
import Handlebars from 'handlebars';
import { t, type Locale } from '../i18n/i18n.js';
import { registerSettingsCss } from '../public/theme-settings-css.js';
import { SITE_ADMIN, adminScope, done, pageFrame, portSuffix, renderPage, serviceContext, sendHtml } from './console-context.js';
import type { FormBody } from './console-form.js';
import { IdParams } from './org-unit.pages.js';
import { loadSiteHead } from './site-detail.pages.js';
import { openLinksOnPublicSite } from './preview-links.js';

const PREFIX = 's.';
const escapeHtml = Handlebars.Utils.escapeExpression;
const THEME_QUERY = {
  type: 'object', properties: { theme: { type: 'string', maxLength: 60 }, partial: { type: 'string', maxLength: 60 }, ok: { type: 'string' }, lang: { type: 'string' } },
} as const;

/** A refused theme form: the message, the setting it names (or the pack), and the validator's findings. */
interface ThemeRefusal { message: string; field: string | null; findings: string[]; status: number }

/** The settings a form posted (`s.<key>`); for a boolean the last value wins (a hidden `false` before the checkbox). */
export function postedSettings(body: FormBody): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(body ?? {})) {
    if (!name.startsWith(PREFIX) || value === undefined) continue;
    out[name.slice(PREFIX.length)] = Array.isArray(value) ? (value[value.length - 1] ?? '') : value;
  }
  return out;
}

const REASONS: [RegExp, string][] = [
  [/colour written/, 'theme.reason.color'], [/must be one of/, 'theme.reason.select'], [/true or false/, 'theme.reason.boolean'],
  [/text of at most/, 'theme.reason.text'], [/path on this site/, 'theme.reason.image'], [/names no column of this site/, 'theme.reason.columns'],
  [/at most \d+ columns/, 'theme.reason.columns_many'], [/list of column paths/, 'theme.reason.columns'], [/is not a setting/, 'theme.reason.unknown'],
  [/not an installed theme pack/, 'theme.reason.no_pack'],
  [/image attachment of this site/, 'theme.reason.image_file'],
];

/** A coded error below 500 as the form shows it; anything else is left to the error handler. */
function refusalOf(err: unknown, locale: Locale, defs: readonly SettingDef[], pack?: string): ThemeRefusal | null {
  if (!isCodedError(err) || (err.statusCode ?? 500) >= 500) return null;
  const findings = ((err as { findings?: Finding[] }).findings ?? []).map(formatFinding);
  if (err.code === 'ZQ_RENDER_THEME_REFUSED') return { message: t(locale, 'theme.refused'), field: 'theme', findings, status: 400 };
  if (err.code === 'ZQ_RENDER_PARTIAL_REFUSED') return { message: t(locale, 'theme.partial_refused'), field: 'source', findings, status: 400 };
  if (err.code === 'ZQ_VALIDATION' && (err.field === 'source' || err.field === 'name')) {
    return { message: t(locale, 'form.field_error', { field: t(locale, 'theme.partial_source'), reason: err.message.replace(/^[^:]*:\s*/, '') }), field: 'source', findings, status: 400 };
  }
  const field = err.field ?? null;
  const key = field?.startsWith('settings.') ? field.slice('settings.'.length) : null;
  const detail = err.message.replace(/^[^:]*:\s*/, '');
  const reason = REASONS.find(([re]) => re.test(detail))?.[1];
  const unknownColumns = /no column of this site: (.*)$/.exec(detail)?.[1];
  const def = key ? defs.find((d) => d.key === key) : undefined;
  const label = key ? (def && pack ? labelOf(pack, def, locale) : (def?.description ?? key)) : field === 'theme' ? t(locale, 'theme.pack') : field;
  const text = reason ? t(locale, reason, { paths: unknownColumns ?? '' }) : detail;
  return { message: label ? t(locale, 'form.field_error', { field: `${label}${key ? ` (${key})` : ''}`, reason: text }) : text, field: key ?? field, findings, status: err.statusCode ?? 400 };
}

/** A setting as the form shows it: its input kind and current value. */
const englishLabels = new Map<string, Record<string, unknown>>();
/** A setting's label: its theme.json description, or in the English console the pack's `settings.<key>` of locales/en.json. */
function labelOf(pack: string, def: SettingDef, locale: Locale): string {
  if (locale === 'en') {
    let words = englishLabels.get(pack);
    if (!words) {
      try {
        words = JSON.parse(readFileSync(join(THEMES_DIR, pack, 'locales', 'en.json'), 'utf8')) as Record<string, unknown>;
      } catch {
        words = {};
      }
      englishLabels.set(pack, words);
    }
    const label = words[`settings.${def.key}`];
    if (typeof label === 'string') return label;
  }
  return def.description ?? def.key;
}

function fieldOf(def: SettingDef, value: unknown, invalid: string | null, label: string) {
  const v = Array.isArray(value) ? value.join('\n') : typeof value === 'boolean' ? value : String(value ?? '');
  return {
    key: def.key, name: `${PREFIX}${def.key}`, id: `set-${def.key}`, label, group: def.group, value: v,
    isColor: def.type === 'color', isImage: def.type === 'image', isText: def.type === 'text', isBoolean: def.type === 'boolean',
    isSelect: def.type === 'select', isColumns: def.type === 'column-list',
    options: def.options.map((o) => ({ value: o, label: o, selected: o === v })), checked: v === true || v === 'true', bad: invalid === def.key,
  };
}

export default async function siteThemePages(fastify: FastifyInstance) {
  const themes = new ThemeRegistry();

  // The preview loads its pack's stylesheets and scripts from the admin host, as a tenant host serves them.
  await fastify.register(async (assets) => {
    assets.addHook('onRoute', (route) => { route.config = { ...route.config, permission: 'public' }; });
    for (const pack of listThemePacks()) {
      const dir = join(THEMES_DIR, pack.name, 'assets');
      if (existsSync(dir)) await assets.register(fastifyStatic, { root: dir, prefix: `/_assets/${pack.name}/`, decorateReply: false, maxAge: '1h' });
    }
    registerSettingsCss(assets, SETTINGS_CSS_PATH);
  });

  /** The partial being edited (`?partial=`), with what the editor shows. */
  interface PartialEdit { name: string; source?: string }

  async function show(request: FastifyRequest, reply: FastifyReply, siteId: string, chosen?: string, posted?: Record<string, string>, refusal?: ThemeRefusal, edit?: PartialEdit) {
    const frame = pageFrame(request, reply, 'sites');
    const { locale } = frame;
    const packs = listThemePacks();
    const data = await inScope(fastify.db, await adminScope(fastify, request), async (trx) => {
      const { site, head } = await loadSiteHead(trx, request, locale, siteId);
      const name = chosen && packs.some((p) => p.name === chosen) ? chosen : site.theme;
      const stored = await findStoredSettings(trx, siteId, name);
      const columns = (await columnRepository.findAll(trx, siteId)).filter((c) => c.status === 'open');
      const overrides = await listPartialOverrides(trx, siteId, name);
      return { site, head, name, stored, columns, overrides };
    });
    const pack = packs.find((p) => p.name === data.name) ?? packs[0]!;
    const values: Record<string, unknown> = {};
    for (const def of pack.settings) values[def.key] = posted?.[def.key] ?? data.stored?.[def.key] ?? def.default;
    const previewQuery = `?theme=${encodeURIComponent(pack.name)}`;
    const own = new Map(data.overrides.map((o) => [o.name, o.source]));
    const sources = packPartials(join(THEMES_DIR, pack.name));
    const editing = edit ?? (request.query as { partial?: string }).partial;
    const editName = typeof editing === 'string' ? editing : editing?.name;
    const editor = editName && sources.has(editName) ? {
      name: editName, overridden: own.has(editName),
      source: (typeof editing === 'object' ? editing.source : undefined) ?? own.get(editName) ?? sources.get(editName) ?? '',
    } : null;
    return renderPage(reply, 'site-theme', frame, `${data.site.name} · ${t(locale, 'theme.title')}`, {
      head: data.head, tab: { theme: true }, refused: refusal ?? null,
      current: data.site.theme, pack: { ...pack, active: pack.name === data.site.theme, fatal: pack.fatal.map(formatFinding) },
      packs: packs.map((p: ThemePack) => ({ name: p.name, title: p.title, selected: p.name === pack.name, active: p.name === data.site.theme, refused: p.fatal.length > 0 })),
      fields: pack.settings.map((d) => fieldOf(d, values[d.key], refusal?.field ?? null, labelOf(pack.name, d, locale))),
      columns: data.columns.map((c) => ({ path: c.path, name: c.name })),
      previewUrl: `/sites/${siteId}/theme/preview${previewQuery}`,
      partials: [...sources.keys()].map((n) => ({ name: n, overridden: own.has(n), editing: n === editor?.name, url: `/sites/${siteId}/theme${previewQuery}&partial=${encodeURIComponent(n)}#partials` })),
      editor, partialRefused: edit ? (refusal ?? null) : null,
    }, refusal?.status ?? 200);
  }

  /** The site's home in `pack` with `settings` (validated), as the public site would render it, marked as a preview. */
  async function preview(request: FastifyRequest, reply: FastifyReply, siteId: string, packName: string, settings: Record<string, string> | null) {
    const locale = (request.query as { lang?: string } | undefined)?.lang === 'en' ? 'en' : 'zh-CN';
    try {
      const pack = activatablePack(packName);
      const port = portSuffix(request.headers.host);
      const { page, publicBase } = await inScope(fastify.db, await adminScope(fastify, request), async (trx) => {
        const site = await siteRepository.findById(trx, siteId);
        if (!site) throw new SiteNotFoundError(siteId);
        const values: SettingValues | Record<string, unknown> = settings ? await checkSiteSettings(trx, siteId, pack, settings)
          : (await findStoredSettings(trx, siteId, pack.name)) ?? {};
        const parent = site.parent_site_id ? (await siteRepository.findById(trx, site.parent_site_id)) ?? null : null;
        const primary = await siteRepository.findPrimaryHost(trx, siteId);
        const scope = await loadSiteScope(trx, site, parent, { host: primary?.host ?? '', prefix: primary?.path_prefix ?? '/', port }, { theme: pack.name, settings: values });
        // Where the site's pages are: the links of the preview open there (preview-links.ts).
        return { page: await homeContext(trx, scope), publicBase: primary ? `${request.protocol}://${primary.host}${port}${primary.path_prefix}` : null };
      });
      page.preview = true;
      return reply.code(200).type('text/html; charset=utf-8').header('cache-control', 'no-store').header('x-robots-tag', 'noindex, nofollow')
        .send(openLinksOnPublicSite(themes.get(pack.name).render('home', page), publicBase));
    } catch (err) {
      const refusal = refusalOf(err, locale, listThemePacks().find((p) => p.name === packName)?.settings ?? [], packName);
      if (!refusal) throw err;
      // The frame says what is wrong in a page of its own (the form beside it says it again on save).
      const items = [refusal.message, ...refusal.findings].map((m) => `<li>${escapeHtml(m)}</li>`).join('');
      return sendHtml(reply, `<!DOCTYPE html><html lang="${locale}"><head><meta charset="utf-8"><title>${t(locale, 'theme.preview')}</title>`
        + `<link rel="stylesheet" href="/_console/console.css"></head><body><main class="preview-refused"><h1>${t(locale, 'theme.preview_refused')}</h1><ul>${items}</ul></main></body></html>`, refusal.status);
    }
  }

  type SitePost = { Params: { id: string }; Body: FormBody };
  const post = { config: SITE_ADMIN, preHandler: fastify.csrfProtection, schema: { params: IdParams } };

  fastify.get<{ Params: { id: string }; Querystring: { theme?: string } }>('/sites/:id/theme', { config: SITE_ADMIN, schema: { params: IdParams, querystring: THEME_QUERY } },
    async (request, reply) => show(request, reply, request.params.id, request.query.theme));

  fastify.post<SitePost>('/sites/:id/theme', post, async (request, reply) => {
    const { id } = request.params;
    const theme = typeof request.body?.theme === 'string' ? request.body.theme : '';
    const settings = postedSettings(request.body);
    try {
      await setSiteTheme(await serviceContext(fastify, request), id, { theme, settings });
      return done(reply, `/sites/${id}/theme`, 'site.theme');
    } catch (err) {
      const locale = pageFrame(request, reply, 'sites').locale;
      const refusal = refusalOf(err, locale, listThemePacks().find((p) => p.name === theme)?.settings ?? [], theme);
      if (!refusal) throw err;
      request.log.info({ code: (err as { code?: string }).code, field: refusal.field }, 'console form refused');
      return show(request, reply, id, theme, settings, refusal);
    }
  });

  // A site's own partials: saved after the checks of theme-overrides.ts, or removed (the pack's own renders again).
  fastify.post<SitePost>('/sites/:id/theme/partials', post, async (request, reply) => {
    const { id } = request.params;
    const field = (k: string) => (typeof request.body?.[k] === 'string' ? request.body[k] as string : '');
    const [theme, name, source] = [field('theme'), field('name'), field('source').replace(/\r\n/g, '\n')];
    try {
      await setPartialOverride(await serviceContext(fastify, request), id, { theme, name, source });
      return done(reply, `/sites/${id}/theme?theme=${encodeURIComponent(theme)}&partial=${encodeURIComponent(name)}#partials`, 'site.partial');
    } catch (err) {
      const refusal = refusalOf(err, pageFrame(request, reply, 'sites').locale, []);
      if (!refusal) throw err;
      request.log.info({ code: (err as { code?: string }).code, field: refusal.field }, 'console form refused');
      return show(request, reply, id, theme, undefined, refusal, { name, source });
    }
  });

  fastify.post<SitePost>('/sites/:id/theme/partials/remove', post, async (request, reply) => {
    const { id } = request.params;
    const field = (k: string) => (typeof request.body?.[k] === 'string' ? request.body[k] as string : '');
    const [theme, name] = [field('theme'), field('name')];
    try {
      await removePartialOverride(await serviceContext(fastify, request), id, theme, name);
      return done(reply, `/sites/${id}/theme?theme=${encodeURIComponent(theme)}&partial=${encodeURIComponent(name)}#partials`, 'site.partial_removed');
    } catch (err) {
      const refusal = refusalOf(err, pageFrame(request, reply, 'sites').locale, []);
      if (!refusal) throw err;
      return show(request, reply, id, theme, undefined, refusal, { name });
    }
  });

  fastify.get<{ Params: { id: string }; Querystring: { theme?: string } }>('/sites/:id/theme/preview', { config: SITE_ADMIN, schema: { params: IdParams, querystring: THEME_QUERY } },
    async (request, reply) => {
      const site = await inScope(fastify.db, await adminScope(fastify, request), (trx) => loadSiteHead(trx, request, 'zh-CN', request.params.id));
      return preview(request, reply, request.params.id, request.query.theme ?? site.site.theme, null);
    });

  fastify.post<SitePost>('/sites/:id/theme/preview', post, async (request, reply) => {
    await inScope(fastify.db, await adminScope(fastify, request), (trx) => loadSiteHead(trx, request, 'zh-CN', request.params.id));
    const theme = typeof request.body?.theme === 'string' ? request.body.theme : '';
    return preview(request, reply, request.params.id, theme, postedSettings(request.body));
  });
}
