/**
 * Legacy URL entries (旧网址): every legacy URL's new home, as rows of url_path under the URL's
 * canonical key — `legacy` (301 to its new URL), `gone` (410, with an optional archive link and
 * suggested page) or `awaiting` (the new page is known but not published). Mappings come in as
 * Transition's CSV (`Old Url,New Url,Status[,Suggested Link,Archive Link]`, status 301, 410 or
 * 418 for awaiting content), all or nothing, or from importers (WXR) one by one.
 */
import { sql } from 'kysely';
import { invalid } from '@zhanqun/core/errors';
import { newId } from '@zhanqun/core/id';
import { writeAudit } from '@zhanqun/audit/audit.writer';
import type { ServiceContext } from '@zhanqun/audit/context';
import type { LegacySiteRow } from '@zhanqun/db/database';
import { inScope, type Db, type Tx } from '@zhanqun/db/scope';
import { parse } from 'csv-parse/sync';
import { chunks, sortErrors, type ImportError } from '@zhanqun/tenancy/csv-import';
import { writableSite } from '@zhanqun/tenancy/site-access';
import { canonicalKeyOfUrl, InvalidLegacyUrlError } from './canonical-url.js';
import { isAllowedTarget } from './legacy-rules.js';
import { findLegacySiteByCode, legacyConfig } from './legacy-site.service.js';
import { LegacySiteNotFoundError } from './legacy.errors.js';

export type LegacyEntryKind = 'legacy' | 'gone' | 'awaiting';

export interface LegacyEntryInput {
  /** The legacy URL as found (absolute, on one of the legacy site's hosts). */
  legacyUrl: string;
  kind: LegacyEntryKind;
  /** Where a 301 goes (a path of this site or an allowed URL), or the awaited page. */
  target?: string | null;
  /** The article a 301 or awaiting entry stands for: it answers with the article's current URL once live. */
  articleId?: string | null;
  archiveUrl?: string | null;
  suggestedUrl?: string | null;
}

export interface EntryImportResult {
  inserted: number;
  updated: number;
  unchanged: number;
  errors: ImportError[];
}

const CSV_COLUMNS = ['old url', 'new url', 'status', 'suggested link', 'archive link'] as const;
const STATUS_KIND: Record<string, LegacyEntryKind> = { 301: 'legacy', 410: 'gone', 418: 'awaiting' };

interface Prepared { key: string; legacyUrl: string; kind: LegacyEntryKind; target: string | null; articleId: string | null; archiveUrl: string | null; suggestedUrl: string | null }

/** Check an entry against its legacy site and give its url_path key; errors name the field. */
export function prepareEntry(legacy: LegacySiteRow, siteHosts: readonly string[], input: LegacyEntryInput): Prepared {
  let canonical: { host: string; key: string };
  try {
    canonical = canonicalKeyOfUrl(input.legacyUrl, legacy.query_params);
  } catch (err) {
    if (err instanceof InvalidLegacyUrlError) throw invalid('legacyUrl', err.message);
    throw err;
  }
  const target = input.target?.trim() || null;
  const config = legacyConfig(legacy);
  const allowed = { ...config, allowedTargetHosts: [...config.allowedTargetHosts, ...siteHosts] };
  if (input.kind === 'legacy' && !target && !input.articleId) throw invalid('target', 'a 301 entry needs its new URL');
  if (input.kind === 'awaiting' && !target && !input.articleId) throw invalid('target', 'an awaiting entry needs the URL it waits for');
  if (target && input.kind !== 'gone' && !isAllowedTarget(target, allowed)) throw invalid('target', `${target} is neither a path of this site nor on an allowed host`);
  for (const field of ['archiveUrl', 'suggestedUrl'] as const) {
    const v = input[field];
    if (v && !/^https?:\/\/\S+$/.test(v)) throw invalid(field, 'must be an http(s) address');
  }
  return {
    key: canonical.key, legacyUrl: input.legacyUrl.trim(), kind: input.kind, target: input.kind === 'gone' ? null : target,
    articleId: input.articleId ?? null, archiveUrl: input.archiveUrl || null, suggestedUrl: input.suggestedUrl || null,
  };
}

/**
 * Write entries of one legacy site: new keys are inserted, the site's own legacy entries under the
 * same key updated; a key the platform already uses for its own page is refused (live first).
 * Returns the url_path id of each entry, in order.
 */
