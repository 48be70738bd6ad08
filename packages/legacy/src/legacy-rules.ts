/**
 * What a legacy URL answers, after GOV.UK's Bouncer, once the platform's own live paths, redirects
 * and gone entries have had their turn (DESIGN.md, Routing). Pure: the caller looks the entry up
 * under the canonical key and passes it in. Order, as Bouncer's: the test pages /404 and /410 →
 * the legacy site's global rule → `before` pattern rules → the URL entry → `after` pattern rules →
 * not found (with an archive link where the legacy site has an archive).
 */
import type { LegacyRule } from '@zhanqun/db/database';
import { canonicalKey } from './canonical-url.js';

/** The settings of a legacy site that decide its answers. */
export interface LegacyConfig {
  queryParams: readonly string[];
  /** The archive's address prefix; the legacy URL `http://<host><path and query>` is appended. */
  archivePrefix: string | null;
  globalType: string | null;
  globalTarget: string | null;
  globalAppendPath: boolean;
  rules: readonly LegacyRule[];
  /** Absolute redirect targets must be on one of these hosts or end with one of the suffixes. */
  allowedTargetHosts: readonly string[];
  allowedTargetSuffixes: readonly string[];
}

/** A URL entry found under the request's canonical key. */
export interface LegacyEntryView {
  kind: string;
  target: string | null;
  archiveUrl: string | null;
  suggestedUrl: string | null;
  /** The current URL of the article the entry points at, when that article is live. */
  articleUrl: string | null;
  /** The entry points at an article (live or not). */
  hasArticle: boolean;
}

export type LegacyDecision =
  | { type: 'redirect'; location: string }
  | { type: 'gone'; archiveUrl: string | null; suggestedUrl: string | null; suggestedText: string | null }
  /** The new page is known but not published yet (Transition's 418). */
  | { type: 'awaiting' }
  | { type: 'not_found'; archiveUrl: string | null }
  /** A target outside the allowed hosts (Bouncer's 501). */
  | { type: 'refused'; message: string }
  /** A setting the engine does not know (Bouncer's 500). */
  | { type: 'misconfigured'; message: string };

/** A decision, marked when a URL entry gave it (its hit is counted). */
export type LegacyAnswer = LegacyDecision & { viaEntry?: true };

export interface LegacyRequest {
  /** The host as requested, lower case. */
  host: string;
  /** The path (below any sub-site prefix) and query as sent, not decoded. */
  rawPathAndQuery: string;
}

const REFUSED = 'Refusing to redirect to non-whitelisted domain: ';

/** Whether the canonical key needs the URL entries (a global rule or a test page answers without them). */
export function needsEntry(key: string, config: LegacyConfig | null): boolean {
  return !(key === '/404' || key === '/410' || config?.globalType);
}

/** Decide the answer for a request whose canonical key is `key`; `entry` is what url_path holds under it. */
export function decideLegacy(req: LegacyRequest, key: string, config: LegacyConfig | null, entry: LegacyEntryView | undefined): LegacyAnswer | null {
  const archive = archiveLink(config, req);
  if (key === '/404') return { type: 'not_found', archiveUrl: archive };
  if (key === '/410') return { type: 'gone', archiveUrl: archive, suggestedUrl: null, suggestedText: null };
  if (config?.globalType) {
    if (config.globalType === 'gone') return { type: 'gone', archiveUrl: archive, suggestedUrl: null, suggestedText: null };
    if (config.globalType === 'redirect' && config.globalTarget) {
      const location = config.globalAppendPath ? joinPath(config.globalTarget, req.rawPathAndQuery) : config.globalTarget;
      return guarded(config, location);
    }
    return { type: 'misconfigured', message: `Unexpected global type ${config.globalType}` };
  }
  const before = matchRule(config, 'before', req.rawPathAndQuery);
  if (before) return ruleDecision(config!, before, archive);
  if (entry) {
    const answered = entryDecision(config, entry, archive);
    if (answered) return { ...answered, viaEntry: true };
  }
  const after = matchRule(config, 'after', req.rawPathAndQuery.split('?')[0] ?? '/');
  if (after) return ruleDecision(config!, after, archive);
  return config ? { type: 'not_found', archiveUrl: archive } : null;
}

