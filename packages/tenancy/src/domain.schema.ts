import Type, { type Static } from 'typebox';
import type { SiteDomainRow } from '@zhanqun/db/database';
import { Timestamp, Uuid } from './site.schema.js';

// API DTOs of a site's hosts (domains), in camelCase.

export const DomainRoleSchema = Type.Union([Type.Literal('primary'), Type.Literal('alias'), Type.Literal('legacy')], {
  description: 'primary answers; alias answers 301 to the primary; legacy keeps a migrated site\'s old URLs',
});

export const DomainSchema = Type.Object({
  id: Uuid,
  siteId: Uuid,
  host: Type.String({ description: 'Normalised: lower case, no port, IDN as punycode' }),
  pathPrefix: Type.String({ description: '`/` for the site\'s own hosts; a sub-site\'s mount on its parent\'s host (`/cgz/`)' }),
  role: DomainRoleSchema,
  createdAt: Timestamp,
});
export type Domain = Static<typeof DomainSchema>;

export function toDomain(row: SiteDomainRow): Domain {
  return { id: row.id, siteId: row.site_id, host: row.host, pathPrefix: row.path_prefix, role: row.role, createdAt: new Date(row.created_at).toISOString() };
}

export const DomainListSchema = Type.Object({ domains: Type.Array(DomainSchema) });
export type DomainList = Static<typeof DomainListSchema>;

export const AddDomainSchema = Type.Object({
  host: Type.String({ maxLength: 253 }),
  role: Type.Optional(Type.Union([Type.Literal('primary'), Type.Literal('alias'), Type.Literal('legacy')], { default: 'alias' })),
}, { additionalProperties: false });
export type AddDomain = Static<typeof AddDomainSchema>;

export const DomainParamsSchema = Type.Object({ id: Uuid, domainId: Uuid });
export type DomainParams = Static<typeof DomainParamsSchema>;
