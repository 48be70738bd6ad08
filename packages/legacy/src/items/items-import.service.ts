/**
 * Import from other content systems (issue 7, source 3): the documented JSON items format
 * (README, "Legacy sites"), for any CMS whose export can be turned into it. Each item names its
 * column by path; it becomes an article at its original time with its government-information
 * fields, its old URLs answering for it; retired URLs answer 410. A broken item fails alone with
 * the field at fault, and the run goes on. Written as every importer writes (import-item.ts).
 */
import { createHash } from 'node:crypto';
import { invalid } from '@zhanqun/core/errors';
import { isUuid, newId } from '@zhanqun/core/id';
import type { ServiceContext } from '@zhanqun/audit/context';
import { revisionContent, validateContent, type CreateDraftInput } from '@zhanqun/content/article.service';
import { columnAccess } from '@zhanqun/content/column-access';
import type { LegacySiteRow, Validity } from '@zhanqun/db/database';
import { inScope } from '@zhanqun/db/scope';
import { chunks } from '@zhanqun/tenancy/csv-import';
import * as columnRepository from '@zhanqun/tenancy/column.repository';
import { writableSite } from '@zhanqun/tenancy/site-access';
import { canonicalKeyOfUrl } from '../canonical-url.js';
import { parseChineseDate } from '../extract/chinese-date.js';
import { importItem } from '../import-item.js';
import { beginRun, finishRun, guardRun } from '../import-run.service.js';
import { createLegacySite, findLegacySiteByCode } from '../legacy-site.service.js';
import { prepareEntry, siteHosts, upsertEntries } from '../legacy-url.service.js';
import { loadLinkTargets, rewriteBody, rewriteLegacyLinks } from '../wxr/link-rewrite.js';
import type { ItemOutcome, RunReport } from '../import-run.service.js';

export const ITEMS_FORMAT = 'zhanqun-legacy-items/1';

export interface ItemsImportInput {
  json: string;
  sourceName: string;
  legacyCode?: string | null;
  overwrite?: boolean;
  asDrafts?: boolean;
  /** Called before each item (a progress display). */
  onProgress?: (done: number, total: number) => void;
}

export interface ItemsReport extends RunReport {
  drafts: number;
  retired: number;
}

interface Item {
  key: string; urls: string[]; column: string; title: string; bodyHtml: string; publishedAt: Date; publish: boolean;
  author: string | null; source: string | null; summary: string | null; info: Record<string, unknown>;
}

const VALIDITIES = ['valid', 'amended', 'repealed'];
const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null);

