/**
 * Import of a static mirror of a legacy site (issue 7, source 2: what `wget --mirror` leaves on
 * disk), by its mapping profile: article pages become articles in their section's column,
 * published at their original time with their government-information fields; list pages answer
 * 301 to the column; retired pages 410; a document published in two sections becomes one article
 * and its other URL redirects to it. Pages the profile does not place are reported, never
 * dropped silently. Items are written as the WordPress import writes them (import-item.ts): one
 * transaction each, an ID map for re-runs, a run that names its operator and can be rolled back.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { invalid } from '@zhanqun/core/errors';
import { newId } from '@zhanqun/core/id';
import type { ServiceContext } from '@zhanqun/audit/context';
import { validateContent, type CreateDraftInput } from '@zhanqun/content/article.service';
import { columnAccess } from '@zhanqun/content/column-access';
import type { LegacySiteRow } from '@zhanqun/db/database';
import { inScope } from '@zhanqun/db/scope';
import * as columnRepository from '@zhanqun/tenancy/column.repository';
import { chunks } from '@zhanqun/tenancy/csv-import';
import { writableSite } from '@zhanqun/tenancy/site-access';
import { canonicalKeyOfUrl } from '../canonical-url.js';
import { importItems, keepingLinksOnFailure, type BatchedItem, type ItemResult } from '../import-item.js';
import { beginRun, finishRun, guardRun } from '../import-run.service.js';
import { createLegacySite, findLegacySiteByCode } from '../legacy-site.service.js';
import { prepareEntry, siteHosts, upsertEntries } from '../legacy-url.service.js';
import { loadLinkTargets, rewriteLegacyLinks, type LinkTargets } from '../wxr/link-rewrite.js';
import type { ItemOutcome, RunReport } from '../import-run.service.js';
import { parseProfile, sectionOfCrumbs, type MirrorProfile } from './mirror-profile.js';
import { FILE_NAME_PARAMS, loadStoredFiles, storePageFiles, writeFileEntries, type FileStore } from './mirror-files.js';
import { pageReader, type PageRead } from './page-read.js';

export interface MirrorImportInput {
  /** The mirror's directory for the old host (`<wget dir>/<host>`). */
  dir: string;
  /** The mapping profile (YAML). */
  profile: string;
  sourceName: string;
  legacyCode?: string | null;
  overwrite?: boolean;
  /** Import articles as drafts for review instead of publishing them. */
  asDrafts?: boolean;
  /** Worker threads that read pages (default: the cores, from page-read.ts's THREADED_FROM pages on; 0 reads inline). */
  threads?: number;
  /** Where attachments and images go; without it, files are counted and left linked to the old site. */
  files?: FileStore;
  onProgress?: (done: number, total: number) => void;
}

export interface MirrorReport extends RunReport {
  createdLegacySite: boolean;
  /** Pages that repeat an article of another section: their URL leads to it. */
  duplicates: number;
  lists: number;
  retired: number;
  /** Attachment and image files found in the mirror. */
  files: number;
  /** Of them, stored as the site's attachments (linked from the articles that use them). */
  filesStored: number;
  /** Pages the profile places nowhere, with why. */
  unmapped: { path: string; reason: string }[];
  /** Per legacy section: pages found, articles imported, and the column they went to. */
  sections: Record<string, { column: string; found: number; imported: number }>;
  /** Pages imported before that this mirror no longer has (reported; nothing is deleted). */
  missingAtSource: string[];
  /** Worker threads that read the pages (0: read inline). */
  timings: { pagesMs: number; linksMs: number; threads: number };
}

const FILE_EXT = /\.(pdf|docx?|xlsx?|pptx?|wps|et|ofd|zip|rar|7z|txt|csv|png|jpe?g|gif|bmp|webp|mp4|mp3)$/i;

/** An attachment or image (also behind a download script: `downfile.jsp?filename=1.pdf`). */
function isFile(path: string): boolean {
  const [pathOnly = '', query = ''] = path.split('?');
  return FILE_EXT.test(pathOnly) || [...new URLSearchParams(query).values()].some((v) => FILE_EXT.test(v));
}
const digest = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');

