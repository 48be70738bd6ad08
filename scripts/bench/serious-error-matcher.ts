/**
 * The serious-error matcher (issue 5): `find` on a 20,000-character Chinese article against a
 * 10,000-term list, target under 10 ms, compared in the same run with the naive way (an indexOf
 * loop per term). Absolute numbers are machine noise; the ratio is the signal.
 *
 *   node --conditions=@zhanqun/source --import tsx scripts/bench/serious-error-matcher.ts
 *
 * Env: BENCH_TERMS (default 10000), BENCH_CHARS (default 20000), BENCH_RUNS (default 200).
 * The article is the text of the government pages in ../shared/corpus/gov-cn-html, read in place
 * and repeated to length; the terms are generated with a fixed seed, so runs are comparable.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { SeriousErrorMatcher, type SeriousErrorTerm } from '@zhanqun/content/checks/serious-error-matcher';
import { textOf } from '@zhanqun/content/sanitize';

const TERMS = Number(process.env.BENCH_TERMS ?? 10_000) || 10_000;
const CHARS = Number(process.env.BENCH_CHARS ?? 20_000) || 20_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 200) || 200;
const WARMUP = 20;
const BUILDS = 7;
const BASELINE_RUNS = 20;
const TARGET_MS = 10;

const CORPUS = fileURLToPath(new URL('../../../shared/corpus/gov-cn-html/', import.meta.url));
const PAGES = [
  'pingtan/t20110804_53774.excerpt.html',
  'gne/www.gov.cn__gongbao-2007-23__tests-other-1.html',
  'gne/www.shanxi.gov.cn__article__tests-shanxi-1.html',
  'gne/fgw.zj.gov.cn__article__tests-gzggw-1.html',
  'magic-html/www.kepu.gov.cn__article__4e55eac4.html',
  'gne/www.cmse.gov.cn__article__tests-cmse-1.html',
  'gne/www.cmse.gov.cn__article__visiable_test-cmse-1.html',
];

/** Wrong forms of the kind the list holds (misspelt organs and titles, garbled dates), with their right form. */
const REAL_LOOKING: readonly [string, string | null][] = [
  ['国务院办公室', '国务院办公厅'], ['国务院办公厅厅', '国务院办公厅'], ['中华人民共和国国务院院', '中华人民共和国国务院'],
  ['全国人大常委委员会', '全国人大常委会'], ['中共中央政治局常务委', '中共中央政治局常委'], ['省人民政府政府', '省人民政府'],
  ['十九大', '党的十九大'], ['二十大', '党的二十大'], ['中国共产党党员员', '中国共产党党员'], ['抗旱应急预按', '抗旱应急预案'],
  ['实验区管委委会', '实验区管委会'], ['社会主义核心价值观观', '社会主义核心价值观'], ['一带一路路', '一带一路'],
  ['赌博网站', null], ['六合彩', null], ['代开发票', null],
];

/** Deterministic pseudo-random numbers (mulberry32), so every run uses the same list. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const CJK = /[\u4e00-\u9fff]/u;

function article(): { text: string; unique: number } {
  const text = PAGES.map((p) => textOf(readFileSync(CORPUS + p, 'utf8')))
    .join('\n').split('\n').filter((line) => CJK.test(line) && line.length > 10).join('\n');
  let out = '';
  while (out.length < CHARS) out += `${text}\n`;
  // A few real-looking mistakes, so the matcher has something to report.
  const chars = [...out.slice(0, CHARS)];
  const rnd = random(7);
  for (const [wrong] of REAL_LOOKING.slice(0, 8)) chars.splice(Math.floor(rnd() * chars.length), 0, ...wrong);
  return { text: chars.join('').slice(0, CHARS), unique: text.length };
}

function terms(text: string): SeriousErrorTerm[] {
  const rnd = random(2026);
  // The 3,000 most frequent ideographs of the article: generated terms look like Chinese words.
  const counts = new Map<string, number>();
  for (const ch of text) if (CJK.test(ch)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const common = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([ch]) => ch).slice(0, 3000);
  // Pad with CJK Unified Ideographs when the article is small: the list must not run out of letters.
  for (let cp = 0x4e00; common.length < 3000; cp += 7) common.push(String.fromCodePoint(cp));
  const pick = () => common[Math.floor(rnd() ** 2 * common.length)]!;
  const seen = new Set<string>();
  const out: SeriousErrorTerm[] = [];
  const add = (term: string, correction: string | null) => {
    if (seen.has(term) || out.length >= TERMS) return;
    seen.add(term);
    out.push({ id: `t${out.length}`, term, correction, kind: correction === null ? 'forbidden' : 'wrong_form' });
  };
  for (const [term, correction] of REAL_LOOKING) add(term, correction);
  // 1 % are taken from the article itself, so some generated terms really occur.
  const chars = [...text];
  for (let i = 0; i < TERMS / 100; i++) {
    const at = Math.floor(rnd() * (chars.length - 8));
    add(chars.slice(at, at + 2 + Math.floor(rnd() * 3)).join(''), rnd() < 0.5 ? null : '某某');
  }
  while (out.length < TERMS) {
    const length = 2 + Math.floor(rnd() * 7);
    let term = '';
    for (let i = 0; i < length; i++) term += pick();
    add(term, rnd() < 0.7 ? `${term.slice(0, -1)}正` : null);
  }
  return out;
}

// The builds leave tens of MB of garbage; collect it before timing `find`, or a major GC of the
// builds' garbage lands in the find samples. (--expose-gc at run time, without a flag on the command.)
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** The obvious way: scan the text once per term. */
function naive(list: readonly SeriousErrorTerm[], text: string): number {
  let found = 0;
  for (const { term } of list) {
    for (let i = text.indexOf(term); i >= 0; i = text.indexOf(term, i + term.length)) found++;
  }
  return found;
}