function entryDecision(config: LegacyConfig | null, entry: LegacyEntryView, archive: string | null): LegacyDecision | null {
  if (entry.articleUrl) return { type: 'redirect', location: entry.articleUrl };
  switch (entry.kind) {
    case 'legacy':
      if (entry.hasArticle) return { type: 'awaiting' }; // the article was withdrawn or is not live
      return entry.target ? guarded(config, entry.target) : null;
    case 'gone':
      return { type: 'gone', archiveUrl: entry.archiveUrl ?? archive, suggestedUrl: entry.suggestedUrl, suggestedText: suggestedText(entry.suggestedUrl) };
    case 'awaiting':
      return { type: 'awaiting' };
    default:
      return null; // kinds no legacy entry has fall through, as Bouncer's "never served"
  }
}

function matchRule(config: LegacyConfig | null, stage: LegacyRule['stage'], subject: string): { rule: LegacyRule; groups: string[] } | null {
  for (const rule of config?.rules ?? []) {
    if (rule.stage !== stage) continue;
    let re: RegExp;
    try { re = new RegExp(rule.pattern, 'i'); } catch { continue; } // validated on save; never fail a request
    const m = re.exec(subject);
    if (m) return { rule, groups: [...m] };
  }
  return null;
}

function ruleDecision(config: LegacyConfig, hit: { rule: LegacyRule; groups: string[] }, archive: string | null): LegacyDecision {
  if (hit.rule.status === 410 || !hit.rule.target) return { type: 'gone', archiveUrl: archive, suggestedUrl: null, suggestedText: null };
  const location = hit.rule.target.replace(/\$(\d)/g, (_m, n: string) => hit.groups[Number(n)] ?? '');
  return guarded(config, location);
}

/** A redirect, if its target is allowed: a path on this site, or an absolute URL on an allowed host. */
function guarded(config: LegacyConfig | null, location: string): LegacyDecision {
  if (isAllowedTarget(location, config)) return { type: 'redirect', location };
  return { type: 'refused', message: `${REFUSED}${location}` };
}

/** Whether a redirect target is allowed: a path of this site, or http(s) on an allowed host or suffix. */
export function isAllowedTarget(target: string, config: Pick<LegacyConfig, 'allowedTargetHosts' | 'allowedTargetSuffixes'> | null): boolean {
  if (target.startsWith('/') && !target.startsWith('//')) return true;
  let host: string;
  try {
    const url = new URL(target);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    host = url.hostname.toLowerCase();
  } catch {
    return false;
  }
  if (!config) return false;
  return config.allowedTargetHosts.includes(host) || config.allowedTargetSuffixes.some((s) => s.startsWith('.') && host.endsWith(s));
}

/** The archive's copy of the requested page: the raw path and query on the requested host. */
function archiveLink(config: LegacyConfig | null, req: LegacyRequest): string | null {
  if (!config?.archivePrefix) return null;
  return `${config.archivePrefix}http://${req.host}${req.rawPathAndQuery === '/' ? '' : req.rawPathAndQuery}`;
}

/** The link text of a suggested page: without its scheme and one trailing slash. */
export function suggestedText(url: string | null): string | null {
  return url ? url.replace(/^https?:\/\//, '').replace(/\/$/, '') : null;
}

/** File.join of a global target and the raw path: one slash between them. */
function joinPath(base: string, rawPathAndQuery: string): string {
  return `${base.replace(/\/+$/, '')}/${rawPathAndQuery.replace(/^\/+/, '')}`;
}

/** The canonical key of a request for a legacy site (its significant parameters kept). */
export function requestKey(rawPathAndQuery: string, config: LegacyConfig | null): string {
  return canonicalKey(rawPathAndQuery, config?.queryParams ?? null);
}
