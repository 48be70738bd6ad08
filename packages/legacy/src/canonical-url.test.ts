import { describe, expect, it } from 'vitest';
import { canonicalKey, canonicalUrlString, InvalidLegacyUrlError, type AllowQuery } from './canonical-url.js';
import { readCorpusJson } from './corpus.fixture.js';

interface Case { input: string; allow_query: null | 'all' | string | string[]; expected: string; note?: string }
const corpus = readCorpusJson<{ cases: Case[] }>('alphagov-bouncer-derived', 'optic14n-canonicalisation-cases.json');

/** The corpus gives a string allow list for the old Perl redirector's separator-delimited form. */
function allow(q: Case['allow_query']): AllowQuery {
  if (q === null || q === 'all') return q;
  return typeof q === 'string' ? q.split(/[\s,:]+/).filter(Boolean) : q;
}

describe('canonicalise (optic14n corpus)', () => {
  it('has the 40 cases', () => expect(corpus.cases).toHaveLength(40));
  it.each(corpus.cases.map((c) => [c.input, c] as const))('%s', (_input, c) => {
    if (c.expected.startsWith('ERROR')) {
      expect(() => canonicalUrlString(c.input, allow(c.allow_query))).toThrow(InvalidLegacyUrlError);
    } else {
      expect(canonicalUrlString(c.input, allow(c.allow_query))).toBe(c.expected);
    }
  });
});

describe('canonicalKey', () => {
  it('should give the root as / and keep significant parameters sorted', () => {
    expect(canonicalKey('/')).toBe('/');
    expect(canonicalKey('///?utm_source=x')).toBe('/');
    expect(canonicalKey('/Page/?B=2&a=1&x=9', ['a', 'b'])).toBe('/page?a=1&b=2');
  });
  it('should meet a raw Chinese path and its percent-encoded form in one key', () => {
    expect(canonicalKey('/zwgk/通知.html')).toBe(canonicalKey('/zwgk/%E9%80%9A%E7%9F%A5.html'));
    expect(canonicalKey('/zwgk/通知.html')).toBe('/zwgk/%e9%80%9a%e7%9f%a5.html');
  });
});