/** Check one item; throws with the field at fault (`items[3].title`). */
function readItem(raw: unknown, i: number, queryParams: readonly string[]): Item {
  const f = (name: string) => `items[${i}].${name}`;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw invalid(`items[${i}]`, 'must be an object');
  const r = raw as Record<string, unknown>;
  const url = str(r['url']);
  if (!url || !/^https?:\/\//i.test(url)) throw invalid(f('url'), 'must be the item\'s old http(s) address');
  const also = Array.isArray(r['also_urls']) ? r['also_urls'] : [];
  if (also.some((u) => typeof u !== 'string' || !/^https?:\/\//i.test(u))) throw invalid(f('also_urls'), 'must list http(s) addresses');
  const column = str(r['column']);
  if (!column || !/^\/([a-z0-9-]+\/)+$/.test(column)) throw invalid(f('column'), 'must be a column path such as /xwdt/tzgg/');
  const title = str(r['title']);
  if (!title) throw invalid(f('title'), 'must not be empty');
  const body = typeof r['body_html'] === 'string' ? r['body_html'] : null;
  if (body === null) throw invalid(f('body_html'), 'must be the body as HTML');
  const when = str(r['published_at']);
  const parsed = when ? (/[zZ]|[+-]\d{2}:?\d{2}$/.test(when) ? new Date(when) : parseChineseDate(when)?.at ?? null) : null;
  if (!parsed || Number.isNaN(parsed.getTime())) throw invalid(f('published_at'), 'must be a time such as 2019-03-05 10:20 (Beijing time) or ISO 8601 with an offset');
  const status = str(r['status']) ?? 'published';
  if (status !== 'published' && status !== 'draft') throw invalid(f('status'), 'must be published or draft');
  const info = (r['info'] && typeof r['info'] === 'object' ? r['info'] : {}) as Record<string, unknown>;
  if (info['validity'] != null && !VALIDITIES.includes(String(info['validity']))) throw invalid(f('info.validity'), `must be one of ${VALIDITIES.join(', ')}`);
  const id = str(r['id']);
  return {
    key: id ? `id:${id}` : canonicalKeyOfUrl(url, queryParams).key, urls: [url, ...(also as string[])], column, title, bodyHtml: body,
    publishedAt: parsed, publish: status === 'published', author: str(r['author']), source: str(r['source']), summary: str(r['summary']), info,
  };
}

/** Import a JSON items file into a site (site.manage, content.edit on the columns it names). */
export async function importItems(ctx: ServiceContext, siteId: string, input: ItemsImportInput): Promise<{ runId: string; report: ItemsReport }> {
  return guardRun(ctx, siteId, (runId) => runItems(ctx, siteId, input, runId));
}

async function runItems(ctx: ServiceContext, siteId: string, input: ItemsImportInput, runId: string): Promise<{ runId: string; report: ItemsReport }> {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(input.json) as Record<string, unknown>;
  } catch (err) {
    throw invalid('file', `is not JSON: ${(err as Error).message}`);
  }
  if (!doc || typeof doc !== 'object' || doc['format'] !== ITEMS_FORMAT) throw invalid('format', `must be "${ITEMS_FORMAT}"`);
  const siteInfo = (doc['site'] ?? {}) as Record<string, unknown>;
  const host = str(siteInfo['host'])?.toLowerCase();
  if (!host) throw invalid('site.host', 'must be the old site\'s host name');
  const items = Array.isArray(doc['items']) ? doc['items'] : null;
  if (!items) throw invalid('items', 'must be a list');
  const queryParams = Array.isArray(siteInfo['query_params']) ? (siteInfo['query_params'] as unknown[]).filter((q): q is string => typeof q === 'string') : [];
  const code = input.legacyCode ?? host.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63);
  const existing = await inScope(ctx.db, ctx.scope, async (trx) => { await writableSite(trx, ctx, siteId); return findLegacySiteByCode(trx, siteId, code); });
  const legacy: LegacySiteRow = existing ?? await createLegacySite(ctx, siteId, { code, name: str(siteInfo['name']) ?? host, hosts: [host], queryParams });
  const { resumes } = await inScope(ctx.db, ctx.scope, (trx) => beginRun(trx, ctx, siteId, { id: runId, legacySiteId: legacy.id, sourceKind: 'json', sourceName: input.sourceName }));
  const report: ItemsReport = {
    source: input.sourceName, legacySite: legacy.code, resumes, found: items.length, imported: 0, updated: 0, unchanged: 0, drafts: 0, retired: 0,
    urlEntries: 0, failed: [], notes: [], linksRewritten: 0, brokenLinks: [],
  };
  const columns = new Map<string, string | Error>();
  const columnOf = async (path: string): Promise<string> => {
    if (!columns.has(path)) {
      columns.set(path, await inScope(ctx.db, ctx.scope, async (trx) => {
        const column = await columnRepository.findByPath(trx, siteId, path);
        if (!column) return new Error(`column: ${path} is not a column of this site`);
        await columnAccess(trx, ctx, siteId, column.id, 'content.edit');
        return column.id;
      }).catch((err: Error) => err));
    }
    const found = columns.get(path)!;
    if (found instanceof Error) throw found;
    return found;
  };
  const known = new Map((await inScope(ctx.db, ctx.scope, (trx) => trx.selectFrom('legacy_item').select(['legacy_key', 'content_hash'])
    .where('site_id', '=', siteId).where('legacy_site_id', '=', legacy.id).execute())).map((r) => [r.legacy_key, r.content_hash]));
  const links = await inScope(ctx.db, ctx.scope, (trx) => loadLinkTargets(trx, siteId, legacy));
  for (const [i, raw] of items.entries()) {
    input.onProgress?.(i, items.length);
    const base = { index: i + 1, line: 0, key: '', title: typeof (raw as { title?: unknown })?.title === 'string' ? (raw as { title: string }).title : '' };
    try {
      const item = readItem(raw, i, legacy.query_params);
      base.key = item.key;
      const publish = item.publish && !input.asDrafts;
      const hash = createHash('sha256').update(JSON.stringify([raw, publish])).digest('hex');
      if (known.get(item.key) === hash) { report.unchanged += 1; continue; }
      const info = item.info;
      const draft: CreateDraftInput = {
        columnId: await columnOf(item.column), title: item.title, bodyHtml: item.bodyHtml, author: item.author, source: item.source, summary: item.summary,
        documentNumber: str(info['document_number']), issuingOrgan: str(info['issuing_organ']), topicCategory: str(info['topic_category']),
        dateWritten: str(info['date_written']), validity: (str(info['validity']) as Validity | null),
      };
      validateContent(draft);
      const content = revisionContent(draft);
      content.body_html = rewriteBody(content.body_html, links).body;
      const outcome = await inScope(ctx.db, ctx.scope, (trx) => importItem(trx, ctx, siteId, legacy, runId,
        { key: item.key, hash, publish, publishedAt: item.publishedAt, legacyUrl: item.urls[0]!, legacyUrls: item.urls }, draft, content, input.overwrite ?? false));
      for (const k of outcome.keys) { links.known.add(k); if (outcome.url) links.live.set(k, outcome.url); }
      if (outcome.result === 'skipped') report.notes.push({ ...base, reason: outcome.reason });
      else report[outcome.result] += 1;
      if (outcome.result === 'imported' && !publish) report.drafts += 1;
      report.urlEntries += outcome.entries;
      for (const note of outcome.notes) report.notes.push({ ...base, reason: note });
    } catch (err) {
      report.failed.push({ ...base, reason: (err as Error).message });
    }
  }
  input.onProgress?.(items.length, items.length);
  report.retired = await writeRetired(ctx, siteId, legacy, runId, doc['retired'], report);
  const after = await rewriteLegacyLinks(ctx, siteId, legacy);
  report.linksRewritten = after.rewritten;
  report.brokenLinks = after.broken;
  await finishRun(ctx, siteId, runId, report, {
    source: report.source, resumes: report.resumes, found: report.found, imported: report.imported, updated: report.updated, failed: report.failed.length,
  });
  return { runId, report };
}

/** Retired URLs: 410, with their archive and suggested links; in the ID map, so a rollback removes them. */
async function writeRetired(ctx: ServiceContext, siteId: string, legacy: LegacySiteRow, runId: string, raw: unknown, report: ItemsReport): Promise<number> {
  if (raw === undefined) return 0;
  const list = Array.isArray(raw) ? raw : [];
  if (!Array.isArray(raw)) report.failed.push({ index: 0, line: 0, key: '', title: '', reason: 'retired: must be a list' });
  return inScope(ctx.db, ctx.scope, async (trx) => {
    const hosts = await siteHosts(trx, siteId);
    const prepared = [];
    for (const [i, r] of list.entries()) {
      const e = (r ?? {}) as Record<string, unknown>;
      try {
        prepared.push(prepareEntry(legacy, hosts, { legacyUrl: str(e['url']) ?? '', kind: 'gone', archiveUrl: str(e['archive_url']), suggestedUrl: str(e['suggested_url']) }));
      } catch (err) {
        report.failed.push({ index: i + 1, line: 0, key: `retired[${i}]`, title: '', reason: (err as Error).message });
      }
    }
    const result = await upsertEntries(trx, siteId, legacy.id, prepared);
    const now = ctx.clock.now();
    const rows = prepared.map((e, i) => ({
      id: newId(), site_id: siteId, legacy_site_id: legacy.id, legacy_key: `url:${e.key}`, legacy_url: e.legacyUrl, article_id: null,
      url_path_id: result.ids[i]!, revision_id: null, content_hash: 'gone', created_run_id: runId, updated_run_id: runId, created_at: now, updated_at: now,
    })).filter((r) => isUuid(r.url_path_id));
    for (const part of chunks(rows, 500)) {
      await trx.insertInto('legacy_item').values(part).onConflict((oc) => oc.columns(['site_id', 'legacy_site_id', 'legacy_key']).doNothing()).execute();
    }
    report.urlEntries += result.inserted + result.updated;
    return prepared.length;
  });
}
