export type DiffOp = 'same' | 'add' | 'del';

export interface DiffPart {
  op: DiffOp;
  text: string;
}

/** Beyond this many word segments on either side the diff falls back to lines. */
export const MAX_SEGMENTS = 20_000;
/** Edit distance at which Myers gives up (time O((N+M)·D), trace memory O(D²)); the caller falls back. */
const MAX_EDITS = 4_000;

let segmenter: Intl.Segmenter | undefined;

/**
 * Word segments of a text, Chinese segmented by Intl.Segmenter (not by whitespace, which
 * Chinese does not have). Every segment is kept, so whitespace and punctuation survive.
 */
export function segmentWords(text: string): string[] {
  segmenter ??= new Intl.Segmenter('zh', { granularity: 'word' });
  const out: string[] = [];
  // Sentence by sentence: words never cross a line break or a sentence end, and V8's segmenter
  // slows down superlinearly on one long string (a 50,000-character article took seconds).
  for (const line of text.match(/[^\n。！？；!?;]*[\n。！？；!?;]|[^\n。！？；!?;]+/g) ?? []) {
    for (const s of segmenter.segment(line)) out.push(s.segment);
  }
  return out;
}

/** Lines with their line breaks kept. */
function segmentLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/**
 * Word-level difference between two texts: `same` parts are in both, `del` only in `a`,
 * `add` only in `b`; adjacent parts of one kind are merged. Joining `same`+`del` gives `a`,
 * `same`+`add` gives `b`.
 */
export function diffRevisions(a: string, b: string): DiffPart[] {
  if (a === b) return a === '' ? [] : [{ op: 'same', text: a }];
  const wa = segmentWords(a);
  const wb = segmentWords(b);
  if (wa.length <= MAX_SEGMENTS && wb.length <= MAX_SEGMENTS) {
    const words = diffSequences(wa, wb);
    if (words) return merge(words);
  }
  const lines = diffSequences(segmentLines(a), segmentLines(b));
  if (lines) return merge(lines);
  // Too different to be worth aligning: the old text out, the new text in.
  return merge([{ op: 'del', text: a }, { op: 'add', text: b }]);
}

function merge(parts: readonly DiffPart[]): DiffPart[] {
  const out: DiffPart[] = [];
  // Within a changed stretch, dels before adds, so a replacement reads as one del then one add.
  let dels = '';
  let adds = '';
  const flush = (): void => {
    if (dels) push({ op: 'del', text: dels });
    if (adds) push({ op: 'add', text: adds });
    dels = '';
    adds = '';
  };
  const push = (p: DiffPart): void => {
    const last = out[out.length - 1];
    if (last && last.op === p.op) last.text += p.text;
    else out.push({ ...p });
  };
  for (const p of parts) {
    if (p.text === '') continue;
    if (p.op === 'del') dels += p.text;
    else if (p.op === 'add') adds += p.text;
    else {
      flush();
      push(p);
    }
  }
  flush();
  return out;
}

/**
 * Myers' O((N+M)·D) shortest edit script over two token arrays, after trimming the common
 * prefix and suffix. Returns undefined when the edit distance exceeds MAX_EDITS.
 */
export function diffSequences(a: readonly string[], b: readonly string[]): DiffPart[] | undefined {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const head: DiffPart[] = a.slice(0, start).map((text) => ({ op: 'same', text }));
  const tail: DiffPart[] = a.slice(endA).map((text) => ({ op: 'same', text }));
  const x = a.slice(start, endA);
  const y = b.slice(start, endB);
  const middle = myers(x, y);
  if (!middle) return undefined;
  return [...head, ...middle, ...tail];
}

function myers(a: readonly string[], b: readonly string[]): DiffPart[] | undefined {
  const n = a.length;
  const m = b.length;
  if (n === 0) return b.map((text) => ({ op: 'add', text }));
  if (m === 0) return a.map((text) => ({ op: 'del', text }));
  const max = Math.min(n + m, MAX_EDITS);
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    // Keep only the diagonals -d..d of this step.
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let px: number;
      if (k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!)) px = v[offset + k + 1]!;
      else px = v[offset + k - 1]! + 1;
      let py = px - k;
      while (px < n && py < m && a[px] === b[py]) {
        px++;
        py++;
      }
      v[offset + k] = px;
      if (px >= n && py >= m) return backtrack(a, b, trace, d);
    }
  }
  return undefined;
}

function backtrack(a: readonly string[], b: readonly string[], trace: readonly Int32Array[], dEnd: number): DiffPart[] {
  const out: DiffPart[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = dEnd; d > 0; d--) {
    const vd = trace[d]!; // V as it was before step d: diagonals -(d)..d stored from index 0 = k -d-1
    const at = (k: number): number => vd[k + d + 1]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      out.push({ op: 'same', text: a[--x]! });
      y--;
    }
    if (x === prevX) out.push({ op: 'add', text: b[--y]! });
    else out.push({ op: 'del', text: a[--x]! });
  }
  while (x > 0 && y > 0) {
    out.push({ op: 'same', text: a[--x]! });
    y--;
  }
  return out.reverse();
}
