import { createHash } from 'node:crypto';

const MAX_NAMES = 5_000;

/** Prepared statements' names by text: a short hash, made once per text (pg-driver.ts). */
const names = new Map<string, string>();

export function statementName(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `zq_${createHash('sha1').update(text).digest('base64url').slice(0, 20)}`;
    if (names.size >= MAX_NAMES) names.clear();
    names.set(text, name);
  }
  return name;
}
