/**
 * Fetching a legacy page for the crawler (issue 7, Safety): the host is resolved here and every
 * address it resolves to must be public (the link checker's rules, isForbiddenAddress), and the
 * connection goes only to those vetted addresses (no second DNS answer). Redirects are followed
 * by hand, each hop vetted again and kept to the allowed hosts; the body is capped in bytes and
 * the whole fetch in time. No page script ever runs: the body is bytes.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { isForbiddenAddress } from '@zhanqun/content/checks/safe-fetch';

export interface FetchOptions {
  /** Hosts the crawl may touch (redirects elsewhere are refused). */
  hosts: ReadonlySet<string>;
  maxBytes: number;
  timeoutMs: number;
  maxRedirects?: number;
  userAgent?: string;
  /** TEST ONLY: addresses exempt from the private-address rule (a test's own server on 127.0.0.1). */
  unsafeAllowAddressesForTests?: readonly string[];
  resolve?: (host: string) => Promise<readonly { address: string; family: number }[]>;
}

export type FetchResult =
  | { ok: true; url: string; status: number; contentType: string | null; bytes: Buffer }
  | { ok: false; url: string; status?: number; error: 'private_address' | 'off_site_redirect' | 'too_many_redirects' | 'too_large' | 'timeout' | 'dns' | 'network' | 'http_error'; detail?: string };

class Refused extends Error {
  constructor(readonly error: Extract<FetchResult, { ok: false }>['error'], readonly status?: number, readonly detail?: string) {
    super(error);
  }
}

/** GET a page of the legacy site within the limits. Never throws. */
export async function fetchPage(url: string, options: FetchOptions): Promise<FetchResult> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs);
  let current = new URL(url);
  try {
    for (let hop = 0; ; hop++) {
      if (!options.hosts.has(current.hostname.toLowerCase())) throw new Refused('off_site_redirect', undefined, current.href);
      const addresses = await vet(current.hostname, options);
      const res = await get(current, addresses, options, controller.signal);
      const location = res.headers.location;
      if ([301, 302, 303, 307, 308].includes(res.statusCode ?? 0) && location) {
        res.destroy();
        if (hop >= (options.maxRedirects ?? 5)) throw new Refused('too_many_redirects', res.statusCode);
        current = new URL(location, current);
        continue;
      }
      if ((res.statusCode ?? 0) >= 400) {
        res.destroy();
        throw new Refused('http_error', res.statusCode);
      }
      const bytes = await readCapped(res, options.maxBytes);
      return { ok: true, url: current.href, status: res.statusCode ?? 200, contentType: res.headers['content-type'] ?? null, bytes };
    }
  } catch (err) {
    if (err instanceof Refused) return { ok: false, url: current.href, error: err.error, ...(err.status ? { status: err.status } : {}), ...(err.detail ? { detail: err.detail } : {}) };
    return { ok: false, url: current.href, error: controller.signal.aborted ? 'timeout' : 'network', detail: (err as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

async function vet(host: string, options: FetchOptions): Promise<{ address: string; family: number }[]> {
  const allowed = options.unsafeAllowAddressesForTests ?? [];
  const refused = (address: string) => isForbiddenAddress(address) && !allowed.includes(address);
  const bare = host.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  if (family) {
    if (refused(bare)) throw new Refused('private_address', undefined, bare);
    return [{ address: bare, family }];
  }
  let addresses: readonly { address: string; family: number }[];
  try {
    addresses = await (options.resolve ?? ((h: string) => dnsLookup(h, { all: true, verbatim: true })))(bare);
  } catch {
    throw new Refused('dns');
  }
  if (!addresses.length) throw new Refused('dns');
  // One private answer refuses the host: a name mixing public and private answers is a trap.
  const bad = addresses.find((a) => refused(a.address));
  if (bad) throw new Refused('private_address', undefined, bad.address);
  return [...addresses];
}

function get(url: URL, addresses: { address: string; family: number }[], options: FetchOptions, signal: AbortSignal): Promise<IncomingMessage> {
  // Only the vetted addresses: the request never asks DNS again.
  const lookup: LookupFunction = (_host, opts, callback) => {
    if ((opts as { all?: boolean }).all) (callback as unknown as (e: null, a: typeof addresses) => void)(null, addresses);
    else callback(null, addresses[0]!.address, addresses[0]!.family);
  };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, { method: 'GET', lookup, signal, headers: { 'user-agent': options.userAgent ?? 'zhanqun-legacy-crawler/1.0', accept: '*/*' } }, resolve);
    req.on('error', reject);
    req.end();
  });
}

function readCapped(res: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(res.headers['content-length'] ?? 0);
  if (declared > maxBytes) {
    res.destroy();
    return Promise.reject(new Refused('too_large', res.statusCode));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        res.destroy();
        reject(new Refused('too_large', res.statusCode));
        return;
      }
      chunks.push(chunk);
    });
    res.on('end', () => resolve(Buffer.concat(chunks)));
    res.on('error', reject);
  });
}
