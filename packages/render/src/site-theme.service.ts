/**
 * A site's theme (主题): which pack it wears and its values for that pack's settings. The pack
 * must pass the validator with no fatal finding; the values are checked against the pack's own
 * vocabulary (theme-settings.ts). One transaction holds the permission check, the change and its
 * audit entry; the site's cached pages go by the database's NOTIFY (migration 110000).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeAudit } from '@zhanqun/audit/audit.writer';
import type { ServiceContext } from '@zhanqun/audit/context';
import { createError, invalid, withField } from '@zhanqun/core/errors';
import { inScope, type Db } from '@zhanqun/db/scope';
import * as columnRepository from '@zhanqun/tenancy/column.repository';
import { writableSite } from '@zhanqun/tenancy/site-access';
import { checkThemeSync, formatFinding, type Finding } from './theme-check.js';
import { checkPartialOverride, OVERRIDE_MAX } from './theme-overrides.js';
import { resolveSettings, settingDefsOf, validateSettings, type SettingDef, type SettingValues } from './theme-settings.js';
import { THEMES_DIR } from './theme.js';

const THEME_NAME = /^[a-z0-9][a-z0-9-]*$/;

/** Activation refused: the pack has fatal findings, each `file:line  ZQ-T0nn  message`. */
export const ThemeRefusedError = createError<[string, string]>('ZQ_RENDER_THEME_REFUSED', 'Theme %s cannot be activated: %s', 400);

export interface ThemePack {
  name: string;
  title: string;
  description: string;
  settings: SettingDef[];
  /** Fatal findings of the validator: a pack with any cannot be activated. */
  fatal: Finding[];
}

/** The packs installed under `themesDir`, each with its settings and whether the validator refuses it. */
export function listThemePacks(themesDir = THEMES_DIR): ThemePack[] {
  if (!existsSync(themesDir)) return [];
  return readdirSync(themesDir, { withFileTypes: true }).filter((d) => d.isDirectory() && THEME_NAME.test(d.name)).map((d) => packOf(d.name, themesDir))
    .sort((a, b) => (a.name === 'default' ? -1 : b.name === 'default' ? 1 : a.name.localeCompare(b.name)));
}

function packOf(name: string, themesDir: string): ThemePack {
  const dir = join(themesDir, name);
  let meta: { title?: unknown; description?: unknown } = {};
  try {
    meta = JSON.parse(readFileSync(join(dir, 'theme.json'), 'utf8')) as typeof meta;
  } catch {
    // The validator reports it (ZQ-T004).
  }
  return {
    name, title: typeof meta.title === 'string' ? meta.title : name, description: typeof meta.description === 'string' ? meta.description : '',
    settings: settingDefsOf(dir), fatal: checkThemeSync(dir).findings.filter((f) => f.severity === 'fatal'),
  };
}

/** What a site stored for a pack (only its own values), or null. */
export async function findStoredSettings(db: Db, siteId: string, theme: string): Promise<Record<string, unknown> | null> {
  const row = await db.selectFrom('site_theme_setting').select('settings').where('site_id', '=', siteId).where('theme', '=', theme).executeTakeFirst();
  return row?.settings ?? null;
}

/** A site's merged values for a pack: the pack's defaults and what the site stored. */
export async function siteSettings(db: Db, siteId: string, theme: string, themesDir = THEMES_DIR): Promise<SettingValues> {
  return resolveSettings(settingDefsOf(join(themesDir, theme)), await findStoredSettings(db, siteId, theme));
}

export interface SetSiteThemeInput {
  theme: string;
  /** Values by setting key; keys left out keep the pack's default. */
  settings: Record<string, unknown>;
}

/** The pack named `theme`, if it may be activated; else a validation error (no such pack) or ThemeRefusedError with its findings. */
export function activatablePack(theme: string, themesDir = THEMES_DIR): ThemePack {
  if (!THEME_NAME.test(theme) || !existsSync(join(themesDir, theme, 'theme.json'))) throw invalid('theme', `${theme} is not an installed theme pack`);
  const pack = packOf(theme, themesDir);
  if (pack.fatal.length) {
    throw Object.assign(withField(new ThemeRefusedError(theme, pack.fatal.map(formatFinding).join('; ')), 'theme'), { findings: pack.fatal });
  }
  return pack;
}

/** Check values for a site without saving them (the console's preview): the open column paths of the site are what a column-list may name. */
export async function checkSiteSettings(db: Db, siteId: string, pack: ThemePack, settings: Record<string, unknown>): Promise<SettingValues> {
  const columns = await columnRepository.findAll(db, siteId);
  const open = new Set(columns.filter((c) => c.status === 'open').map((c) => c.path));
  const values = validateSettings(pack.name, pack.settings, settings, open);
  // An image from the site's files must be one of its image attachments (it is then served with the site's pages).
  for (const def of pack.settings.filter((d) => d.type === 'image')) {
    const id = /^\/_files\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\//.exec(String(values[def.key] ?? ''))?.[1];
    if (String(values[def.key] ?? '').startsWith('/_files/') && !id) throw invalid(`settings.${def.key}`, 'must be /_files/<attachment id>/<name> for an image attachment of this site');
    if (!id) continue;
    const file = await db.selectFrom('attachment').select('media_type').where('site_id', '=', siteId).where('id', '=', id).executeTakeFirst();
    if (!file?.media_type.startsWith('image/')) throw invalid(`settings.${def.key}`, 'must be /_files/<attachment id>/<name> for an image attachment of this site');
  }
  return values;
}