export async function upsertEntries(trx: Tx, siteId: string, legacySiteId: string, entries: readonly Prepared[]): Promise<{ ids: string[]; inserted: number; updated: number; unchanged: number; taken: string[] }> {
  const ids: string[] = [];
  let inserted = 0, updated = 0, unchanged = 0;
  const taken: string[] = [];
  for (const part of chunks(entries, 500)) {
    const existing = await trx.selectFrom('url_path').select(['id', 'path', 'kind', 'target', 'article_id', 'legacy_site_id', 'archive_url', 'suggested_url'])
      .where('site_id', '=', siteId).where('path', 'in', part.map((e) => e.key)).execute();
    const byPath = new Map(existing.map((r) => [r.path, r]));
    const fresh = [];
    for (const e of part) {
      const row = byPath.get(e.key);
      if (!row) {
        const id = newId();
        fresh.push({ id, site_id: siteId, path: e.key, kind: e.kind, article_id: e.articleId, column_id: null, target: e.target,
          last_hit_at: null, legacy_site_id: legacySiteId, legacy_url: e.legacyUrl, archive_url: e.archiveUrl, suggested_url: e.suggestedUrl });
        byPath.set(e.key, { id, path: e.key, kind: e.kind, target: e.target, article_id: e.articleId, legacy_site_id: legacySiteId, archive_url: e.archiveUrl, suggested_url: e.suggestedUrl });
        ids.push(id);
        inserted++;
        continue;
      }
      ids.push(row.id);
      if (row.legacy_site_id !== legacySiteId) { taken.push(e.legacyUrl); continue; }
      if (row.kind === e.kind && row.target === e.target && row.article_id === e.articleId && row.archive_url === e.archiveUrl && row.suggested_url === e.suggestedUrl) {
        unchanged++;
        continue;
      }
      await trx.updateTable('url_path').set({ kind: e.kind, target: e.target, article_id: e.articleId, archive_url: e.archiveUrl, suggested_url: e.suggestedUrl })
        .where('site_id', '=', siteId).where('id', '=', row.id).execute();
      Object.assign(row, { kind: e.kind, target: e.target, article_id: e.articleId, archive_url: e.archiveUrl, suggested_url: e.suggestedUrl });
      updated++;
    }
    if (fresh.length) await trx.insertInto('url_path').values(fresh).execute();
  }
  return { ids, inserted, updated, unchanged, taken };
}

/** The hosts a site answers on (targets on them are always allowed). */
export async function siteHosts(db: Db, siteId: string): Promise<string[]> {
  const rows = await db.selectFrom('site_domain').select('host').where('site_id', '=', siteId).execute();
  return rows.map((r) => r.host);
}

/** Import a Transition mapping CSV into a legacy site's entries: all rows or none (site.manage). */
export async function importEntriesCsv(ctx: ServiceContext, siteId: string, legacyCode: string, csv: string): Promise<EntryImportResult> {
  const parsed = parseMappingCsv(csv);
  if (parsed.fatal) return { inserted: 0, updated: 0, unchanged: 0, errors: parsed.errors };
  return inScope(ctx.db, ctx.scope, async (trx) => {
    const site = await writableSite(trx, ctx, siteId);
    const legacy = await findLegacySiteByCode(trx, siteId, legacyCode);
    if (!legacy) throw new LegacySiteNotFoundError(legacyCode, site.code);
    const hosts = await siteHosts(trx, siteId);
    const errors: ImportError[] = [...parsed.errors];
    const prepared = new Map<string, Prepared & { line: number }>();
    for (const { line, values: v } of parsed.records) {
      const kind = STATUS_KIND[v['status'] ?? ''];
      if (!kind) { errors.push({ line, field: 'status', message: `"${v['status']}" is not 301, 410 or 418` }); continue; }
      let entry: Prepared;
      try {
        entry = prepareEntry(legacy, hosts, { legacyUrl: v['old url'] ?? '', kind, target: v['new url'] || null, archiveUrl: v['archive link'] || null, suggestedUrl: v['suggested link'] || null });
      } catch (err) {
        const field = (err as { field?: string }).field === 'legacyUrl' ? 'old url' : (err as { field?: string }).field === 'target' ? 'new url' : 'csv';
        errors.push({ line, field, message: (err as Error).message.replace(/^[a-zA-Z]+: /, '') });
        continue;
      }
      // Two spellings of one URL (case, trailing slash) meet under one key: fine if they agree.
      const seen = prepared.get(entry.key);
      if (seen && (seen.kind !== entry.kind || seen.target !== entry.target)) {
        errors.push({ line, field: 'old url', message: `canonicalises to ${entry.key} as line ${seen.line} does, with a different answer` });
        continue;
      }
      if (!seen) prepared.set(entry.key, { ...entry, line });
    }
    if (errors.length) return { inserted: 0, updated: 0, unchanged: 0, errors: sortErrors(errors) };
    const rows = [...prepared.values()];
    const result = await upsertEntries(trx, siteId, legacy.id, rows);
    if (result.taken.length) {
      const lines = new Map(rows.map((r) => [r.legacyUrl, r.line]));
      // Nothing is written: the transaction rolls back with the error list.
      throw Object.assign(new Error('taken'), { importErrors: result.taken.map((u) => ({ line: lines.get(u) ?? 0, field: 'old url', message: `${u} is a path of the platform's own pages (live first)` })) });
    }
    await writeAudit(trx, ctx.clock, ctx.actor, {
      platformId: site.platform_id, siteId, action: 'legacy_url.import', objectType: 'legacy_site', objectId: legacy.id,
      after: { inserted: result.inserted, updated: result.updated, unchanged: result.unchanged },
    });
    return { inserted: result.inserted, updated: result.updated, unchanged: result.unchanged, errors: [] };
  }).catch((err: unknown) => {
    const importErrors = (err as { importErrors?: ImportError[] }).importErrors;
    if (importErrors) return { inserted: 0, updated: 0, unchanged: 0, errors: sortErrors(importErrors) };
    throw err;
  });
}

