/**
 * The external link checker's fetcher (外链检测). Editors put any URL in an article, and the
 * checker requests it from inside our network, so a link is a way to make the server call
 * addresses the editor cannot reach (SSRF): the database, Redis, the cloud metadata service at
 * 169.254.169.254, an intranet admin page. This fetcher refuses private, loopback, link-local,
 * unique-local, CGNAT, multicast, unspecified and reserved addresses, IPv4 and IPv6, including
 * IPv4 addresses dressed as IPv6 (::ffff:10.0.0.1, NAT64, 6to4).
 *
 * It resolves the host itself and connects only to the addresses it vetted: the vetted list is
 * handed to http.request as its `lookup`, so no second DNS answer (DNS rebinding) is ever used.
 * Every redirect hop is checked again from scratch. HEAD first, GET when HEAD is refused; no body
 * is read (the socket is closed once the status line and headers are in), and one deadline
 * covers the whole check, DNS and redirects included.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

export type LinkCheckError =
  | 'invalid_url' | 'unsupported_scheme' | 'private_address' | 'dns' | 'timeout' | 'too_many_redirects'
  | 'http_error' | 'tls' | 'network';

export interface LinkCheckResult {
  url: string;
  ok: boolean;
  /** The last status received (after redirects). */
  status?: number;
  /** Where the redirects ended, when there were any. */
  finalUrl?: string;
  error?: LinkCheckError;
}

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolve a host name to all its addresses; the default is dns.lookup with `all: true`. */
export type Resolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export interface SafeFetchOptions {
  /** Injectable for tests; the default asks the system resolver (dns.lookup, all addresses). */
  resolve?: Resolver;
  /** For the whole check: DNS, every hop, every redirect (default 5 s). */
  timeoutMs?: number;
  /** Redirects followed at most (default 5); one more is `too_many_redirects`. */
  maxRedirects?: number;
  userAgent?: string;
  /**
   * TEST ONLY: addresses exempt from the private-address rule, so a test can reach its own
   * server on 127.0.0.1. Never set it in the application: it reopens exactly the hole this module
   * closes.
   */
  unsafeAllowAddressesForTests?: readonly string[];
}

const DEFAULT_TIMEOUT_MS = 5_000;
const DEFAULT_MAX_REDIRECTS = 5;
const DEFAULT_USER_AGENT = 'zhanqun-link-check/1.0';
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** HEAD answered 405 or 501: ask again with GET. */
const HEAD_REFUSED = new Set([405, 501]);

/** Ranges no link check may reach (IANA special-purpose registries, RFC 6890 and successors). */
const BLOCKED_IPV4: readonly [string, number][] = [
  ['0.0.0.0', 8], // "this network", 0.0.0.0 (unspecified)
  ['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16], // private (RFC 1918)
  ['100.64.0.0', 10], // carrier-grade NAT (RFC 6598)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['198.51.100.0', 24], ['203.0.113.0', 24], // protocol assignments, documentation
  ['192.88.99.0', 24], ['198.18.0.0', 15], // 6to4 relay anycast, benchmarking
  ['224.0.0.0', 4], ['240.0.0.0', 4], // multicast, reserved and broadcast
];
const BLOCKED_IPV6: readonly [string, number][] = [
  ['::', 96], // unspecified, loopback, and the deprecated IPv4-compatible ::a.b.c.d
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], ['fec0::', 10], // link-local, old site-local
  ['ff00::', 8], // multicast
];

const BLOCKED = new BlockList();
for (const [net, prefix] of BLOCKED_IPV4) BLOCKED.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of BLOCKED_IPV6) BLOCKED.addSubnet(net, prefix, 'ipv6');

/** The eight 16-bit words of an IPv6 address (which isIP has accepted), or null. */
function ipv6Words(address: string): number[] | null {
  let text = address;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const part = (s: string | undefined) => (s ? s.split(':').map((w) => Number.parseInt(w, 16)) : []);
  const left = part(head);
  const right = part(tail);
  const words = tail === undefined ? left : [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  return words.length === 8 ? words : null;
}

/** The IPv4 address inside a NAT64 (64:ff9b::/96) or 6to4 (2002::/16) address, or null. */
function embeddedIpv4(address: string): string | null {
  const w = ipv6Words(address);
  if (!w) return null;
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  if (w[0] === 0x64 && w[1] === 0xff9b && w.slice(2, 6).every((x) => x === 0)) return v4(w[6]!, w[7]!);
  if (w[0] === 0x2002) return v4(w[1]!, w[2]!);
  return null;
}

/** True when a link check must not connect to this address (or it is not an IP address at all). */
export function isForbiddenAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 4) return BLOCKED.check(bare, 'ipv4');
  if (family !== 6) return true;
  // BlockList checks ::ffff:a.b.c.d against the IPv4 rules itself.
  if (BLOCKED.check(bare, 'ipv6')) return true;
  const embedded = embeddedIpv4(bare);
  return embedded !== null && BLOCKED.check(embedded, 'ipv4');
}

