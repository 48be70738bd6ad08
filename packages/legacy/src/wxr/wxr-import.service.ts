/**
 * WordPress import (issue 7): a WXR export into a site's columns, after Drupal's Migrate — a run
 * names its operator; each item is one transaction (article, revision, publication at its
 * original time, legacy URL entries, ID map row), so an item that fails leaves nothing behind and
 * the run goes on; the ID map (legacy key → article, content hash, revision written) makes a
 * re-run add what is new, update what changed and leave alone what an editor has changed since.
 * Bodies go through the content services, hence the sanitiser.
 */
import { invalid } from '@zhanqun/core/errors';
import { isUuid } from '@zhanqun/core/id';
import type { ServiceContext } from '@zhanqun/audit/context';
import { revisionContent, validateContent, type CreateDraftInput } from '@zhanqun/content/article.service';
import { columnAccess } from '@zhanqun/content/column-access';
import type { LegacySiteRow } from '@zhanqun/db/database';
import { inScope } from '@zhanqun/db/scope';
import * as columnRepository from '@zhanqun/tenancy/column.repository';
import { writableSite } from '@zhanqun/tenancy/site-access';
import { createLegacySite, findLegacySiteByCode } from '../legacy-site.service.js';
import { WxrUnreadableError } from '../legacy.errors.js';
import { importItem } from '../import-item.js';
import { beginRun, finishRun, guardRun } from '../import-run.service.js';
import { loadLinkTargets, rewriteBody, rewriteLegacyLinks } from './link-rewrite.js';
import { planItem } from './wxr-map.js';
import { parseWxr } from './wxr-parser.js';

export interface WxrImportInput {
  /** The export's text. */
  wxr: string;
  /** A name for the report (the file's name). */
  sourceName: string;
  /** The column posts go to, and pages (default: the same). */
  columnId: string;
  pageColumnId?: string | null;
  /** The legacy site the old URLs belong to; default one named after the export's host (made if missing). */
  legacyCode?: string | null;
  /** Replace articles edited on the platform since they were imported. */
  overwrite?: boolean;
  /** Import every item as a draft for review, published ones too. */
  asDrafts?: boolean;
  /** Called after each item (a progress display). */
  onProgress?: (done: number, total: number) => void;
}

export interface ItemOutcome { index: number; line: number; key: string; title: string; reason: string }

export interface ImportReport {
  source: string;
  legacySite: string;
  createdLegacySite: boolean;
  /** The interrupted run this one resumes: what that run wrote counts as unchanged (or updated). */
  resumes: string | null;
  found: number;
  imported: number;
  updated: number;
  unchanged: number;
  drafts: number;
  urlEntries: number;
  skipped: ItemOutcome[];
  failed: ItemOutcome[];
  notes: ItemOutcome[];
  /** Links to the old site rewritten to the new URLs, in how many articles. */
  linksRewritten: number;
  articlesRelinked: number;
  /** Links to the old site that lead to no imported page (broken after import). */
  brokenLinks: { articleId: string; title: string; url: string }[];
  /** Items imported before that this export no longer has (reported; nothing is deleted). */
  missingAtSource: string[];
  /** Wall time of the item loop and of the link pass (ms). */
  timings: { itemsMs: number; linksMs: number };
}

/** WordPress' query-string permalinks (`?p=12`, `?page_id=3`) are significant. */
const WP_QUERY_PARAMS = ['p', 'page_id'];

/** Import a WXR export into a site (site.manage and content.edit on its columns). Returns the run and its report. */
export async function importWxr(ctx: ServiceContext, siteId: string, input: WxrImportInput): Promise<{ runId: string; report: ImportReport }> {
  return guardRun(ctx, siteId, (runId) => runWxr(ctx, siteId, input, runId));
}