/**
 * Transition's mapping CSV: a header naming the columns (any order, case-insensitive); the
 * optional trailing columns may be left off a row, as the real files do.
 */
export function parseMappingCsv(text: string): { records: { line: number; values: Record<string, string> }[]; errors: ImportError[]; fatal: boolean } {
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parse(text.replace(/\r\n?/g, '\n'), { bom: true, info: true, relax_column_count: true, skip_empty_lines: true }) as unknown as typeof rows;
  } catch (err) {
    return { records: [], errors: [{ line: (err as { lines?: number }).lines ?? 1, field: 'csv', message: `the file is not valid CSV: ${(err as Error).message}` }], fatal: true };
  }
  const [head, ...body] = rows;
  if (!head) return { records: [], errors: [{ line: 1, field: 'csv', message: 'the file is empty: a header row is needed' }], fatal: true };
  const header = head.record.map((h) => h.trim().toLowerCase());
  const errors: ImportError[] = [];
  header.forEach((name) => { if (!(CSV_COLUMNS as readonly string[]).includes(name)) errors.push({ line: 1, field: name, message: `unknown column; the columns are ${CSV_COLUMNS.join(', ')}` }); });
  for (const name of ['old url', 'status']) if (!header.includes(name)) errors.push({ line: 1, field: name, message: 'required column is missing from the header' });
  if (errors.length) return { records: [], errors, fatal: true };
  const records = [];
  for (const row of body) {
    if (row.record.length > header.length) {
      errors.push({ line: row.info.lines, field: 'csv', message: `has ${row.record.length} fields, the header has ${header.length}` });
      continue;
    }
    records.push({ line: row.info.lines, values: Object.fromEntries(header.map((name, i) => [name, (row.record[i] ?? '').trim()])) });
  }
  return { records, errors, fatal: false };
}

export interface LegacyEntryView {
  id: string;
  path: string;
  kind: string;
  target: string | null;
  legacyUrl: string | null;
  hits: number;
  lastHitAt: Date | null;
}

/** A legacy site's entries with their hit counts, most hit first (what still arrives after cut-over). */
export async function listEntries(db: Db, siteId: string, legacySiteId: string, limit = 100): Promise<LegacyEntryView[]> {
  const rows = await db.selectFrom('url_path').select(['id', 'path', 'kind', 'target', 'legacy_url', 'hits', 'last_hit_at'])
    .where('site_id', '=', siteId).where('legacy_site_id', '=', legacySiteId)
    .orderBy('hits', 'desc').orderBy('path').limit(limit).execute();
  return rows.map((r) => ({ id: r.id, path: r.path, kind: r.kind, target: r.target, legacyUrl: r.legacy_url, hits: Number(r.hits), lastHitAt: r.last_hit_at }));
}

/** Count of a legacy site's entries by kind. */
export async function countEntries(db: Db, siteId: string, legacySiteId: string): Promise<Record<string, number>> {
  const rows = await db.selectFrom('url_path').select(['kind', sql<string>`count(*)`.as('n')])
    .where('site_id', '=', siteId).where('legacy_site_id', '=', legacySiteId).groupBy('kind').execute();
  return Object.fromEntries(rows.map((r) => [r.kind, Number(r.n)]));
}