const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

class CheckFailed extends Error {
  constructor(readonly reason: LinkCheckError, readonly status?: number) {
    super(reason);
  }
}

/** Check one external link: true when it answers 2xx within the limits, after at most 5 redirects. */
export async function checkLink(url: string, options: SafeFetchOptions = {}): Promise<LinkCheckResult> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  try {
    const { status, finalUrl } = await follow(url, options, controller.signal);
    const ok = status >= 200 && status < 300;
    return { url, ok, status, ...(finalUrl !== url ? { finalUrl } : {}), ...(ok ? {} : { error: 'http_error' as const }) };
  } catch (err) {
    if (err instanceof CheckFailed) return { url, ok: false, error: err.reason, ...(err.status ? { status: err.status } : {}) };
    return { url, ok: false, error: controller.signal.aborted ? 'timeout' : networkError(err) };
  } finally {
    clearTimeout(timer);
  }
}

async function follow(url: string, options: SafeFetchOptions, signal: AbortSignal): Promise<{ status: number; finalUrl: string }> {
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  let current = parseUrl(url);
  for (let hop = 0; ; hop++) {
    const addresses = await vet(current.hostname, options, signal);
    let answer = await send(current, 'HEAD', addresses, options, signal);
    if (HEAD_REFUSED.has(answer.status)) answer = await send(current, 'GET', addresses, options, signal);
    if (!REDIRECTS.has(answer.status) || !answer.location) return { status: answer.status, finalUrl: current.href };
    if (hop >= maxRedirects) throw new CheckFailed('too_many_redirects', answer.status);
    current = parseUrl(answer.location, current);
  }
}

function parseUrl(value: string, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(value, base);
  } catch {
    throw new CheckFailed('invalid_url');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CheckFailed('unsupported_scheme');
  return url;
}

/** The addresses this hop may connect to: every one the host resolves to must be public. */
async function vet(host: string, options: SafeFetchOptions, signal: AbortSignal): Promise<ResolvedAddress[]> {
  const allowed = options.unsafeAllowAddressesForTests ?? [];
  const refused = (address: string) => isForbiddenAddress(address) && !allowed.includes(address);
  const bare = host.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  if (family) {
    if (refused(bare)) throw new CheckFailed('private_address');
    return [{ address: bare, family }];
  }
  let addresses: readonly ResolvedAddress[];
  try {
    addresses = await abortable((options.resolve ?? systemResolver)(bare), signal);
  } catch (err) {
    if (signal.aborted) throw err;
    throw new CheckFailed('dns');
  }
  if (!addresses.length) throw new CheckFailed('dns');
  // One private answer refuses the host: a name that mixes public and private answers is a trap.
  if (addresses.some((a) => refused(a.address))) throw new CheckFailed('private_address');
  return [...addresses];
}

interface Answer {
  status: number;
  location?: string;
}

/** One request to vetted addresses only; resolves on the status line, never reads the body. */
function send(url: URL, method: 'HEAD' | 'GET', addresses: ResolvedAddress[], options: SafeFetchOptions, signal: AbortSignal): Promise<Answer> {
  // net.connect calls this instead of DNS (it skips it for IP literals, which vet() checked).
  const lookup = ((_hostname, opts, callback) => {
    if (opts.all) callback(null, addresses);
    else callback(null, addresses[0]!.address, addresses[0]!.family);
  }) as LookupFunction;
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<Answer>((resolve, reject) => {
    const req = request({
      protocol: url.protocol, hostname: url.hostname.replace(/^\[|\]$/g, ''), port: url.port || undefined,
      path: `${url.pathname}${url.search}`, method, lookup, signal,
      // A fresh connection: a pooled socket would skip our lookup for the next hop.
      agent: false,
      headers: { 'user-agent': options.userAgent ?? DEFAULT_USER_AGENT, accept: '*/*' },
    }, (res: IncomingMessage) => {
      const location = res.headers.location;
      req.destroy();
      resolve({ status: res.statusCode ?? 0, ...(location ? { location } : {}) });
    });
    req.on('error', reject);
    req.end();
  });
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Error('aborted'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function networkError(err: unknown): LinkCheckError {
  const code = String((err as { code?: unknown }).code ?? '');
  if (/^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|HOSTNAME_MISMATCH)/.test(code) || code === 'ERR_TLS_CERT_ALTNAME_INVALID') return 'tls';
  return 'network';
}