async function runWxr(ctx: ServiceContext, siteId: string, input: WxrImportInput, runId: string): Promise<{ runId: string; report: ImportReport }> {
  const doc = parseWxr(input.wxr);
  if (doc.fatal) throw new WxrUnreadableError(doc.errors.map((e) => `line ${e.line}: ${e.message}`).join('; '));
  // The blog's own host (a multisite export's base_site_url is the network's), then its permalinks' hosts.
  const linkHosts = doc.items.map((i) => hostOf(i.link)).filter((h): h is string => h !== null);
  const host = hostOf(doc.baseBlogUrl) ?? hostOf(doc.baseSiteUrl) ?? linkHosts[0] ?? null;
  const hosts = [...new Set([host, ...linkHosts].filter((h): h is string => h !== null && /^[a-z0-9.-]+$/.test(h)))].slice(0, 10);
  // Without a code, the legacy site is named after the export's host (or plain "wordpress").
  const code = input.legacyCode ?? ((host ? host.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63) : '') || 'wordpress');
  const { legacy, created } = await legacySiteFor(ctx, siteId, code, hosts, doc.title);
  const report: ImportReport = {
    source: input.sourceName, legacySite: legacy.code, createdLegacySite: created, resumes: null, found: doc.items.length, imported: 0, updated: 0,
    unchanged: 0, drafts: 0, urlEntries: 0, skipped: [], failed: [], notes: [], linksRewritten: 0, articlesRelinked: 0, brokenLinks: [],
    missingAtSource: [], timings: { itemsMs: 0, linksMs: 0 },
  };
  await inScope(ctx.db, ctx.scope, async (trx) => {
    const site = await writableSite(trx, ctx, siteId);
    for (const [field, id] of [['columnId', input.columnId], ['pageColumnId', input.pageColumnId ?? input.columnId]] as const) {
      if (!isUuid(id) || !(await columnRepository.findById(trx, siteId, id))) throw invalid(field, `column ${id} is not a column of site ${site.code}`);
      // Refused here, once, rather than for every item: the account must be able to write there.
      await columnAccess(trx, ctx, siteId, id, 'content.edit');
    }
    ({ resumes: report.resumes } = await beginRun(trx, ctx, siteId, { id: runId, legacySiteId: legacy.id, sourceKind: 'wxr', sourceName: input.sourceName }));
  });
  for (const e of doc.errors) report.failed.push({ index: 0, line: e.line, key: '', title: '', reason: e.message });
  const authors = new Map(doc.authors.map((a) => [a.login, a]));
  // The ID map read once: an item whose hash is unchanged costs no sanitising and no transaction.
  const known = new Map((await inScope(ctx.db, ctx.scope, (trx) => trx.selectFrom('legacy_item').select(['legacy_key', 'content_hash'])
    .where('site_id', '=', siteId).where('legacy_site_id', '=', legacy.id).execute())).map((r) => [r.legacy_key, r.content_hash]));
  const seen = new Set<string>();
  // Links to pages imported before (this run or an earlier one) are rewritten as each item is written.
  const links = await inScope(ctx.db, ctx.scope, (trx) => loadLinkTargets(trx, siteId, legacy));
  const started = performance.now();
  for (const item of doc.items) {
    input.onProgress?.(item.index - 1, doc.items.length);
    const plan = planItem(item, authors);
    const base = { index: item.index, line: item.line, key: plan.key, title: item.title.trim() };
    if (plan.action === 'skip') { report.skipped.push({ ...base, reason: plan.reason }); continue; }
    if (plan.action === 'fail') { report.failed.push({ ...base, reason: plan.reason }); continue; }
    if (seen.has(plan.key)) { report.failed.push({ ...base, reason: `${plan.key} appears twice in the export` }); continue; }
    seen.add(plan.key);
    if (known.get(plan.key) === (input.asDrafts ? `${plan.hash}:draft` : plan.hash)) { report.unchanged += 1; continue; }
    try {
      const draft: CreateDraftInput = {
        columnId: plan.article.kind === 'page' ? input.pageColumnId ?? input.columnId : input.columnId,
        title: plan.article.title, bodyHtml: plan.article.bodyHtml, summary: plan.article.summary, author: plan.article.author, tags: plan.article.tags,
      };
      validateContent(draft);
      const content = revisionContent(draft); // the platform's sanitiser, as for every save; outside the transaction
      const relinked = rewriteBody(content.body_html, links);
      content.body_html = relinked.body;
      const toImport = {
        key: plan.key, hash: input.asDrafts ? `${plan.hash}:draft` : plan.hash, publish: plan.publish && !input.asDrafts,
        publishedAt: plan.article.publishedAt, legacyUrl: item.link, legacyUrls: plan.legacyUrls,
      };
      const outcome = await inScope(ctx.db, ctx.scope, (trx) => importItem(trx, ctx, siteId, legacy, runId, toImport, draft, content, input.overwrite ?? false));
      for (const key of outcome.keys) {
        links.known.add(key);
        if (outcome.url) links.live.set(key, outcome.url);
      }
      if (outcome.result !== 'skipped' && outcome.result !== 'unchanged' && relinked.rewritten) {
        report.linksRewritten += relinked.rewritten;
        report.articlesRelinked += 1;
      }
      if (outcome.result === 'skipped') report.skipped.push({ ...base, reason: outcome.reason });
      else report[outcome.result] += 1;
      if (outcome.result !== 'skipped' && !toImport.publish && outcome.result !== 'unchanged') report.drafts += 1;
      report.urlEntries += outcome.entries;
      for (const note of [plan.note, ...outcome.notes]) if (note) report.notes.push({ ...base, reason: note });
    } catch (err) {
      report.failed.push({ ...base, reason: (err as Error).message });
    }
  }
  input.onProgress?.(doc.items.length, doc.items.length);
  report.timings.itemsMs = Math.round(performance.now() - started);
  report.missingAtSource = [...known.keys()].filter((k) => k.startsWith('post:') && !seen.has(k));
  const linksStarted = performance.now();
  const after = await rewriteLegacyLinks(ctx, siteId, legacy);
  report.timings.linksMs = Math.round(performance.now() - linksStarted);
  report.linksRewritten += after.rewritten;
  report.articlesRelinked += after.articles;
  report.brokenLinks = after.broken;
  await finishRun(ctx, siteId, runId, report, {
    source: input.sourceName, legacySite: legacy.code, resumes: report.resumes, found: report.found, imported: report.imported, updated: report.updated,
    unchanged: report.unchanged, skipped: report.skipped.length, failed: report.failed.length,
  });
  return { runId, report };
}

async function legacySiteFor(ctx: ServiceContext, siteId: string, code: string, hosts: string[], title: string | null): Promise<{ legacy: LegacySiteRow; created: boolean }> {
  const existing = await inScope(ctx.db, ctx.scope, async (trx) => {
    await writableSite(trx, ctx, siteId);
    return findLegacySiteByCode(trx, siteId, code);
  });
  if (existing) return { legacy: existing, created: false };
  const legacy = await createLegacySite(ctx, siteId, { code, name: title?.trim().slice(0, 200) || hosts[0] || code, hosts, queryParams: WP_QUERY_PARAMS });
  return { legacy, created: true };
}

function hostOf(url: string | null): string | null {
  if (!url) return null;
  try {
    return new URL(url).hostname.toLowerCase() || null;
  } catch {
    return null;
  }
}
