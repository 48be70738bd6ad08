import { v5, v7 } from 'uuid';

/** A new primary key: UUID v7 made in the application (Postgres 15 has no uuidv7()). */
export function newId(): string {
  return v7();
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when the string is a UUID in canonical form (checked before it reaches a uuid column). */
export function isUuid(value: string): boolean {
  return UUID_RE.test(value);
}

/** A stable UUID (v5) for a name within a namespace: the same name always gives the same id. */
export function stableId(namespace: string, name: string): string {
  return v5(name, namespace);
}