/** A page that repeats the article of an earlier one (the same document in two sections). */
interface Repeat { url: string; key: string; hash: string; firstKey: string }

/** An article read from a page, to be written with its batch. */
interface Pending extends BatchedItem { base: Omit<ItemOutcome, 'reason'>; section: string }

/** An article page to read: it is new or changed since the last run. */
interface ToRead { base: Omit<ItemOutcome, 'reason'>; path: string; file: string; url: string; key: string; hash: string; section: string | null }

/** Articles written per transaction. */
const BATCH = 100;

/**
 * Write a batch of articles in one transaction (importItems); when it fails, write its items one
 * by one, each in its own transaction, so one bad item fails alone and says why.
 */
async function writeBatch(ctx: ServiceContext, siteId: string, legacy: LegacySiteRow, runId: string, batch: Pending[], overwrite: boolean,
  links: LinkTargets, report: MirrorReport): Promise<void> {
  const count = (item: Pending, outcome: ItemResult) => {
    if (outcome.result === 'skipped') report.notes.push({ ...item.base, reason: outcome.reason });
    else report[outcome.result] += 1;
    if (outcome.result === 'imported') report.sections[item.section]!.imported += 1;
    report.urlEntries += outcome.entries;
    report.linksRewritten += outcome.linksRewritten ?? 0;
    for (const note of outcome.notes) report.notes.push({ ...item.base, reason: note });
  };
  let outcomes: ItemResult[];
  try {
    outcomes = await keepingLinksOnFailure(links, legacy, batch, () => inScope(ctx.db, ctx.scope, (trx) => importItems(trx, ctx, siteId, legacy, runId, batch, overwrite, links)));
  } catch {
    for (const item of batch) {
      try {
        count(item, (await keepingLinksOnFailure(links, legacy, [item], () => inScope(ctx.db, ctx.scope, (trx) => importItems(trx, ctx, siteId, legacy, runId, [item], overwrite, links))))[0]!);
      } catch (err) {
        report.failed.push({ ...item.base, reason: (err as Error).message });
      }
    }
    return;
  }
  batch.forEach((item, i) => count(item, outcomes[i]!));
}

/** Every file of the mirror as the path it was served at (wget keeps the query in the name). */
export function mirrorPaths(dir: string): { path: string; file: string }[] {
  const out: { path: string; file: string }[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const file = join(d, name);
      if (statSync(file).isDirectory()) walk(file);
      else out.push({ path: `/${relative(dir, file).split(sep).join('/')}`, file });
    }
  };
  walk(dir);
  return out;
}

/** Import a mirror into a site (site.manage and content.edit on the mapped columns). */
export async function importMirror(ctx: ServiceContext, siteId: string, input: MirrorImportInput): Promise<{ runId: string; report: MirrorReport }> {
  return guardRun(ctx, siteId, (runId) => runMirror(ctx, siteId, input, runId));
}

