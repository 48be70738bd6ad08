/**
 * The serious-error matcher (严重错误): finds every term of the platform's list in a text — wrong
 * forms such as a misspelt leader's name, and forbidden words — in one pass.
 *
 * Why our own Aho–Corasick: the issue asks for 20,000 characters against 10,000 terms in under
 * 10 ms, which rules out a loop of `includes` (one scan per term) and a 10,000-way regex
 * alternation. The npm Aho–Corasick packages are small, unmaintained, and work on UTF-16 code
 * units with no normalisation. This one walks Unicode code points through a trie with a Map per
 * node (Chinese has too many characters for dense transition tables), failure links built
 * breadth-first, and dictionary links to the next state with output.
 *
 * Text and terms are normalised the same way, one code point at a time, so every normalised
 * character still knows the UTF-16 range of the original character it came from and a match can
 * be highlighted in the original text: NFKC (full-width ＡＢＣ１２３ and compatibility ideographs
 * become ordinary ones), lower case, any run of whitespace (including 　) becomes one space, and
 * invisible format characters (zero-width space, soft hyphen, BOM) are skipped, so they cannot be
 * used to slip a word past the list. Chinese has no word boundaries, so a term matches anywhere,
 * inside longer words too (Latin terms as well).
 */

export type SeriousErrorKind = 'wrong_form' | 'forbidden';

export interface SeriousErrorTerm {
  id: string;
  term: string;
  /** The right form, where one exists. */
  correction: string | null;
  kind: SeriousErrorKind;
}

export interface SeriousErrorMatch {
  termId: string;
  term: string;
  correction: string | null;
  kind: SeriousErrorKind;
  /** UTF-16 offsets into the original text: `text.slice(start, end)` is what was found. */
  start: number;
  end: number;
}

const SPACE = 0x20;
const INVISIBLE = new Set([0x00ad, 0x180e, 0x200b, 0x200c, 0x200d, 0x200e, 0x200f, 0x2060, 0xfeff]);
const NO_CODE_POINTS: readonly number[] = [];
/** Offset buffers up to this many code units are kept between calls (2 × 256 KB). */
const KEPT_BUFFER = 65_536;

/** Code points outside ASCII and the CJK ideograph blocks, normalised once each. */
const foldCache = new Map<number, readonly number[]>();
const FOLD_CACHE_LIMIT = 65_536;

/** The normalised code points of one source code point (usually one, sometimes none or several). */
function fold(cp: number): number | readonly number[] {
  if (cp < 0x80) {
    if (cp >= 0x41 && cp <= 0x5a) return cp + 0x20;
    return cp === 0x09 || cp === 0x0a || cp === 0x0d || cp === 0x0b || cp === 0x0c ? SPACE : cp;
  }
  // CJK Unified Ideographs and Extension A are stable under NFKC and have no case.
  if ((cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3400 && cp <= 0x4dbf)) return cp;
  let out = foldCache.get(cp);
  if (out === undefined) {
    if (INVISIBLE.has(cp)) out = NO_CODE_POINTS;
    else {
      const folded = String.fromCodePoint(cp).normalize('NFKC').toLowerCase();
      out = [...folded].map((ch) => (/\s/.test(ch) ? SPACE : ch.codePointAt(0)!));
    }
    if (foldCache.size < FOLD_CACHE_LIMIT) foldCache.set(cp, out);
  }
  return out;
}

/**
 * Walk `text` as normalised code points: `emit(cp, start, end)` gets each one with the UTF-16
 * range of the source character it came from. Whitespace runs are collapsed to one space.
 */
function walk(text: string, emit: (cp: number, start: number, end: number) => void): void {
  let lastWasSpace = false;
  for (let i = 0; i < text.length;) {
    const cp = text.codePointAt(i)!;
    const next = i + (cp > 0xffff ? 2 : 1);
    const out = fold(cp);
    if (typeof out === 'number') {
      if (out !== SPACE || !lastWasSpace) emit(out, i, next);
      lastWasSpace = out === SPACE;
    } else {
      for (const c of out) {
        if (c !== SPACE || !lastWasSpace) emit(c, i, next);
        lastWasSpace = c === SPACE;
      }
    }
    i = next;
  }
}

/** A term or correction as the automaton sees it: normalised code points, outer spaces trimmed. */
function normalise(text: string): number[] {
  const out: number[] = [];
  walk(text, (cp) => out.push(cp));
  while (out[0] === SPACE) out.shift();
  while (out[out.length - 1] === SPACE) out.pop();
  return out;
}

/** A pattern in the automaton: a listed term, or the correction that shields a term inside it. */
interface Pattern {
  length: number;
  /** Index into the term list. */
  term: number;
  /** The correction of `term`, which contains it: occurrences of the term inside it are right. */
  shield: boolean;
}

interface RawMatch {
  pattern: Pattern;
  /** Normalised indices, end exclusive. */
  from: number;
  to: number;
}

/** An Aho–Corasick automaton over a serious-error list; build once, `find` many times. */
export class SeriousErrorMatcher {
  readonly size: number;
  private readonly terms: readonly SeriousErrorTerm[];
  private readonly goto: Map<number, number>[] = [new Map()];
  private readonly patterns: Pattern[][] = [[]];
  private fail: Int32Array = new Int32Array(1);
  /** The nearest state on the failure chain (excluding itself) with patterns, or 0. */
  private dict: Int32Array = new Int32Array(1);
  private starts: Int32Array<ArrayBuffer> = new Int32Array(0);
  private ends: Int32Array<ArrayBuffer> = new Int32Array(0);

