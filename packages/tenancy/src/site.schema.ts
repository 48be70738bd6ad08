import Type, { type Static, type TSchema } from 'typebox';
import type { SiteRow } from '@zhanqun/db/database';
import type { SiteListItem } from './site-query.js';

// API DTOs of sites (网站), in camelCase; the API, the console and the CLI share them.

/** Ids are UUID strings (v7, made by the application). */
export const Uuid = Type.String({ format: 'uuid' });
/** An instant, as an ISO 8601 string in UTC. */
export const Timestamp = Type.String({ format: 'date-time' });
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const iso = (d: Date | null): string | null => (d === null ? null : new Date(d).toISOString());
/** Free text a person types (names, sponsors): bounded, so nobody stores a novel by accident. */
const Text = (maxLength: number) => Type.String({ maxLength });

export const SiteKindSchema = Type.Union([Type.Literal('portal'), Type.Literal('department'), Type.Literal('sub_site')]);
export const SiteStatusSchema = Type.Union([Type.Literal('provisioning'), Type.Literal('live'), Type.Literal('migrating'), Type.Literal('closed')]);

export const SiteSchema = Type.Object({
  id: Uuid,
  platformId: Uuid,
  orgUnitId: Uuid,
  parentSiteId: Nullable(Uuid),
  kind: SiteKindSchema,
  status: SiteStatusSchema,
  code: Type.String({ description: 'Short ASCII code; the dev host is <code>.localhost' }),
  name: Type.String(),
  siteIdCode: Nullable(Type.String({ description: '网站标识码 (site identification code); null on sub-sites' })),
  icpNumber: Nullable(Type.String()),
  psbNumber: Nullable(Type.String({ description: '公安机关备案号' })),
  sponsor: Nullable(Type.String({ description: '主办单位' })),
  contact: Nullable(Type.String()),
  defaultLocale: Type.String(),
  theme: Type.String(),
  locales: Type.Array(Type.String(), { description: 'Foreign-language versions, each under its locale prefix' }),
  closedAt: Nullable(Timestamp),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Site = Static<typeof SiteSchema>;

export function toSite(row: SiteRow): Site {
  return {
    id: row.id, platformId: row.platform_id, orgUnitId: row.org_unit_id, parentSiteId: row.parent_site_id, kind: row.kind,
    status: row.status, code: row.code, name: row.name, siteIdCode: row.site_id_code, icpNumber: row.icp_number,
    psbNumber: row.psb_number, sponsor: row.sponsor, contact: row.contact, defaultLocale: row.default_locale, theme: row.theme,
    locales: row.locales, closedAt: iso(row.closed_at), createdAt: iso(row.created_at)!, updatedAt: iso(row.updated_at)!,
  };
}

export const SiteListItemSchema = Type.Object({
  id: Uuid,
  platformId: Uuid,
  orgUnitId: Uuid,
  orgUnitName: Type.String(),
  parentSiteId: Nullable(Uuid),
  kind: SiteKindSchema,
  status: SiteStatusSchema,
  code: Type.String(),
  name: Type.String(),
  siteIdCode: Nullable(Type.String()),
  host: Nullable(Type.String({ description: 'Primary host' })),
  pathPrefix: Nullable(Type.String({ description: 'Path prefix on the primary host (`/` or a sub-site mount such as `/cgz/`)' })),
});
export type SiteListItemDto = Static<typeof SiteListItemSchema>;

export function toSiteListItem(item: SiteListItem): SiteListItemDto {
  return {
    id: item.id, platformId: item.platform_id, orgUnitId: item.org_unit_id, orgUnitName: item.org_unit_name, parentSiteId: item.parent_site_id,
    kind: item.kind, status: item.status, code: item.code, name: item.name, siteIdCode: item.site_id_code, host: item.host, pathPrefix: item.path_prefix,
  };
}

export const SiteListSchema = Type.Object({ sites: Type.Array(SiteListItemSchema), total: Type.Integer({ minimum: 0 }) });
export type SiteList = Static<typeof SiteListSchema>;

export const SiteListQuerySchema = Type.Object({
  q: Type.Optional(Text(100)),
  kind: Type.Optional(SiteKindSchema),
  status: Type.Optional(SiteStatusSchema),
  orgUnitId: Type.Optional(Uuid),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
});
export type SiteListQuery = Static<typeof SiteListQuerySchema>;

export const CreateSiteSchema = Type.Object({
  orgUnitId: Uuid,
  kind: SiteKindSchema,
  code: Type.String({ maxLength: 40, description: '2–40 lower-case letters, digits or hyphens, starting with a letter' }),
  name: Text(200),
  parentSiteId: Type.Optional(Nullable(Uuid)),
  pathPrefix: Type.Optional(Nullable(Type.String({ maxLength: 42, description: 'For a sub-site: its path prefix on the parent site (`cgz`)' }))),
  siteIdCode: Type.Optional(Nullable(Type.String({ maxLength: 10, description: '6-digit division code + 4 digits, or `bm` + 8 digits' }))),
  icpNumber: Type.Optional(Nullable(Text(100))),
  psbNumber: Type.Optional(Nullable(Text(100))),
  sponsor: Type.Optional(Nullable(Text(200))),
  contact: Type.Optional(Nullable(Text(500))),
  hosts: Type.Optional(Type.Array(Type.String({ maxLength: 253 }), { maxItems: 20, description: 'Primary first, then aliases; default `<code>.<DEV_DOMAIN>`' })),
}, { additionalProperties: false });
export type CreateSite = Static<typeof CreateSiteSchema>;

export const UpdateSiteSchema = Type.Object({
  name: Type.Optional(Text(200)),
  siteIdCode: Type.Optional(Nullable(Type.String({ maxLength: 10 }))),
  icpNumber: Type.Optional(Nullable(Text(100))),
  psbNumber: Type.Optional(Nullable(Text(100))),
  sponsor: Type.Optional(Nullable(Text(200))),
  contact: Type.Optional(Nullable(Text(500))),
  locales: Type.Optional(Type.Array(Type.String({ maxLength: 10 }), { maxItems: 10 })),
}, { additionalProperties: false });
export type UpdateSite = Static<typeof UpdateSiteSchema>;

export const SiteStatusBodySchema = Type.Object({ status: SiteStatusSchema }, { additionalProperties: false });
export type SiteStatusBody = Static<typeof SiteStatusBodySchema>;

export const SiteParamsSchema = Type.Object({ id: Uuid });
export type SiteParams = Static<typeof SiteParamsSchema>;