async function runMirror(ctx: ServiceContext, siteId: string, input: MirrorImportInput, runId: string): Promise<{ runId: string; report: MirrorReport }> {
  const profile = parseProfile(input.profile);
  let pages: { path: string; file: string }[];
  try {
    pages = mirrorPaths(input.dir);
  } catch (err) {
    throw invalid('dir', `cannot read the mirror: ${(err as Error).message}`);
  }
  const code = input.legacyCode ?? profile.host.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63);
  // A download script names its file in the query (downfile.jsp?filename=1.pdf): a legacy site made here keeps that parameter, so each file's old address is its own.
  const fileParams = FILE_NAME_PARAMS.filter((p) => pages.some(({ path }) => isFile(path) && new URLSearchParams(path.split('?')[1] ?? '').has(p)));
  const { legacy, created, columns, resumes } = await prepareRun(ctx, siteId, profile, code, runId, input.sourceName, fileParams);
  const report: MirrorReport = {
    source: input.sourceName, legacySite: legacy.code, createdLegacySite: created, resumes, found: pages.length, imported: 0, updated: 0, unchanged: 0,
    duplicates: 0, lists: 0, retired: 0, files: 0, filesStored: 0, urlEntries: 0, failed: [], notes: [], unmapped: [], sections: {}, linksRewritten: 0, brokenLinks: [],
    missingAtSource: [], timings: { pagesMs: 0, linksMs: 0, threads: 0 },
  };
  for (const [section, column] of profile.sections) report.sections[section] = { column, found: 0, imported: 0 };
  const known = new Map((await inScope(ctx.db, ctx.scope, (trx) => trx.selectFrom('legacy_item').select(['legacy_key', 'content_hash'])
    .where('site_id', '=', siteId).where('legacy_site_id', '=', legacy.id).execute())).map((r) => [r.legacy_key, r.content_hash]));
  const links = await inScope(ctx.db, ctx.scope, (trx) => loadLinkTargets(trx, siteId, legacy));
  const stored = input.files ? await loadStoredFiles(ctx, siteId, legacy) : new Map();
  const storedBefore = stored.size;
  /** The first page of each document (by title and text), and the later pages that repeat it. */
  const firstOf = new Map<string, string>();
  const repeats: Repeat[] = [];
  const profileDigest = digest(input.profile);
  const seenKeys = new Set<string>();
  const entries: { url: string; kind: 'legacy' | 'gone'; target: string | null }[] = [];
  const started = performance.now();
  /** Articles read and checked, waiting to be written with the next batch. */
  let pending: Pending[] = [];
  /** The batch being written while the next pages are read (the database works on the other core). */
  let writing: Promise<void> = Promise.resolve();
  const write = (batch: Pending[]) => {
    writing = writing.then(() => writeBatch(ctx, siteId, legacy, runId, batch, input.overwrite ?? false, links, report));
  };
  // First the pages the profile places without reading them, and the articles unchanged since the last run.
  const toRead: ToRead[] = [];
  for (const [i, { path, file }] of pages.entries()) {
    const url = `http://${profile.host}${path}`;
    const base = { index: i + 1, line: 0, key: path, title: '' };
    if (profile.retired.some((re) => re.test(path))) {
      entries.push({ url, kind: 'gone', target: null });
      report.retired += 1;
      continue;
    }
    const article = profile.articles.exec(path);
    const list = article ? null : profile.lists?.exec(path);
    const section = (article ?? list)?.groups?.['section'] ?? ((article ?? list) ? profile.defaultSection : null);
    if (article && profile.mapBy === 'breadcrumb') {
      // Placed once read, by its crumbs (the URL's section, if any, when they name none).
    } else if (article || list) {
      const column = section ? profile.sections.get(section) : undefined;
      if (!column) {
        report.unmapped.push({ path, reason: `section ${section ?? '(none)'} has no column in the profile` });
        continue;
      }
      report.sections[section!]!.found += 1;
      if (list) {
        entries.push({ url, kind: 'legacy', target: column });
        report.lists += 1;
        continue;
      }
    } else {
      if (isFile(path) && path !== '/robots.txt') report.files += 1;
      else report.unmapped.push({ path, reason: 'neither an article nor a list page by the profile' });
      continue;
    }
    try {
      const key = canonicalKeyOfUrl(url, profile.queryParams).key;
      // The page's bytes under this profile: unchanged, it costs no parsing, no sanitising, no transaction.
      const hash = digest([profileDigest, createHash('sha256').update(readFileSync(file)).digest('hex'), input.asDrafts === true]);
      seenKeys.add(key);
      if (known.get(key) === hash) report.unchanged += 1;
      else toRead.push({ base, path, file, url, key, hash, section });
    } catch (err) {
      report.failed.push({ ...base, reason: (err as Error).message });
    }
  }
  // Then the articles, read (on worker threads for a long run) a window ahead of the one in hand, in page order.
  const reader = pageReader(toRead.length, input.threads);
  report.timings.threads = reader.threads;
  const reads: Promise<PageRead>[] = [];
  const startRead = (k: number) => {
    const read = reader.read({ file: toRead[k]!.file, url: toRead[k]!.url, profile: input.profile, sanitise: !input.files });
    read.catch(() => {}); // awaited below; a read dropped by an error must not go unhandled
    reads[k] = read;
  };
  try {
    for (let k = 0; k < Math.min(reader.window, toRead.length); k++) startRead(k);
    for (const [k, { base, path, url, key, hash, section: urlSection }] of toRead.entries()) {
      input.onProgress?.(base.index - 1, pages.length);
      const read = await reads[k]!;
      delete reads[k];
      if (k + reader.window < toRead.length) startRead(k + reader.window);
      try {
        if (!read.ok) {
          base.title = read.title;
          throw new Error(read.reason);
        }
        base.title = read.page.title;
        let section = urlSection;
        if (profile.mapBy === 'breadcrumb') {
          section = sectionOfCrumbs(profile, read.page.breadcrumb) ?? (urlSection && profile.sections.has(urlSection) ? urlSection : null);
          if (!section) {
            report.unmapped.push({ path, reason: `its breadcrumb (${read.page.breadcrumb.join(' > ') || 'none found'}) names no section of the profile` });
            continue;
          }
          report.sections[section]!.found += 1;
        }
        const first = firstOf.get(read.fingerprint);
        if (first) {
          repeats.push({ url, key, hash, firstKey: first });
          report.duplicates += 1;
          continue;
        }
        firstOf.set(read.fingerprint, key);
        const withFiles = input.files
          ? await storePageFiles(ctx, siteId, legacy, runId, input.dir, input.files, stored, read.page.bodyHtml, read.page.files)
          : { bodyHtml: read.page.bodyHtml, attachmentIds: [], notes: [] };
        for (const note of withFiles.notes) report.notes.push({ ...base, reason: note });
        const draft: CreateDraftInput = { ...read.fields, columnId: columns.get(section!)!, bodyHtml: withFiles.bodyHtml, attachmentIds: withFiles.attachmentIds };
        validateContent(draft);
        pending.push({
          base, section: section!, draft, content: read.content ?? await reader.sanitise(draft),
          plan: { key, hash, publish: !input.asDrafts, publishedAt: read.page.publishedAt!.at, legacyUrl: url, legacyUrls: [url] },
        });
      } catch (err) {
        report.failed.push({ ...base, reason: (err as Error).message });
      }
      if (pending.length >= BATCH) {
        write(pending);
        pending = [];
      }
    }
    if (pending.length) write(pending);
    await writing;
  } finally {
    // An error (a progress callback that stops the run) leaves the batch in hand written or not, never half.
    await writing.catch(() => {});
    await reader.close();
  }
  input.onProgress?.(pages.length, pages.length);
  report.urlEntries += await writePageEntries(ctx, siteId, legacy, runId, entries, repeats);
  // The stored files' old addresses answer with them (those stored before included).
  const fileEntries = await writeFileEntries(ctx, siteId, legacy);
  report.urlEntries += fileEntries.written;
  for (const n of fileEntries.notes) report.notes.push({ index: 0, line: 0, key: n.key, title: n.filename, reason: n.reason });
  report.timings.pagesMs = Math.round(performance.now() - started);
  report.filesStored = stored.size - storedBefore;
  report.missingAtSource = [...known.keys()].filter((k) => !k.startsWith('url:') && !seenKeys.has(k));
  const linksStarted = performance.now();
  const after = await rewriteLegacyLinks(ctx, siteId, legacy);
  report.timings.linksMs = Math.round(performance.now() - linksStarted);
  report.linksRewritten += after.rewritten;
  report.brokenLinks = after.broken;
  await finishRun(ctx, siteId, runId, report, {
    source: report.source, legacySite: report.legacySite, resumes: report.resumes, found: report.found, imported: report.imported, updated: report.updated,
    unchanged: report.unchanged, duplicates: report.duplicates, failed: report.failed.length, unmapped: report.unmapped.length,
  });
  return { runId, report };
}

