/**
 * The platform's serious-error list (严重错误表述库): wrong forms (a leader's name misspelt, an
 * organ's name garbled) with their right form, and forbidden words. Platform-wide data the
 * platform admins edit; every site's pre-publish check reads it through `loadMatcher`.
 *
 * Writes need `platform.manage` on the platform when a policy is present; row-level security
 * (platform_id in the scope's platforms) refuses everyone else, and lets a site's staff read
 * their own platform's list and nothing more.
 */
import { invalid, type CodedError } from '@zhanqun/core/errors';
import { isUuid, newId } from '@zhanqun/core/id';
import { writeAudit } from '@zhanqun/audit/audit.writer';
import type { ServiceContext } from '@zhanqun/audit/context';
import type { NewSeriousErrorTermRow, SeriousErrorTermRow } from '@zhanqun/db/database';
import { inScope, type Db } from '@zhanqun/db/scope';
import { parseImportCsv, sortErrors, type ImportError } from '@zhanqun/tenancy/csv-import';
import { PlatformAdminRequiredError } from '@zhanqun/tenancy/tenancy.errors';
import { SeriousErrorMatcher, type SeriousErrorKind } from './serious-error-matcher.js';
import { SeriousErrorTermNotFoundError } from './serious-error.errors.js';
import * as seriousErrorRepository from './serious-error.repository.js';

export interface TermInput {
  term: string;
  /** The right form, where one exists. */
  correction?: string | null;
  kind: SeriousErrorKind;
  note?: string | null;
}

export interface ImportTermsResult {
  imported: number;
  /** Rows already in the list with the same correction and kind: a re-import changes nothing. */
  skipped: number;
}

const KINDS: readonly SeriousErrorKind[] = ['wrong_form', 'forbidden'];
const TERM_MAX = 100;
const NOTE_MAX = 500;
const IMPORT_MAX_ROWS = 20_000;
const IMPORT_COLUMNS = ['term', 'correction', 'kind', 'note'] as const;
/** Errors spelt out in the message; all of them are in `details.errors`. */
const ERRORS_IN_MESSAGE = 5;
const LIST_LIMIT_MAX = 200;

type CleanTerm = Pick<NewSeriousErrorTermRow, 'term' | 'correction' | 'kind' | 'note'>;

/** Trimmed, with empty optional fields as null; the first problem as [field, message]. */
function cleanTerm(input: { term: string; correction?: string | null; kind: string; note?: string | null }): CleanTerm | [string, string] {
  const term = input.term.trim();
  const correction = input.correction?.trim() || null;
  const note = input.note?.trim() || null;
  if (!term) return ['term', 'must not be empty'];
  if (term.length > TERM_MAX) return ['term', `must be at most ${TERM_MAX} characters`];
  if (/[\r\n]/.test(term)) return ['term', 'must be on one line'];
  if (!KINDS.includes(input.kind as SeriousErrorKind)) return ['kind', `must be one of ${KINDS.join(', ')}`];
  if (correction && correction.length > TERM_MAX) return ['correction', `must be at most ${TERM_MAX} characters`];
  if (correction === term) return ['correction', 'must differ from the term'];
  if (note && note.length > NOTE_MAX) return ['note', `must be at most ${NOTE_MAX} characters`];
  return { term, correction, kind: input.kind as SeriousErrorKind, note };
}

function requireManage(ctx: ServiceContext, platformId: string): void {
  if (ctx.can && !ctx.can('platform.manage', { platformId })) throw new PlatformAdminRequiredError();
}

/** The unique (platform_id, term) index, raced past the check before the insert. */
function duplicateTerm(err: unknown): unknown {
  const code = (err as { code?: string }).code;
  return code === '23505' ? invalid('term', 'is already in the list') : err;
}

/** Add a term to the platform's list (audited as serious_error.add). */
export async function addTerm(ctx: ServiceContext, platformId: string, input: TermInput): Promise<SeriousErrorTermRow> {
  requireManage(ctx, platformId);
  const clean = cleanTerm(input);
  if (Array.isArray(clean)) throw invalid(...clean);
  return inScope(ctx.db, ctx.scope, async (trx) => {
    if ((await seriousErrorRepository.findByTerms(trx, platformId, [clean.term])).length) throw invalid('term', 'is already in the list');
    const row = await seriousErrorRepository.insert(trx, {
      ...clean, id: newId(), platform_id: platformId, created_by: ctx.actor.userId, created_at: ctx.clock.now(),
    });
    await writeAudit(trx, ctx.clock, ctx.actor, {
      platformId, action: 'serious_error.add', objectType: 'serious_error_term', objectId: row.id, after: clean,
    });
    return row;
  }).catch((err: unknown) => { throw duplicateTerm(err); });
}

/** Remove a term from the platform's list (audited as serious_error.remove, with what it was). */
export async function removeTerm(ctx: ServiceContext, platformId: string, id: string): Promise<void> {
  requireManage(ctx, platformId);
  if (!isUuid(id)) throw new SeriousErrorTermNotFoundError(id, platformId);
  await inScope(ctx.db, ctx.scope, async (trx) => {
    const row = await seriousErrorRepository.remove(trx, platformId, id);
    if (!row) throw new SeriousErrorTermNotFoundError(id, platformId);
    await writeAudit(trx, ctx.clock, ctx.actor, {
      platformId, action: 'serious_error.remove', objectType: 'serious_error_term', objectId: id,
      before: { term: row.term, correction: row.correction, kind: row.kind, note: row.note },
    });
  });
}

export interface ListTermsOptions {
  /** Part of the term, its correction or its note. */
  q?: string;
  limit?: number;
  offset?: number;
}

