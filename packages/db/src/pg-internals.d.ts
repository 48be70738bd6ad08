// node-postgres's own value mapping (what its Query does before Bind), used by pg-driver.ts's
// pipelined read; the package exports ./lib/* but @types/pg does not describe it.
declare module 'pg/lib/utils.js' {
  export function prepareValue(value: unknown): unknown;
}