async function prepareRun(ctx: ServiceContext, siteId: string, profile: MirrorProfile, code: string, runId: string, sourceName: string,
  fileParams: readonly string[]): Promise<{ legacy: LegacySiteRow; created: boolean; columns: Map<string, string>; resumes: string | null }> {
  const { existing, columns } = await inScope(ctx.db, ctx.scope, async (trx) => {
    const site = await writableSite(trx, ctx, siteId);
    const columns = new Map<string, string>();
    for (const [section, path] of profile.sections) {
      const column = await columnRepository.findByPath(trx, siteId, path);
      if (!column) throw invalid(`sections.${section}`, `${path} is not a column of site ${site.code}`);
      await columnAccess(trx, ctx, siteId, column.id, 'content.edit');
      columns.set(section, column.id);
    }
    return { existing: await findLegacySiteByCode(trx, siteId, code), columns };
  });
  const legacy = existing ?? await createLegacySite(ctx, siteId, { code, name: profile.host, hosts: [profile.host, ...profile.aliases],
    queryParams: [...new Set([...profile.queryParams, ...fileParams])] });
  const { resumes } = await inScope(ctx.db, ctx.scope, (trx) => beginRun(trx, ctx, siteId, { id: runId, legacySiteId: legacy.id, sourceKind: 'mirror', sourceName }));
  return { legacy, created: !existing, columns, resumes };
}

