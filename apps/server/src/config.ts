import { isAbsolute, join, resolve } from 'node:path';

/** The server's settings, read from the environment once at start and validated. */
export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  databasePoolSize: number;
  dataDir: string;
  pgliteDir: string;
  /** Attachment blobs, content-addressed; several instances must share it (a network volume). */
  blobDir: string;
  /** The largest attachment accepted, in bytes (MAX_UPLOAD_MB, default 50). */
  maxUploadBytes: number;
  /** Memory for rendered public pages (PAGE_CACHE_MB, default 256; 0 turns the cache off). */
  pageCacheMb: number;
  /**
   * Keep hosts, sites, columns and theme settings of public pages in memory between requests,
   * dropped on the database's NOTIFY (SITE_CACHE, default on). Tests that change a site and read
   * its page at once turn it off, as they do the page cache: the NOTIFY arrives a moment later.
   */
  siteCache: boolean;
  adminHost: string;
  devDomain: string;
  seedDemo: boolean;
  logLevel: string;
  trustProxy: boolean | string;
  production: boolean;
}

/** One bad setting: the process stops with one line naming the variable and what it should be. */
export class ConfigError extends Error {
  constructor(readonly variable: string, expected: string, got: string) {
    super(`${variable} ${expected} (got "${got}")`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(name, `must be an integer from ${min} to ${max}`, raw);
  return n;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(name, 'must be 1 or 0 (true or false)', raw);
}

function hostName(env: Env, name: string, fallback: string, dotted = true): string {
  const raw = (env[name] ?? '').trim() || fallback;
  const host = raw.toLowerCase().replace(/\.$/, '');
  const label = '[a-z0-9]([a-z0-9-]*[a-z0-9])?';
  if (!new RegExp(`^${label}(\\.${label})${dotted ? '+' : '*'}$`).test(host) || /^[\d.]+$/.test(host)) {
    throw new ConfigError(name, `must be a host name${dotted ? ' with a dot' : ''}, without scheme or port, like ${fallback}`, raw);
  }
  return host;
}

function databaseUrl(env: Env): string | undefined {
  const raw = env.DATABASE_URL?.trim();
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('DATABASE_URL', 'must be a URL like postgres://user:password@host:5432/dbname', redactUrl(raw));
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError('DATABASE_URL', 'must start with postgres:// or postgresql://', redactUrl(raw));
  }
  if (!url.hostname && !url.searchParams.get('host')) throw new ConfigError('DATABASE_URL', 'must name a host', redactUrl(raw));
  return raw;
}

/** A database URL safe to print: the password replaced. */
export function redactUrl(raw: string): string {
  return raw.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}

export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const dataDir = resolve(cwd, env.DATA_DIR?.trim() || 'data');
  const pgliteRaw = env.PGLITE_DIR?.trim();
  const blobRaw = env.BLOB_DIR?.trim();
  const dbUrl = databaseUrl(env);
  const logLevel = env.LOG_LEVEL?.trim() || 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', 'must be one of fatal, error, warn, info, debug, trace, silent', logLevel);
  }
  const trustRaw = env.TRUST_PROXY?.trim() ?? '';
  let trustProxy: boolean | string = false;
  if (trustRaw) {
    // Set explicitly (DESIGN.md): 1/0, or the proxy addresses/CIDRs to trust.
    trustProxy = /^(1|true)$/i.test(trustRaw) ? true : /^(0|false)$/i.test(trustRaw) ? false : trustRaw;
  }
  const host = (env.HOST ?? '').trim() || 'localhost';
  return {
    port: int(env, 'PORT', 3000, 0, 65535),
    host,
    databaseUrl: dbUrl,
    databasePoolSize: int(env, 'DATABASE_POOL_SIZE', 10, 1, 500),
    dataDir,
    pgliteDir: pgliteRaw ? (isAbsolute(pgliteRaw) ? pgliteRaw : resolve(cwd, pgliteRaw)) : join(dataDir, 'pglite'),
    blobDir: blobRaw ? (isAbsolute(blobRaw) ? blobRaw : resolve(cwd, blobRaw)) : join(dataDir, 'blobs'),
    maxUploadBytes: int(env, 'MAX_UPLOAD_MB', 50, 1, 1024) * 1024 * 1024,
    pageCacheMb: int(env, 'PAGE_CACHE_MB', 256, 0, 65_536),
    siteCache: bool(env, 'SITE_CACHE', true),
    adminHost: hostName(env, 'ADMIN_HOST', 'admin.localhost'),
    devDomain: hostName(env, 'DEV_DOMAIN', 'localhost', false),
    seedDemo: bool(env, 'SEED_DEMO', dbUrl === undefined),
    logLevel,
    trustProxy,
    production: env.NODE_ENV === 'production',
  };
}
