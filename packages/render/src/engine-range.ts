/**
 * The subset of npm semver ranges theme.json `engines.zhanqun` may use: `^x.y.z`, `~x.y.z`,
 * `x.y.z`, x-ranges (`1.x`, `0.2.*`), full-version comparators (`>=1.0.0 <2.0.0`) and `||`.
 * Small enough to own rather than depend on `semver` (which is only here transitively).
 */
type Version = [number, number, number];
interface Bound { op: '>=' | '<' | '<=' | '>' | '='; v: Version }

const FULL = /^v?(\d+)\.(\d+)\.(\d+)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
const PARTIAL = /^v?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?$/;
const COMPARATOR = /^(\^|~|>=|<=|>|<|=)?\s*(.*)$/;

/** A version `x.y.z` (prerelease and build are accepted and ignored), or null. */
export function parseVersion(text: string): Version | null {
  const m = FULL.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** One comparator as bounds; `null` when it is outside the subset. */
function bounds(comparator: string): Bound[] | null {
  const [, op = '', rest = ''] = COMPARATOR.exec(comparator) ?? [];
  if (op && op !== '^' && op !== '~' && op !== '=') {
    const v = parseVersion(rest);
    return v ? [{ op: op as Bound['op'], v }] : null;
  }
  const m = PARTIAL.exec(rest) ?? (FULL.test(rest) ? PARTIAL.exec(rest.replace(/[-+].*$/, '')) : null);
  if (!m) return null;
  const parts = [m[1], m[2], m[3]].map((p) => (p === undefined || /^[xX*]$/.test(p) ? null : Number(p)));
  const given = parts.findIndex((p) => p === null);
  const n = given === -1 ? 3 : given; // how many leading numbers were given
  if (parts.slice(n).some((p) => p !== null)) return null; // 1.x.3
  const [M = 0, mi = 0, p = 0] = parts.map((x) => x ?? 0);
  const low: Bound = { op: '>=', v: [M, mi, p] };
  if (n === 0) return [];
  if (op === '^') {
    if (M > 0 || n === 1) return [low, { op: '<', v: [M + 1, 0, 0] }];
    if (mi > 0 || n === 2) return [low, { op: '<', v: [0, mi + 1, 0] }];
    return [low, { op: '<', v: [0, 0, p + 1] }];
  }
  if (op === '~') return n === 1 ? [low, { op: '<', v: [M + 1, 0, 0] }] : [low, { op: '<', v: [M, mi + 1, 0] }];
  if (n === 3) return [{ op: '=', v: [M, mi, p] }];
  return [low, { op: '<', v: n === 1 ? [M + 1, 0, 0] : [M, mi + 1, 0] }];
}

/** The range as alternatives of bounds, or null when it is not in the supported subset. */
export function parseRange(range: string): Bound[][] | null {
  const sets: Bound[][] = [];
  for (const alternative of range.split('||')) {
    // `>= 1.0.0` is one comparator: glue an operator to its version before splitting on spaces.
    const comparators = alternative.trim().replace(/(\^|~|>=|<=|>|<|=)\s+/g, '$1').split(/\s+/).filter(Boolean);
    if (!comparators.length) return null; // npm reads '' as '*'; a theme should say what it needs
    const set: Bound[] = [];
    for (const c of comparators) {
      const b = bounds(c);
      if (!b) return null;
      set.push(...b);
    }
    sets.push(set);
  }
  return sets.length ? sets : null;
}

const HOLDS: Record<Bound['op'], (c: number) => boolean> = {
  '>=': (c) => c >= 0, '>': (c) => c > 0, '<': (c) => c < 0, '<=': (c) => c <= 0, '=': (c) => c === 0,
};

/** Does `version` fall in a range parsed by parseRange? */
export function satisfies(version: Version, range: Bound[][]): boolean {
  return range.some((set) => set.every((b) => HOLDS[b.op](compare(version, b.v))));
}
