/**
 * Reading one article page of a mirror (issue 7, Speed): decode, extract by the profile, and —
 * when the page's files are not to be stored first — sanitise the body into the revision's
 * content. That is nearly all of an import's CPU time (parse5 ~1.5 ms, the sanitiser ~0.2 ms on a
 * typical page here), so a long import runs it on worker threads (page-worker.ts, through
 * piscina) while the main thread writes the batches before; a short one runs it inline. Pure.
 */
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { readFileSync } from 'node:fs';
import { revisionContent, type ArticleContentInput, type RevisionContent } from '@zhanqun/content/article.service';
import type { Validity } from '@zhanqun/db/database';
import { Piscina } from 'piscina';
import { decodePage } from '../extract/decode.js';
import { parseProfile, type MirrorProfile } from './mirror-profile.js';
import { extractArticle, type ExtractedPage } from './page-extract.js';

export interface PageTask {
  file: string;
  /** The page's URL on the old site. */
  url: string;
  /** The mapping profile's YAML (parsed once per thread). */
  profile: string;
  /** Sanitise the body here (false when its files are stored first and the body changes). */
  sanitise: boolean;
}

export type PageRead =
  | { ok: true; page: ExtractedPage; fields: ArticleContentInput; fingerprint: string; content: RevisionContent | null }
  | { ok: false; title: string; reason: string };

let lastProfile: { text: string; profile: MirrorProfile } | null = null;

function profileOf(text: string): MirrorProfile {
  if (lastProfile?.text !== text) lastProfile = { text, profile: parseProfile(text) };
  return lastProfile.profile;
}

/** Read one article page; a page that yields no article says why. */
export function readPage(task: PageTask): PageRead {
  const profile = profileOf(task.profile);
  let title = '';
  try {
    const extracted = extractArticle(decodePage(readFileSync(task.file)).text, task.url, profile);
    if (!extracted) throw new Error(`no body found${profile.selectors.body ? ` by ${profile.selectors.body}` : ''}`);
    title = extracted.title;
    if (!extracted.publishedAt) throw new Error('no publish time found');
    const box = extracted.box;
    const fields: ArticleContentInput = {
      title: extracted.title, bodyHtml: extracted.bodyHtml, documentNumber: box.documentNumber, issuingOrgan: box.issuingOrgan,
      dateWritten: box.dateWritten, topicCategory: box.topicCategory === '无' ? null : box.topicCategory, validity: box.validity as Validity | null,
    };
    // The same document in two sections: the same title and text, whatever the markup around it.
    const fingerprint = createHash('sha256').update(JSON.stringify([extracted.title, extracted.bodyHtml.replace(/<[^>]*>|\s+/g, '')])).digest('hex');
    return { ok: true, page: extracted, fields, fingerprint, content: task.sanitise ? revisionContent(fields) : null };
  } catch (err) {
    return { ok: false, title, reason: (err as Error).message };
  }
}

/** Sanitise content whose body was changed after reading (files stored). */
export function sanitise(fields: ArticleContentInput): RevisionContent {
  return revisionContent(fields);
}

export interface PageReader {
  read(task: PageTask): Promise<PageRead>;
  sanitise(fields: ArticleContentInput): Promise<RevisionContent>;
  /** How many pages it reads ahead of the one being written. */
  readonly window: number;
  /** Worker threads reading (0: inline). */
  readonly threads: number;
  close(): Promise<void>;
}

/** Pages from which an import reads on worker threads (a thread takes ~0.2 s to start and load the code). */
export const THREADED_FROM = 200;

/**
 * A reader for `pages` pages: inline below THREADED_FROM pages (or `threads` 0), else on
 * `threads` worker threads (default: the machine's cores, at most 4). Run from TypeScript source
 * (tests, `npm run zhanqun`), the default is inline: a thread compiling through tsx runs this code
 * about 4× slower than the built JavaScript does (measured here), so threads pay off only built.
 */
export function pageReader(pages: number, threads?: number): PageReader {
  const source = import.meta.url.endsWith('.ts');
  const n = threads ?? (pages >= THREADED_FROM && !source ? Math.min(availableParallelism(), 4) : 0);
  if (n === 0) {
    // Inline, each page after a turn of the event loop: the batch being written takes its next step meanwhile.
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    return {
      read: async (task) => { await turn(); return readPage(task); },
      sanitise: async (fields) => sanitise(fields),
      window: 1,
      threads: 0,
      close: async () => {},
    };
  }
  const pool = new Piscina({
    filename: new URL(source ? './page-worker.ts' : './page-worker.js', import.meta.url).href,
    minThreads: n,
    maxThreads: n,
    // Built, a thread needs none of the process's options: not a TypeScript loader (a bench run through
    // tsx would hand its own down, and slow it), nor V8 flags, which threads refuse.
    execArgv: source ? withSource(process.execArgv) : [],
  });
  return {
    read: (task) => pool.run(task) as Promise<PageRead>,
    sanitise: (fields) => pool.run(fields, { name: 'sanitise' }) as Promise<RevisionContent>,
    window: n * 4,
    threads: n,
    close: () => pool.destroy(),
  };
}

function withSource(argv: readonly string[]): string[] {
  const out = [...argv];
  if (!argv.some((a, i) => a === 'tsx' && argv[i - 1] === '--import') && !argv.includes('--import=tsx')) out.push('--import', 'tsx');
  if (!argv.includes('--conditions=@zhanqun/source')) out.push('--conditions=@zhanqun/source');
  return out;
}
