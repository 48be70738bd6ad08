/**
 * 严重错误词库: the platform's serious-error list for its platform admins — search and page
 * through it, add a term, remove one, and import a CSV (pasted, or a file read into the textarea
 * by serious-errors.js), all or nothing, with every refused row shown by line. The page always
 * works on the signed-in admin's own platform; the services and row-level security check again.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isCodedError } from '@zhanqun/core/errors';
import { formatZoned } from '@zhanqun/core/time';
import { inScope } from '@zhanqun/db/scope';
import type { SeriousErrorKind } from '@zhanqun/content/checks/serious-error-matcher';
import { addTerm, importTerms, listTerms, removeTerm } from '@zhanqun/content/checks/serious-error.service';
import type { ImportError } from '@zhanqun/tenancy/csv-import';
import { CATALOGUES, t, type Locale } from '../i18n/i18n.js';
import { ADMIN, adminScope, attempt, consoleLocale, pageFrame, renderPage, serviceContext } from './console-context.js';
import { formState, optional, options, text, values, type FormBody, type FormState, type Refusal } from './console-form.js';

const PAGE_SIZE = 50;
const KINDS: readonly SeriousErrorKind[] = ['wrong_form', 'forbidden'];
const TermParams = { type: 'object', required: ['termId'], properties: { termId: { type: 'string', format: 'uuid' } } } as const;
/** A pasted list of 20,000 Chinese terms, url-encoded (9 bytes a character), is far above the default 1 MiB. */
const IMPORT_BODY_LIMIT = 16 * 1024 * 1024;
const OPTS = { ns: 'serious_error', fields: { ZQ_CONTENT_SERIOUS_ERROR_TERM_NOT_FOUND: 'termId' } };

type FormKey = 'add' | 'import' | 'remove';
type Forms = Partial<Record<FormKey, FormState>>;
type ListQuery = { q?: string; page?: string; ok?: string; imported?: string; skipped?: string };

const has = (key: string) => key in CATALOGUES['zh-CN'];

/**
 * The service's English reasons (serious-error.service.ts, csv-import.ts) in the console's
 * language; an unknown one is shown as it is.
 */
const REASONS: [RegExp, string, (m: RegExpExecArray) => Record<string, string>][] = [
  [/must not be empty/, 'empty', () => ({})],
  [/must be at most (\d+) characters/, 'too_long', (m) => ({ max: m[1]! })],
  [/must be on one line/, 'one_line', () => ({})],
  [/must be one of/, 'kind', () => ({})],
  [/must differ from the term/, 'same_as_term', () => ({})],
  [/^is already in the list$/, 'listed', () => ({})],
  [/^"(.*)" appears twice in the file \(first on line (\d+)\)$/, 'twice', (m) => ({ term: m[1]!, line: m[2]! })],
  [/^"(.*)" is already in the list as (\w+)(?: → "(.*)")?; remove it first/, 'listed_otherwise', (m) => ({ term: m[1]!, kind: m[2]!, correction: m[3] ?? '' })],
  [/^has (\d+) fields, the header has (\d+)$/, 'fields', (m) => ({ fields: m[1]!, header: m[2]! })],
  [/^has (\d+) rows; import at most (\d+)/, 'rows', (m) => ({ rows: m[1]!, max: m[2]! })],
  [/^unknown column/, 'unknown_column', () => ({})],
  [/^column appears twice/, 'column_twice', () => ({})],
  [/^required column is missing/, 'column_missing', () => ({})],
  [/^the file is empty/, 'file_empty', () => ({})],
  [/^the file is not valid CSV/, 'not_csv', () => ({})],
];

function reasonText(locale: Locale, message: string): string {
  for (const [re, key, vars] of REASONS) {
    const m = re.exec(message);
    if (!m) continue;
    const v = vars(m);
    if (key === 'listed_otherwise') {
      const kind = KINDS.includes(v.kind as SeriousErrorKind) ? t(locale, `serious_error.kind.${v.kind}`) : v.kind!;
      return t(locale, 'serious_error.reason.listed_otherwise', { term: v.term!, kind: v.correction ? `${kind} → “${v.correction}”` : kind });
    }
    return t(locale, `serious_error.reason.${key}`, v);
  }
  return message;
}

function fieldLabel(locale: Locale, field: string): string {
  return has(`field.serious_error.${field}`) ? t(locale, `field.serious_error.${field}`) : field;
}

/** An import's refused rows, from the service's ZQ_VALIDATION error (`details.errors`). */
function importErrorsOf(err: unknown): ImportError[] {
  const rows = (err as { details?: { errors?: unknown } } | null)?.details?.errors;
  return Array.isArray(rows) ? (rows as ImportError[]) : [];
}

/** A validation refusal named in this page's words (the shared reasons say "taken" of a term already listed). */
function explain(locale: Locale, err: unknown, refusal: Refusal): Refusal {
  if (!isCodedError(err) || err.code !== 'ZQ_VALIDATION' || !refusal.field) return refusal;
  const detail = err.message.replace(/^[^:]*:\s*/, '');
  return { ...refusal, message: t(locale, 'form.field_error', { field: fieldLabel(locale, refusal.field), reason: reasonText(locale, detail) }) };
}

/** Whole numbers from a query string (the counts of an import), or null. */
const count = (v: string | undefined) => (v !== undefined && /^\d{1,7}$/.test(v) ? Number(v) : null);

