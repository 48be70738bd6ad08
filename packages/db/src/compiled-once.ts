/**
 * A query built and compiled once, then run with new parameters (issue 6, Speed): on an uncached
 * article page, building and compiling its one Kysely query (three JSON subqueries) was 11 % of
 * the server's CPU. The first call builds the query with placeholder arguments and compiles it;
 * every call after swaps the real arguments into the compiled parameters. The same SQL text each
 * time also keeps its prepared statement's name lookup cheap (pg-driver.ts).
 *
 * The query's shape must not depend on the arguments: the builder may only use each one as a
 * scalar value (`where(col, '=', arg)`, `limit(arg)`), never inspect it or spread it into a list.
 * A builder that does is caught on its first call (an argument that reaches no parameter, or a
 * placeholder that comes out changed), not silently run with the wrong values.
 */
import { createQueryId, type Compilable, type CompiledQuery } from 'kysely';
import type { Db } from './scope.js';

const placeholder = (i: number) => `\u0000zq-arg-${i}\u0000`;

export function compiledOnce<A extends readonly unknown[], O>(build: (db: Db, ...args: A) => Compilable<O>): (db: Db, ...args: A) => Promise<O[]> {
  let compiled: { query: CompiledQuery<O>; slots: (number | null)[] } | undefined;
  return async (db, ...args) => {
    if (!compiled) {
      const marks = args.map((_, i) => placeholder(i));
      const query = build(db, ...(marks as unknown as A)).compile();
      const slots = query.parameters.map((p) => (typeof p === 'string' && marks.includes(p) ? marks.indexOf(p) : null));
      marks.forEach((_, i) => {
        if (!slots.includes(i)) throw new Error(`compiledOnce: argument ${i} is not a parameter of the query (used other than as a value?)`);
      });
      if (query.parameters.some((p) => typeof p === 'string' && p.includes('\u0000zq-arg-') && !marks.includes(p))) {
        throw new Error('compiledOnce: an argument was changed on its way into the query (used other than as a value?)');
      }
      compiled = { query, slots };
    }
    const { query, slots } = compiled;
    const parameters = slots.map((slot, i) => (slot === null ? query.parameters[i] : args[slot]));
    const result = await db.executeQuery<O>({ ...query, parameters, queryId: createQueryId() });
    return result.rows;
  };
}
