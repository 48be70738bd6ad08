/**
 * Legacy URL canonicalisation, after GOV.UK's optic14n (what Bouncer and Transition apply to
 * stored mappings and to every request alike, so the two meet): lower case throughout, https as
 * http, no trailing slashes, a few troublesome characters escaped, the fragment dropped, and only
 * the legacy site's significant query parameters kept, sorted by name and form-encoded.
 * Pure: no I/O. Cases: ../shared/corpus/alphagov-bouncer-derived/optic14n-canonicalisation-cases.json.
 */

/** Which query parameters survive: none (the default), all, or these names (compared as given, after the key is lowercased). */
export type AllowQuery = null | 'all' | readonly string[];

export class InvalidLegacyUrlError extends Error {
  readonly code = 'ZQ_LEGACY_INVALID_URL';
  readonly statusCode = 400;
  constructor(readonly input: string, reason: string) {
    super(`Invalid legacy URL "${input.slice(0, 200)}": ${reason}`);
  }
}

export interface CanonicalUrl {
  scheme: 'http' | 'mailto';
  host: string;
  /** The path without trailing slashes ('' for the root). */
  path: string;
  /** The kept query, sorted and encoded, without '?' ('' when none survives). */
  query: string;
}

const URL_RE = /^([a-z][a-z0-9+.-]*):(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#.*)?$/s;

// Characters escaped in paths (optic14n's list), then ~ and ! unescaped again.
const PATH_ESCAPES: Record<string, string> = { '[': '%5b', ']': '%5d', ',': '%2c', '"': '%22', "'": '%27', '|': '%7c' };

/** Parse and canonicalise a legacy URL. Throws InvalidLegacyUrlError for what is not an http(s) or mailto URL. */
export function canonicalise(input: string, allowQuery: AllowQuery = null): CanonicalUrl {
  let s = input.trim().toLowerCase().replace(/ /g, '%20');
  if (s.startsWith('mailto:')) s = s.replace(/&/g, '%26');
  const m = URL_RE.exec(s);
  if (!m) throw new InvalidLegacyUrlError(input, 'not a URL');
  const scheme = m[1]!;
  if (scheme === 'mailto') return { scheme: 'mailto', host: '', path: s.slice('mailto:'.length).replace(/#.*$/s, ''), query: '' };
  if (scheme !== 'http' && scheme !== 'https') throw new InvalidLegacyUrlError(input, `scheme ${scheme} is not http, https or mailto`);
  const host = m[2] ?? '';
  if (!host || !/^[a-z0-9.-]+(?::\d{1,5})?$/.test(host)) throw new InvalidLegacyUrlError(input, 'the host is missing or malformed');
  return { scheme: 'http', host, path: canonicalPathPart(m[3] ?? ''), query: canonicalQuery(m[4] ?? '', allowQuery) };
}

/** The canonical URL as a string (optic14n's `to_s`). */
export function canonicalUrlString(input: string, allowQuery: AllowQuery = null): string {
  const c = canonicalise(input, allowQuery);
  if (c.scheme === 'mailto') return `mailto:${c.path}`;
  return `http://${c.host}${c.path}${c.query ? `?${c.query}` : ''}`;
}

/**
 * The key a legacy URL entry is stored and looked up under in url_path: the canonical path (at
 * least '/') with its kept query. `pathAndQuery` is a request's raw path and query as sent.
 */
export function canonicalKey(pathAndQuery: string, allowQuery: AllowQuery = null): string {
  const raw = pathAndQuery.startsWith('/') ? pathAndQuery : `/${pathAndQuery}`;
  const c = canonicalise(`http://legacy.invalid${raw}`, allowQuery);
  return `${c.path || '/'}${c.query ? `?${c.query}` : ''}`;
}

/** The url_path key of an absolute legacy URL (a mapping's Old Url). */
export function canonicalKeyOfUrl(url: string, allowQuery: AllowQuery = null): { host: string; key: string } {
  const c = canonicalise(url, allowQuery);
  if (c.scheme !== 'http') throw new InvalidLegacyUrlError(url, 'a legacy page must be an http(s) URL');
  return { host: c.host, key: `${c.path || '/'}${c.query ? `?${c.query}` : ''}` };
}

function canonicalPathPart(path: string): string {
  let p = path.replace(/\/+$/, '');
  p = p.replace(/[[\],"'|]/g, (ch) => PATH_ESCAPES[ch]!);
  // Anything outside ASCII (a £, Chinese characters) as lower-case UTF-8 escapes, as the escapes already present are.
  p = p.replace(/[^\x20-\x7e]+/gu, (chars) => [...Buffer.from(chars, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join(''));
  return p.replace(/%7e/g, '~').replace(/%21/g, '!');
}

function canonicalQuery(query: string, allowQuery: AllowQuery): string {
  if (!query || allowQuery === null) return '';
  const allowed = allowQuery === 'all' ? null : new Set(allowQuery);
  const pairs: { key: string; value: string | null }[] = [];
  for (const part of query.split(/[&;]/)) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const key = formDecode(eq < 0 ? part : part.slice(0, eq));
    if (allowed && !allowed.has(key.toString('latin1'))) continue;
    pairs.push({ key: formEncode(key), value: eq < 0 ? null : formEncode(formDecode(part.slice(eq + 1))) });
  }
  // A stable sort by key keeps repeated keys in their order.
  pairs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return pairs.map((p) => (p.value === null ? p.key : `${p.key}=${p.value}`)).join('&');
}

/** application/x-www-form-urlencoded decoding to bytes: '+' is a space; a bad escape stays as it is. */
function formDecode(s: string): Buffer {
  const bytes: number[] = [];
  const src = Buffer.from(s.replace(/\+/g, ' '), 'utf8');
  for (let i = 0; i < src.length; i++) {
    const b = src[i]!;
    if (b === 0x25 && i + 2 < src.length + 0 && /^[0-9a-f]{2}$/i.test(String.fromCharCode(src[i + 1]!, src[i + 2]!))) {
      bytes.push(Number.parseInt(String.fromCharCode(src[i + 1]!, src[i + 2]!), 16));
      i += 2;
    } else {
      bytes.push(b);
    }
  }
  return Buffer.from(bytes);
}

/** Form encoding of bytes (Ruby's CGI.escape): unreserved kept, space as '+', the rest as upper-case escapes. */
function formEncode(bytes: Buffer): string {
  let out = '';
  for (const b of bytes) {
    const ch = String.fromCharCode(b);
    if (/[A-Za-z0-9_.~-]/.test(ch)) out += ch;
    else if (b === 0x20) out += '+';
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Parse a site's significant-parameter setting: Bouncer splits on ':'; lower case is the caller's job. */
export function parseQueryParams(setting: string | null | undefined): string[] {
  return (setting ?? '').split(':').map((s) => s.trim()).filter(Boolean);
}