/** A page of the platform's list, by term. Run it in scope. */
export function listTerms(db: Db, platformId: string, opts: ListTermsOptions = {}): Promise<{ items: SeriousErrorTermRow[]; total: number }> {
  const limit = opts.limit ?? 50;
  const offset = opts.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 1 || limit > LIST_LIMIT_MAX) throw invalid('limit', `must be a whole number from 1 to ${LIST_LIMIT_MAX}`);
  if (!Number.isInteger(offset) || offset < 0) throw invalid('offset', 'must be a whole number, 0 or more');
  return seriousErrorRepository.list(db, platformId, { limit, offset, ...(opts.q ? { q: opts.q } : {}) });
}

/**
 * Import a CSV of `term,correction,kind,note` (header row; correction and note may be empty):
 * all or nothing. Any bad row refuses the whole file with ZQ_VALIDATION naming the first bad
 * field, its line, and every refused row in `details.errors`. Rows already in the list with the
 * same correction and kind are skipped, so the same file can be imported twice.
 */
export async function importTerms(ctx: ServiceContext, platformId: string, csvText: string): Promise<ImportTermsResult> {
  requireManage(ctx, platformId);
  const parsed = parseImportCsv(csvText, IMPORT_COLUMNS, ['term', 'kind']);
  if (parsed.fatal) throw importRefused(parsed.errors);
  if (parsed.records.length > IMPORT_MAX_ROWS) throw invalid('csv', `has ${parsed.records.length} rows; import at most ${IMPORT_MAX_ROWS} at a time`);
  const errors: ImportError[] = [...parsed.errors];
  const rows: (CleanTerm & { line: number })[] = [];
  const lineOf = new Map<string, number>();
  for (const { line, values } of parsed.records) {
    const clean = cleanTerm({ term: values.term!, correction: values.correction!, kind: values.kind!, note: values.note! });
    if (Array.isArray(clean)) {
      errors.push({ line, field: clean[0], message: clean[1] });
      continue;
    }
    const first = lineOf.get(clean.term);
    if (first !== undefined) {
      errors.push({ line, field: 'term', message: `"${clean.term}" appears twice in the file (first on line ${first})` });
      continue;
    }
    lineOf.set(clean.term, line);
    rows.push({ ...clean, line });
  }
  if (errors.length) throw importRefused(errors);

  return inScope(ctx.db, ctx.scope, async (trx) => {
    const existing = new Map((await seriousErrorRepository.findByTerms(trx, platformId, rows.map((r) => r.term))).map((r) => [r.term, r]));
    const fresh: NewSeriousErrorTermRow[] = [];
    const now = ctx.clock.now();
    for (const { line, ...row } of rows) {
      const old = existing.get(row.term);
      if (!old) fresh.push({ ...row, id: newId(), platform_id: platformId, created_by: ctx.actor.userId, created_at: now });
      else if (old.correction !== row.correction || old.kind !== row.kind) {
        errors.push({ line, field: 'term', message: `"${row.term}" is already in the list as ${old.kind}${old.correction ? ` → "${old.correction}"` : ''}; remove it first to change it` });
      }
    }
    if (errors.length) throw importRefused(errors);
    const imported = await seriousErrorRepository.insertMany(trx, fresh);
    await writeAudit(trx, ctx.clock, ctx.actor, {
      platformId, action: 'serious_error.import', objectType: 'serious_error_term', objectId: null,
      after: { imported, skipped: rows.length - fresh.length, terms: fresh.slice(0, 20).map((r) => r.term) },
    });
    return { imported, skipped: rows.length - fresh.length };
  }).catch((err: unknown) => { throw duplicateTerm(err); });
}

/** All-or-nothing refusal: the first bad field and line in the message, every row in `details.errors`. */
function importRefused(errors: ImportError[]): CodedError {
  const sorted = sortErrors(errors);
  const first = sorted[0]!;
  const shown = sorted.slice(0, ERRORS_IN_MESSAGE).map((e) => `line ${e.line} ${e.field}: ${e.message}`).join('; ');
  const more = sorted.length > ERRORS_IN_MESSAGE ? ` and ${sorted.length - ERRORS_IN_MESSAGE} more` : '';
  const err = invalid(first.field, `${sorted.length} bad row${sorted.length > 1 ? 's' : ''}, nothing was imported: ${shown}${more}`);
  return Object.assign(err, { details: { errors: sorted } });
}

interface CachedMatcher {
  version: string;
  matcher: SeriousErrorMatcher;
}

/** One matcher per platform (≈ 11 MB for 10,000 terms); platforms per process are few. */
const matchers = new Map<string, CachedMatcher>();
const MATCHER_CACHE_LIMIT = 16;

/**
 * The platform's matcher, built once and reused until the list changes: each call asks the
 * database for the list's fingerprint (one aggregate) and rebuilds only when it moved, so a
 * save never pays the ~50 ms build, and an edit made through another server instance is seen
 * at the next call. Run it in scope: RLS decides whose list the caller may read.
 */
export async function loadMatcher(db: Db, platformId: string): Promise<SeriousErrorMatcher> {
  const version = await seriousErrorRepository.version(db, platformId);
  const cached = matchers.get(platformId);
  if (cached?.version === version) return cached.matcher;
  const matcher = new SeriousErrorMatcher(await seriousErrorRepository.listAll(db, platformId));
  matchers.delete(platformId);
  if (matchers.size >= MATCHER_CACHE_LIMIT) matchers.delete(matchers.keys().next().value!);
  matchers.set(platformId, { version, matcher });
  return matcher;
}