/** Choose a site's pack and its settings (site admins, their own sites). */
export async function setSiteTheme(ctx: ServiceContext, siteId: string, input: SetSiteThemeInput, themesDir = THEMES_DIR): Promise<SettingValues> {
  const pack = activatablePack(input.theme, themesDir);
  return inScope(ctx.db, ctx.scope, async (trx) => {
    const site = await writableSite(trx, ctx, siteId);
    const values = await checkSiteSettings(trx, siteId, pack, input.settings);
    const before = { theme: site.theme, settings: await findStoredSettings(trx, siteId, pack.name) };
    const now = ctx.clock.now();
    await trx.insertInto('site_theme_setting')
      .values({ site_id: siteId, theme: pack.name, settings: JSON.stringify(values) as never, updated_by: ctx.actor.userId, updated_at: now })
      .onConflict((oc) => oc.columns(['site_id', 'theme']).doUpdateSet({ settings: JSON.stringify(values) as never, updated_by: ctx.actor.userId, updated_at: now }))
      .execute();
    if (site.theme !== pack.name) {
      await trx.updateTable('site').set({ theme: pack.name, updated_at: now }).where('id', '=', siteId).execute();
    }
    await writeAudit(trx, ctx.clock, ctx.actor, {
      platformId: site.platform_id, siteId, action: 'site.theme', objectType: 'site', objectId: siteId,
      before, after: { theme: pack.name, settings: values },
    });
    return resolveSettings(pack.settings, values);
  });
}

/** A site's partial the checks refuse: its fatal findings, each `partials/<name>.hbs:line  ZQ-T0nn  message`. */
export const PartialRefusedError = createError<[string, string]>('ZQ_RENDER_PARTIAL_REFUSED', 'Partial %s cannot be saved: %s', 400);

/** A site's own partials for a pack, by name. */
export function listPartialOverrides(db: Db, siteId: string, theme: string): Promise<{ name: string; source: string; updated_at: Date }[]> {
  return db.selectFrom('site_partial_override').select(['name', 'source', 'updated_at']).where('site_id', '=', siteId).where('theme', '=', theme)
    .orderBy('name').execute();
}

export interface PartialOverrideInput { theme: string; name: string; source: string }

/**
 * Save a site's own version of one partial of a pack (site admins, their own sites). It must pass
 * the pack's template checks and the stricter ones of theme-overrides.ts: no triple-stash, raw
 * blocks, script, inline handlers or styles, embeds or outside resources.
 */
export async function setPartialOverride(ctx: ServiceContext, siteId: string, input: PartialOverrideInput, themesDir = THEMES_DIR): Promise<void> {
  const pack = activatablePack(input.theme, themesDir);
  if (typeof input.source !== 'string' || !input.source.trim()) throw invalid('source', 'must not be empty');
  if (input.source.length > OVERRIDE_MAX) throw invalid('source', `must be at most ${OVERRIDE_MAX} characters`);
  const fatal = checkPartialOverride(join(themesDir, pack.name), input.name, input.source).filter((f) => f.severity === 'fatal');
  if (fatal.length) {
    throw Object.assign(withField(new PartialRefusedError(input.name, fatal.map(formatFinding).join('; ')), 'source'), { findings: fatal });
  }
  await inScope(ctx.db, ctx.scope, async (trx) => {
    const site = await writableSite(trx, ctx, siteId);
    const before = await trx.selectFrom('site_partial_override').select('source').where('site_id', '=', siteId).where('theme', '=', pack.name)
      .where('name', '=', input.name).executeTakeFirst();
    const now = ctx.clock.now();
    await trx.insertInto('site_partial_override')
      .values({ site_id: siteId, theme: pack.name, name: input.name, source: input.source, updated_by: ctx.actor.userId, updated_at: now })
      .onConflict((oc) => oc.columns(['site_id', 'theme', 'name']).doUpdateSet({ source: input.source, updated_by: ctx.actor.userId, updated_at: now }))
      .execute();
    await writeAudit(trx, ctx.clock, ctx.actor, {
      platformId: site.platform_id, siteId, action: 'site.theme.partial', objectType: 'site', objectId: siteId,
      before: before ? { theme: pack.name, name: input.name, source: before.source } : null, after: { theme: pack.name, name: input.name, source: input.source },
    });
  });
}

/** Drop a site's own version of a partial: the pack's own renders again. */
export async function removePartialOverride(ctx: ServiceContext, siteId: string, theme: string, name: string): Promise<void> {
  await inScope(ctx.db, ctx.scope, async (trx) => {
    const site = await writableSite(trx, ctx, siteId);
    const removed = await trx.deleteFrom('site_partial_override').where('site_id', '=', siteId).where('theme', '=', theme).where('name', '=', name)
      .returning('source').executeTakeFirst();
    if (!removed) throw invalid('name', `${name} has no override of this site in theme ${theme}`);
    await writeAudit(trx, ctx.clock, ctx.actor, {
      platformId: site.platform_id, siteId, action: 'site.theme.partial.remove', objectType: 'site', objectId: siteId,
      before: { theme, name, source: removed.source }, after: null,
    });
  });
}