function time<T>(fn: () => T): [number, T] {
  const start = process.hrtime.bigint();
  const value = fn();
  return [Number(process.hrtime.bigint() - start) / 1e6, value];
}

function stats(samples: number[]): { median: number; p99: number; min: number; max: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
  return { median: at(0.5), p99: at(0.99), min: s[0]!, max: s[s.length - 1]! };
}

const ms = (n: number) => `${n.toFixed(2).padStart(9)} ms`;

const { text, unique } = article();
const list = terms(text);
console.log(`article: ${text.length} UTF-16 units (${[...text].length} code points), from ${unique} characters of text of ${PAGES.length} corpus pages`);
console.log(`list: ${list.length} terms, ${list.filter((t) => t.kind === 'wrong_form').length} wrong forms, ` +
  `lengths 2–8 (mean ${(list.reduce((n, t) => n + [...t.term].length, 0) / list.length).toFixed(1)})`);

const builds: number[] = [];
for (let i = 0; i < BUILDS; i++) builds.push(time(() => new SeriousErrorMatcher(list))[0]);
gc();
const heapBefore = process.memoryUsage().heapUsed;
const matcher = new SeriousErrorMatcher(list);
gc();
const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;

for (let i = 0; i < WARMUP; i++) matcher.find(text);
const finds: number[] = [];
let shown = 0;
for (let i = 0; i < RUNS; i++) {
  const [took, found] = time(() => matcher.find(text));
  finds.push(took);
  shown = found.length;
}
const all = matcher.findAll(text).length;

for (let i = 0; i < 3; i++) naive(list, text);
const baseline: number[] = [];
let naiveFound = 0;
for (let i = 0; i < BASELINE_RUNS; i++) {
  const [took, n] = time(() => naive(list, text));
  baseline.push(took);
  naiveFound = n;
}

const b = stats(builds);
const f = stats(finds);
const n = stats(baseline);
console.log('');
console.log(`${'measure'.padEnd(44)}${'median'.padStart(12)}${'p99'.padStart(12)}${'min'.padStart(12)}${'max'.padStart(12)}`);
console.log(`${`build automaton (${BUILDS} builds, first cold)`.padEnd(44)}${ms(b.median)}${'–'.padStart(12)}${ms(b.min)}${ms(b.max)}`);
console.log(`${`find, Aho–Corasick (${RUNS} runs)`.padEnd(44)}${ms(f.median)}${ms(f.p99)}${ms(f.min)}${ms(f.max)}`);
console.log(`${`baseline, indexOf per term (${BASELINE_RUNS} runs)`.padEnd(44)}${ms(n.median)}${ms(n.p99)}${ms(n.min)}${ms(n.max)}`);
console.log('');
console.log(`matches: ${shown} shown (leftmost-longest, not overlapping), ${all} in all; baseline counted ${naiveFound} (exact, no normalisation, no shielding)`);
console.log(`automaton heap: ${heapMb.toFixed(1)} MB (kept per platform by loadMatcher)`);
console.log(`ratio (baseline / find, medians): ${(n.median / f.median).toFixed(1)}×`);
console.log('');
console.log(`serious-error find, ${text.length} chars × ${list.length} terms: median ${f.median.toFixed(2)} ms, p99 ${f.p99.toFixed(2)} ms (target < ${TARGET_MS} ms)`);