  constructor(terms: readonly SeriousErrorTerm[]) {
    this.terms = terms;
    let size = 0;
    terms.forEach((t, index) => {
      const term = normalise(t.term);
      if (!term.length) return;
      size++;
      this.insert(term, { length: term.length, term: index, shield: false });
      // A wrong form that is part of its own right form (十九大 → 党的十九大) must not be flagged
      // where the right form is written: the correction goes in too, as a shield for that term.
      const correction = t.correction ? normalise(t.correction) : [];
      if (correction.length > term.length && indexOf(correction, term) >= 0) {
        this.insert(correction, { length: correction.length, term: index, shield: true });
      }
    });
    this.size = size;
    this.link();
  }

  private insert(cps: readonly number[], pattern: Pattern): void {
    let state = 0;
    for (const cp of cps) {
      let next = this.goto[state]!.get(cp);
      if (next === undefined) {
        next = this.goto.length;
        this.goto.push(new Map());
        this.patterns.push([]);
        this.goto[state]!.set(cp, next);
      }
      state = next;
    }
    this.patterns[state]!.push(pattern);
  }

  /** Failure and dictionary links, breadth-first from the root. */
  private link(): void {
    const n = this.goto.length;
    this.fail = new Int32Array(n);
    this.dict = new Int32Array(n);
    const queue = new Int32Array(n);
    let head = 0;
    let tail = 0;
    for (const child of this.goto[0]!.values()) queue[tail++] = child;
    while (head < tail) {
      const state = queue[head++]!;
      for (const [cp, child] of this.goto[state]!) {
        let f = this.fail[state]!;
        let target = this.goto[f]!.get(cp);
        while (target === undefined && f !== 0) {
          f = this.fail[f]!;
          target = this.goto[f]!.get(cp);
        }
        const fallback = target ?? 0;
        this.fail[child] = fallback;
        this.dict[child] = this.patterns[fallback]!.length ? fallback : this.dict[fallback]!;
        queue[tail++] = child;
      }
    }
  }

  /**
   * What an editor sees: the terms found in `text`, leftmost first, the longest where two start
   * together, never overlapping, and never a wrong form inside its own right form.
   */
  find(text: string): SeriousErrorMatch[] {
    const { raw, starts, ends } = this.scan(text);
    const found = unshielded(raw).sort((a, b) => a.from - b.from || b.to - a.to || a.pattern.term - b.pattern.term);
    const out: SeriousErrorMatch[] = [];
    let free = 0;
    for (const m of found) {
      if (m.from < free) continue;
      out.push(this.toMatch(m, starts, ends));
      free = m.to;
    }
    return out;
  }

  /** Every occurrence of every term, overlapping ones included (shielded ones excepted), by position. */
  findAll(text: string): SeriousErrorMatch[] {
    const { raw, starts, ends } = this.scan(text);
    return unshielded(raw)
      .sort((a, b) => a.from - b.from || b.to - a.to || a.pattern.term - b.pattern.term)
      .map((m) => this.toMatch(m, starts, ends));
  }

  private scan(text: string): { raw: RawMatch[]; starts: Int32Array; ends: Int32Array } {
    const { goto, fail, dict, patterns } = this;
    // Normalised index → source UTF-16 range, in buffers kept between calls for texts up to an
    // article's size (find is synchronous, so calls never share them), to spare the collector.
    // NFKC rarely expands; grow when it does.
    const size = text.length + 8;
    let starts = this.starts.length >= size ? this.starts : new Int32Array(size);
    let ends = this.ends.length >= size ? this.ends : new Int32Array(size);
    if (size <= KEPT_BUFFER && starts !== this.starts) {
      this.starts = starts;
      this.ends = ends;
    }
    const raw: RawMatch[] = [];
    let k = 0;
    let state = 0;
    walk(text, (cp, start, end) => {
      if (k === starts.length) {
        starts = grow(starts);
        ends = grow(ends);
      }
      starts[k] = start;
      ends[k] = end;
      k++;
      let next = goto[state]!.get(cp);
      while (next === undefined && state !== 0) {
        state = fail[state]!;
        next = goto[state]!.get(cp);
      }
      state = next ?? 0;
      for (let s = patterns[state]!.length ? state : dict[state]!; s !== 0; s = dict[s]!) {
        for (const pattern of patterns[s]!) raw.push({ pattern, from: k - pattern.length, to: k });
      }
    });
    return { raw, starts, ends };
  }

  private toMatch(m: RawMatch, starts: Int32Array, ends: Int32Array): SeriousErrorMatch {
    const t = this.terms[m.pattern.term]!;
    return { termId: t.id, term: t.term, correction: t.correction, kind: t.kind, start: starts[m.from]!, end: ends[m.to - 1]! };
  }
}

/** Term occurrences that do not lie inside an occurrence of their own shielding correction. */
function unshielded(raw: readonly RawMatch[]): RawMatch[] {
  const shields = raw.filter((m) => m.pattern.shield);
  const terms = raw.filter((m) => !m.pattern.shield);
  if (!shields.length) return terms;
  return terms.filter((m) => !shields.some((s) => s.pattern.term === m.pattern.term && s.from <= m.from && m.to <= s.to));
}

function indexOf(haystack: readonly number[], needle: readonly number[]): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function grow(a: Int32Array): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}
