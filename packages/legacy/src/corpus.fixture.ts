// Test fixture (not built): the shared corpus, read in place from ../shared/corpus beside the
// repository (never copied into it).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CORPUS = join(fileURLToPath(new URL('../../../', import.meta.url)), '../shared/corpus');

export function corpusPath(...parts: string[]): string {
  return join(CORPUS, ...parts);
}

export function readCorpusJson<T>(...parts: string[]): T {
  return JSON.parse(readFileSync(corpusPath(...parts), 'utf8')) as T;
}
