/**
 * Parameterised queries as named prepared statements (issue 6, Speed): Postgres then plans a
 * statement's text once per connection, not on every run. Measured on a public article page,
 * planning took longer than executing (about 0.5–0.9 ms a query under row-level security, whose
 * policies expand every query). node-postgres prepares a named statement on a connection's first
 * use and afterwards sends only Bind and Execute. Parameterless text (BEGIN, applyScope's merged
 * statement, migrations' multi-statement scripts) stays a simple query.
 *
 * Each connection keeps at most MAX_PER_CONNECTION statements: past that, new texts run unnamed
 * (as before), so a process that meets many query shapes cannot grow the server's memory without
 * bound. Not for PgBouncer in transaction mode, which cannot keep a session's prepared statements.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { PostgresPool, PostgresPoolClient } from 'kysely';

const MAX_PER_CONNECTION = 500;
const MAX_NAMES = 5_000;

/** Statement names by text: a short hash, made once per text. */
const names = new Map<string, string>();
function nameOf(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `zq_${createHash('sha1').update(text).digest('base64url').slice(0, 20)}`;
    if (names.size >= MAX_NAMES) names.clear();
    names.set(text, name);
  }
  return name;
}

const prepared = new WeakMap<pg.PoolClient, Set<string>>();

/** A pg Pool for Kysely's PostgresDialect whose clients run parameterised queries as prepared statements. */
export function preparingPool(pool: pg.Pool): PostgresPool {
  return {
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect();
      let mine = prepared.get(client);
      if (!mine) prepared.set(client, (mine = new Set()));
      const known = mine;
      return {
        query(text: unknown, parameters?: ReadonlyArray<unknown>) {
          if (typeof text !== 'string' || !parameters || parameters.length === 0) return client.query(text as never, parameters as never) as never;
          const name = nameOf(text);
          if (!known.has(name)) {
            if (known.size >= MAX_PER_CONNECTION) return client.query(text, [...parameters]) as never;
            known.add(name);
          }
          return client.query({ name, text, values: [...parameters] }) as never;
        },
        release(destroy?: boolean) {
          // A destroyed client's statements die with its connection.
          if (destroy) prepared.delete(client);
          client.release(destroy);
        },
      } as PostgresPoolClient;
    },
    end: () => pool.end(),
  };
}
