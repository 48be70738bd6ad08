/**
 * WordPress import (issue 7): a WXR export into a site's columns, after Drupal's Migrate — a run
 * names its operator; each item is one transaction (article, revision, publication at its
 * original time, legacy URL entries, ID map row), so an item that fails leaves nothing behind and
 * the run goes on; the ID map (legacy key → article, content hash, revision written) makes a
 * re-run add what is new, update what changed and leave alone what an editor has changed since.
 * Bodies go through the content services, hence the sanitiser. With `files`, the attachments and
 * images the posts use are fetched and stored as the site's own (wxr-files.ts), and WordPress'
 * attachment pages lead to them (attachment-pages.ts).
 */
import { statSync } from 'node:fs';
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
import { beginRun, finishRun, guardRun, type ItemOutcome, type RunReport } from '../import-run.service.js';
import { loadStoredFiles, writeFileEntries, type StoredFile } from '../mirror/mirror-files.js';
import { attachmentPages, whyNoFile, writePageEntries } from './attachment-pages.js';
import { httpUrl, loadLinkTargets, rewriteBody, rewriteLegacyLinks } from './link-rewrite.js';
import { filesOfItem, filesTag, itemAttachments, pointAtFiles, storeUploads, uploadMatcher, type FilesReport, type ItemFiles, type WxrFileOptions } from './wxr-files.js';
import { planItem } from './wxr-map.js';
import { parseWxr, type WxrItem } from './wxr-parser.js';

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
  /**
   * Where the attachments and images the posts use go, and where they come from; without it they
   * stay linked to the old site.
   */
  files?: WxrFileOptions;
  /** Called after each item (a progress display). */
  onProgress?: (done: number, total: number) => void;
  /** Called after each file fetched or read. */
  onFileProgress?: (done: number, total: number) => void;
}

export interface ImportReport extends RunReport {
  createdLegacySite: boolean;
  drafts: number;
  skipped: ItemOutcome[];
  /** In how many articles links were rewritten. */
  articlesRelinked: number;
  /** Items imported before that this export no longer has (reported; nothing is deleted). */
  missingAtSource: string[];
  /** Attachments and images (with `files`); a file that could not be stored is a note on each item using it. */
  files: FilesReport | null;
  /** Wall time of the downloads, the item loop and the link pass (ms). */
  timings: { filesMs: number; itemsMs: number; linksMs: number };
}

/** WordPress' query-string permalinks (`?p=12`, `?page_id=3`, an upload's page `?attachment_id=5`) are significant. */
const WP_QUERY_PARAMS = ['p', 'page_id', 'attachment_id'];

/** Import a WXR export into a site (site.manage and content.edit on its columns). Returns the run and its report. */
export async function importWxr(ctx: ServiceContext, siteId: string, input: WxrImportInput): Promise<{ runId: string; report: ImportReport }> {
  return guardRun(ctx, siteId, (runId) => runWxr(ctx, siteId, input, runId));
}