/** The list's address with its search and page, so a removal returns where it was made. */
function listUrl(q: string, page: number, hash = ''): string {
  const params = new URLSearchParams();
  if (q) params.set('q', q);
  if (page > 1) params.set('page', String(page));
  const query = params.toString();
  return `/serious-errors${query ? `?${query}` : ''}${hash}`;
}

export default async function seriousErrorPages(fastify: FastifyInstance) {
  async function show(request: FastifyRequest, reply: FastifyReply, forms: Forms = {}, code = 200, importErrors: ImportError[] = []) {
    const frame = pageFrame(request, reply, 'serious_errors');
    const { locale } = frame;
    const query = (request.method === 'GET' ? request.query : {}) as ListQuery;
    const q = typeof query.q === 'string' ? query.q.trim().slice(0, 100) : '';
    const page = Math.max(1, Math.min(100_000, Number.parseInt(query.page ?? '1', 10) || 1));
    const platformId = frame.user.platform_id;
    const scope = await adminScope(fastify, request);
    const list = await inScope(fastify.db, scope, (trx) => listTerms(trx, platformId, { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE, ...(q ? { q } : {}) }));
    const pages = Math.max(1, Math.ceil(list.total / PAGE_SIZE));
    const [imported, skipped] = [count(query.imported), count(query.skipped)];
    const notice = query.ok === 'serious_error.imported' && imported !== null && skipped !== null
      ? t(locale, 'serious_error.imported', { imported, skipped }) : frame.notice;
    const add = forms.add ?? formState({ kind: 'wrong_form' });
    const refused = Object.values(forms).find((f) => f.error)?.error ?? null;
    return renderPage(reply, 'serious-errors', { ...frame, notice }, t(locale, 'serious_error.title'), {
      q, total: list.total, refused,
      rows: list.items.map((r) => ({
        id: r.id, term: r.term, correction: r.correction, note: r.note, kind: r.kind, kindLabel: t(locale, `serious_error.kind.${r.kind}`),
        created: formatZoned(new Date(r.created_at), 'yyyy-MM-dd'),
      })),
      back: { q, page: page > 1 ? String(page) : '' },
      pagination: pages > 1 ? {
        page, pages, prev: page > 1 ? listUrl(q, page - 1) : null, next: page < pages ? listUrl(q, page + 1) : null,
      } : null,
      add, kinds: options(KINDS.map((k) => [k, t(locale, `serious_error.kind.${k}`)]), add.values.kind),
      import: forms.import ?? formState(),
      importErrors: importErrors.map((e) => ({
        line: e.line, field: e.field === 'csv' ? t(locale, 'serious_error.whole_row') : fieldLabel(locale, e.field), message: reasonText(locale, e.message),
      })),
    }, code);
  }

  fastify.get<{ Querystring: ListQuery }>('/serious-errors', { config: ADMIN }, async (request, reply) => show(request, reply));

  /** Run a form's action; a refusal shows the page again with the form as it was sent, in this page's words. */
  function run(request: FastifyRequest, reply: FastifyReply, form: FormKey, action: () => Promise<[string, string]>) {
    let failure: unknown;
    return attempt(request, reply, () => action().catch((err: unknown) => { failure = err; throw err; }), (refusal) => {
      const locale = consoleLocale(request, reply);
      const rows = form === 'import' ? importErrorsOf(failure) : [];
      const shown = rows.length
        ? { ...refusal, field: 'csv', message: t(locale, 'serious_error.import_refused', { count: rows.length }) }
        : explain(locale, failure, refusal);
      return show(request, reply, { [form]: formState(values(request.body as FormBody), shown) }, refusal.status, rows);
    }, OPTS);
  }

  fastify.post<{ Body: FormBody }>('/serious-errors', { config: ADMIN, preHandler: fastify.csrfProtection }, async (request, reply) => {
    const body = request.body;
    return run(request, reply, 'add', async () => {
      const row = await addTerm(await serviceContext(fastify, request), request.user!.platform_id, {
        term: text(body, 'term'), correction: optional(body, 'correction'), kind: text(body, 'kind') as SeriousErrorKind, note: optional(body, 'note'),
      });
      return [listUrl(row.term, 1, '#list'), 'serious_error.added'];
    });
  });

  fastify.post<{ Params: { termId: string }; Body: FormBody }>('/serious-errors/:termId/remove', {
    config: ADMIN, preHandler: fastify.csrfProtection, schema: { params: TermParams },
  }, async (request, reply) => {
    const q = text(request.body, 'q').slice(0, 100);
    const page = Number.parseInt(text(request.body, 'page'), 10) || 1;
    return run(request, reply, 'remove', async () => {
      await removeTerm(await serviceContext(fastify, request), request.user!.platform_id, request.params.termId);
      return [listUrl(q, page, '#list'), 'serious_error.removed'];
    });
  });

  fastify.post<{ Body: FormBody }>('/serious-errors/import', {
    config: ADMIN, preHandler: fastify.csrfProtection, bodyLimit: IMPORT_BODY_LIMIT,
  }, async (request, reply) => {
    // The CSV as pasted: not trimmed per line, the service parses it (quotes, BOM, empty lines).
    const csv = typeof request.body?.csv === 'string' ? request.body.csv : '';
    return run(request, reply, 'import', async () => {
      const result = await importTerms(await serviceContext(fastify, request), request.user!.platform_id, csv);
      return [`/serious-errors?imported=${result.imported}&skipped=${result.skipped}`, 'serious_error.imported'];
    });
  });
}
