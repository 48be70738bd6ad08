import { sql } from 'kysely';
import type { NewSeriousErrorTermRow, SeriousErrorTermRow } from '@zhanqun/db/database';
import type { Db } from '@zhanqun/db/scope';

export const TERM_COLUMNS = ['id', 'platform_id', 'term', 'correction', 'kind', 'note', 'created_by', 'created_at'] as const;

/** Rows per multi-row INSERT: 8 parameters each, far below Postgres's 65,535. */
const INSERT_CHUNK = 1_000;

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export function findById(db: Db, platformId: string, id: string): Promise<SeriousErrorTermRow | undefined> {
  return db.selectFrom('serious_error_term').select(TERM_COLUMNS).where('platform_id', '=', platformId).where('id', '=', id).executeTakeFirst();
}

/** The rows of the platform whose term is one of `terms` (exact text). */
export function findByTerms(db: Db, platformId: string, terms: readonly string[]): Promise<SeriousErrorTermRow[]> {
  if (!terms.length) return Promise.resolve([]);
  return db.selectFrom('serious_error_term').select(TERM_COLUMNS).where('platform_id', '=', platformId).where('term', 'in', terms).execute();
}

export interface ListFilter {
  /** Part of the term, its correction or its note. */
  q?: string;
  limit: number;
  offset: number;
}

/** A page of the list, by term, with the number of rows matching the filter. */
export async function list(db: Db, platformId: string, filter: ListFilter): Promise<{ items: SeriousErrorTermRow[]; total: number }> {
  let query = db.selectFrom('serious_error_term').where('platform_id', '=', platformId);
  const q = filter.q?.trim();
  if (q) {
    const pattern = `%${escapeLike(q)}%`;
    query = query.where((eb) => eb.or([eb('term', 'ilike', pattern), eb('correction', 'ilike', pattern), eb('note', 'ilike', pattern)]));
  }
  const items = await query.select(TERM_COLUMNS).orderBy('term').orderBy('id').limit(filter.limit).offset(filter.offset).execute();
  const count = await query.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow();
  return { items, total: Number(count.total) };
}

/** Every term of the platform, with what the matcher needs. */
export function listAll(db: Db, platformId: string): Promise<Pick<SeriousErrorTermRow, 'id' | 'term' | 'correction' | 'kind'>[]> {
  return db.selectFrom('serious_error_term').select(['id', 'term', 'correction', 'kind']).where('platform_id', '=', platformId)
    .orderBy('id').execute();
}

/**
 * A fingerprint of the platform's list: the row count and a sum of per-row hashes, so any
 * insert, delete or edit changes it (from any server instance, not only this process).
 */
export async function version(db: Db, platformId: string): Promise<string> {
  const row = await db.selectFrom('serious_error_term')
    .select([
      (eb) => eb.fn.countAll<string>().as('count'),
      sql<string>`coalesce(sum(hashtext(id::text || term || coalesce(correction, '') || kind)::bigint), 0)`.as('hash'),
    ])
    .where('platform_id', '=', platformId).executeTakeFirstOrThrow();
  return `${row.count}:${row.hash}`;
}

export function insert(db: Db, row: NewSeriousErrorTermRow): Promise<SeriousErrorTermRow> {
  return db.insertInto('serious_error_term').values(row).returning(TERM_COLUMNS).executeTakeFirstOrThrow();
}

/** Insert many rows in multi-row chunks; returns how many were written. */
export async function insertMany(db: Db, rows: readonly NewSeriousErrorTermRow[]): Promise<number> {
  let written = 0;
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    written += (await db.insertInto('serious_error_term').values(rows.slice(i, i + INSERT_CHUNK)).returning('id').execute()).length;
  }
  return written;
}

/** Delete one row; returns it, or undefined when there was none (or RLS hid it). */
export function remove(db: Db, platformId: string, id: string): Promise<SeriousErrorTermRow | undefined> {
  return db.deleteFrom('serious_error_term').where('platform_id', '=', platformId).where('id', '=', id)
    .returning(TERM_COLUMNS).executeTakeFirst();
}