async function runWxr(ctx: ServiceContext, siteId: string, input: WxrImportInput, runId: string): Promise<{ runId: string; report: ImportReport }> {
  const doc = parseWxr(input.wxr);
  if (doc.fatal) throw new WxrUnreadableError(doc.errors.map((e) => `line ${e.line}: ${e.message}`).join('; '));
  if (input.files) checkFileOptions(input.files);
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
    missingAtSource: [],
    files: input.files ? { found: 0, alreadyStored: 0, downloaded: 0, readFromDir: 0, stored: 0, failed: 0, pages: 0, pagesRedirected: 0 } : null,
    timings: { filesMs: 0, itemsMs: 0, linksMs: 0 },
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
  const plans = doc.items.map((item) => ({ item, plan: planItem(item, authors) }));
  const hashOf = (plan: { hash: string }) => (input.asDrafts ? `${plan.hash}:draft` : plan.hash);
  const uploads = input.files ? uploadMatcher(doc, hosts) : null;
  // WordPress' attachment pages: known without files too, to say why links to them lead nowhere.
  const pages = attachmentPages(doc, uploads ?? uploadMatcher(doc, hosts), legacy);
  const filesOf = new Map<number, ItemFiles>();
  let stored = new Map<string, StoredFile>();
  let failedFiles = new Map<string, string>();
  const filesStarted = performance.now();
  if (input.files && uploads && report.files) {
    const attachments = new Map<string, WxrItem>();
    const children = new Map<string, WxrItem[]>();
    for (const item of doc.items) {
      if (item.postType !== 'attachment' || !item.postId || !item.attachmentUrl) continue;
      attachments.set(item.postId, item);
      if (item.postParent && item.postParent !== '0') children.set(item.postParent, [...(children.get(item.postParent) ?? []), item]);
    }
    const wanted = new Map<string, ItemFiles['files'][number]>();
    const used = new Set<string>();
    for (const { item, plan } of plans) {
      if (plan.action !== 'import') continue;
      const f = filesOfItem(item, plan.article.bodyHtml, uploads, attachments, children, pages);
      filesOf.set(item.index, f);
      const all = [...f.files, ...(f.cover ? [f.cover] : [])];
      for (const x of all) used.add(x.key);
      // Items unchanged since their files were all stored need none of them again.
      if (known.get(plan.key) === `${hashOf(plan)}${filesTag(f)}`) continue;
      for (const x of all) if (!wanted.has(x.key)) wanted.set(x.key, x);
    }
    report.files.found = used.size;
    stored = await loadStoredFiles(ctx, siteId, legacy);
    failedFiles = await storeUploads(ctx, siteId, legacy, runId, input.files, uploads, stored, [...wanted.values()], report.files, input.onFileProgress);
    // The stored files' own old addresses (…/wp-content/uploads/…) answer with them (those stored before included).
    const fileEntries = await writeFileEntries(ctx, siteId, legacy);
    report.urlEntries += fileEntries.written;
    for (const n of fileEntries.notes) report.notes.push({ index: 0, line: 0, key: n.key, title: n.filename, reason: n.reason });
    // The pages of the files stored (this run or before) answer with them from now on.
    const entries = await writePageEntries(ctx, siteId, legacy, runId, pages, stored);
    Object.assign(report.files, { pages: pages.all.length, pagesRedirected: entries.redirected });
    report.urlEntries += entries.written;
    for (const [key, url] of entries.targets) { links.known.add(key); links.live.set(key, url); }
    for (const { page, reason } of entries.notes) report.notes.push({ index: page.index, line: page.line, key: `attachment:${page.postId}`, title: page.title, reason });
  }
  report.timings.filesMs = Math.round(performance.now() - filesStarted);
  const started = performance.now();
  for (const { item, plan } of plans) {
    input.onProgress?.(item.index - 1, doc.items.length);
    const base = { index: item.index, line: item.line, key: plan.key, title: item.title.trim() };
    if (plan.action === 'skip') { report.skipped.push({ ...base, reason: plan.reason }); continue; }
    if (plan.action === 'fail') { report.failed.push({ ...base, reason: plan.reason }); continue; }
    if (seen.has(plan.key)) { report.failed.push({ ...base, reason: `${plan.key} appears twice in the export` }); continue; }
    seen.add(plan.key);
    const files = filesOf.get(item.index);
    const was = known.get(plan.key);
    // Without files, an item imported with its files is as it was (its bodies point at them).
    if (was === `${hashOf(plan)}${files ? filesTag(files) : ''}` || (!input.files && was?.startsWith(`${hashOf(plan)}:files:`))) { report.unchanged += 1; continue; }
    try {
      const linked = files ? itemAttachments(files, stored, failedFiles) : null;
      const draft: CreateDraftInput = {
        columnId: plan.article.kind === 'page' ? input.pageColumnId ?? input.columnId : input.columnId,
        title: plan.article.title, bodyHtml: plan.article.bodyHtml, summary: plan.article.summary, author: plan.article.author, tags: plan.article.tags,
        attachmentIds: linked?.attachmentIds ?? [], coverAttachmentId: linked?.coverId ?? null,
      };
      validateContent(draft);
      const content = revisionContent(draft); // the platform's sanitiser, as for every save; outside the transaction
      if (linked && uploads) content.body_html = pointAtFiles(content.body_html, uploads, stored, new Set([...linked.attachmentIds, linked.coverId ?? '']), pages);
      const relinked = rewriteBody(content.body_html, links);
      content.body_html = relinked.body;
      const toImport = {
        key: plan.key, hash: `${hashOf(plan)}${files ? filesTag(files, linked!.missing) : ''}`, publish: plan.publish && !input.asDrafts,
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
      const fileNotes = outcome.result !== 'skipped' ? linked?.notes ?? [] : [];
      for (const note of [plan.note, ...outcome.notes, ...fileNotes]) if (note) report.notes.push({ ...base, reason: note });
    } catch (err) {
      report.failed.push({ ...base, reason: (err as Error).message });
    }
  }
  input.onProgress?.(doc.items.length, doc.items.length);
  report.timings.itemsMs = Math.round(performance.now() - started);
  report.missingAtSource = [...known.keys()].filter((k) => k.startsWith('post:') && !seen.has(k));
  const linksStarted = performance.now();
  // A root-relative link to an attachment page (`/?attachment_id=12`) whose file was not stored leads
  // nowhere on the platform either: reported as its absolute form is. Only then are such links read.
  const blog = doc.baseBlogUrl ?? doc.baseSiteUrl ?? undefined;
  const oldPage = pages.all.some((p) => !stored.has(p.file.key)) ? (url: string) => (pages.match(url) ? httpUrl(url, blog)?.href ?? null : null) : undefined;
  const after = await rewriteLegacyLinks(ctx, siteId, legacy, oldPage);
  report.timings.linksMs = Math.round(performance.now() - linksStarted);
  report.linksRewritten += after.rewritten;
  report.articlesRelinked += after.articles;
  // A link to an attachment page is broken because its file was not stored: said so, with why.
  report.brokenLinks = after.broken.map((b) => {
    const page = pages.match(b.url);
    return page ? { ...b, reason: whyNoFile(page, input.files ? { stored, failed: failedFiles } : null) } : b;
  });
  await finishRun(ctx, siteId, runId, report, {
    source: input.sourceName, legacySite: legacy.code, resumes: report.resumes, found: report.found, imported: report.imported, updated: report.updated,
    unchanged: report.unchanged, skipped: report.skipped.length, failed: report.failed.length,
    ...(report.files ? { filesStored: report.files.stored, filesFailed: report.files.failed } : {}),
  });
  return { runId, report };
}

/** The file options' sources, before anything is written. */
function checkFileOptions(files: WxrFileOptions): void {
  if (files.uploadsDir) {
    let dir = false;
    try { dir = statSync(files.uploadsDir).isDirectory(); } catch { /* reported below */ }
    if (!dir) throw invalid('uploadsDir', `${files.uploadsDir} is not a directory`);
  }
  if (files.uploadsUrl) {
    let url: URL | null = null;
    try { url = new URL(files.uploadsUrl); } catch { /* reported below */ }
    if (!url || !/^https?:$/.test(url.protocol)) throw invalid('uploadsUrl', 'must be an http(s) address');
  }
  if (files.concurrency !== undefined && (!Number.isInteger(files.concurrency) || files.concurrency < 1 || files.concurrency > 16)) {
    throw invalid('concurrency', 'must be an integer from 1 to 16');
  }
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