/** List pages (301 to their column), retired pages (410), and repeats (301 to the first page's article). */
async function writePageEntries(ctx: ServiceContext, siteId: string, legacy: LegacySiteRow, runId: string,
  entries: { url: string; kind: 'legacy' | 'gone'; target: string | null }[], repeats: Repeat[]): Promise<number> {
  return inScope(ctx.db, ctx.scope, async (trx) => {
    const hosts = await siteHosts(trx, siteId);
    const prepared = entries.map((e) => prepareEntry(legacy, hosts, { legacyUrl: e.url, kind: e.kind, target: e.target }));
    const hashes = prepared.map((e) => digest([e.kind, e.target]));
    for (const r of repeats) {
      const first = await trx.selectFrom('legacy_item as i').innerJoin('article as a', (j) => j.onRef('a.site_id', '=', 'i.site_id').onRef('a.id', '=', 'i.article_id'))
        .select(['a.id', 'a.url_path']).where('i.site_id', '=', siteId).where('i.legacy_site_id', '=', legacy.id).where('i.legacy_key', '=', r.firstKey).executeTakeFirst();
      if (!first) continue;
      // A draft's other URL waits with it; a live one leads to it.
      prepared.push(prepareEntry(legacy, hosts, first.url_path
        ? { legacyUrl: r.url, kind: 'legacy', target: first.url_path, articleId: first.id }
        : { legacyUrl: r.url, kind: 'awaiting', articleId: first.id }));
      hashes.push(r.hash);
    }
    const result = await upsertEntries(trx, siteId, legacy.id, prepared);
    // Every entry goes into the ID map: a rollback removes what its run made, a re-run skips a repeat.
    const now = ctx.clock.now();
    const rows = prepared.map((e, i) => ({
      id: newId(), site_id: siteId, legacy_site_id: legacy.id, legacy_key: e.articleId ? e.key : `url:${e.key}`, legacy_url: e.legacyUrl,
      article_id: e.articleId, url_path_id: result.ids[i]!, revision_id: null, content_hash: hashes[i]!, created_run_id: runId, updated_run_id: runId,
      created_at: now, updated_at: now,
    }));
    for (const part of chunks(rows, 500)) {
      await trx.insertInto('legacy_item').values(part).onConflict((oc) => oc.columns(['site_id', 'legacy_site_id', 'legacy_key']).doNothing()).execute();
    }
    return result.inserted + result.updated;
  });
}

