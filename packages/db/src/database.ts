import type { AppUserTable } from './tables/app-user.table.js';
import type { ArticlePlacementTable } from './tables/article-placement.table.js';
import type { ArticleRevisionTable } from './tables/article-revision.table.js';
import type { ArticleTable } from './tables/article.table.js';
import type { AuditChainHeadTable, AuditLogEntryTable } from './tables/audit-log-entry.table.js';
import type { OrgUnitNameHistoryTable, OrgUnitTable } from './tables/org-unit.table.js';
import type { PlatformTable } from './tables/platform.table.js';
import type { ApiTokenTable, AuditAnchorTable, RecoveryCodeTable, RoleGrantTable } from './tables/role-grant.table.js';
import type { SessionTable } from './tables/session.table.js';
import type { ColumnTemplateColumnTable, ColumnTemplateTable, SiteColumnTable } from './tables/site-column.table.js';
import type { SiteCounterTable } from './tables/site-counter.table.js';
import type { SiteDomainTable } from './tables/site-domain.table.js';
import type { SiteTable } from './tables/site.table.js';
import type { UrlPathTable } from './tables/url-path.table.js';

/** Every table of the shared schema, typed. Kysely is the only way code talks to the database. */
export interface Database {
  platform: PlatformTable;
  org_unit: OrgUnitTable;
  org_unit_name_history: OrgUnitNameHistoryTable;
  column_template: ColumnTemplateTable;
  column_template_column: ColumnTemplateColumnTable;
  site: SiteTable;
  site_domain: SiteDomainTable;
  site_column: SiteColumnTable;
  site_counter: SiteCounterTable;
  article: ArticleTable;
  article_revision: ArticleRevisionTable;
  article_placement: ArticlePlacementTable;
  url_path: UrlPathTable;
  app_user: AppUserTable;
  session: SessionTable;
  audit_log_entry: AuditLogEntryTable;
  audit_chain_head: AuditChainHeadTable;
  audit_anchor: AuditAnchorTable;
  role_grant: RoleGrantTable;
  recovery_code: RecoveryCodeTable;
  api_token: ApiTokenTable;
}

export type * from './tables/app-user.table.js';
export type * from './tables/article-placement.table.js';
export type * from './tables/article-revision.table.js';
export type * from './tables/article.table.js';
export type * from './tables/audit-log-entry.table.js';
export type * from './tables/org-unit.table.js';
export type * from './tables/platform.table.js';
export type * from './tables/role-grant.table.js';
export type * from './tables/session.table.js';
export type * from './tables/site-column.table.js';
export type * from './tables/site-counter.table.js';
export type * from './tables/site-domain.table.js';
export type * from './tables/site.table.js';
export type * from './tables/url-path.table.js';
