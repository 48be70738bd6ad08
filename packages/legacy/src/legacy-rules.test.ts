// Bouncer's decision order and the settings' checks, without a database.
import { describe, expect, it } from 'vitest';
import { decideLegacy, isAllowedTarget, type LegacyConfig, type LegacyEntryView } from './legacy-rules.js';
import { validateLegacySite } from './legacy-site.service.js';

const config = (over: Partial<LegacyConfig> = {}): LegacyConfig => ({
  queryParams: [], archivePrefix: 'https://archive.example.gov.cn/2019/', globalType: null, globalTarget: null, globalAppendPath: false,
  rules: [], allowedTargetHosts: ['www.jx.gov.cn'], allowedTargetSuffixes: ['.gov.cn'], ...over,
});
const entry = (over: Partial<LegacyEntryView> = {}): LegacyEntryView => ({
  kind: 'legacy', target: '/new/', archiveUrl: null, suggestedUrl: null, articleUrl: null, hasArticle: false, ...over,
});
const req = { host: 'old.anhe.gov.cn', rawPathAndQuery: '/Old/Page.asp?id=1' };

describe('decideLegacy', () => {
  it('should answer in Bouncer\'s order: test pages, global rule, before-rules, the entry, after-rules, not found', () => {
    expect(decideLegacy(req, '/410', config({ globalType: 'redirect', globalTarget: '/x/' }), entry())).toMatchObject({ type: 'gone' });
    expect(decideLegacy(req, '/old/page.asp', config({ globalType: 'redirect', globalTarget: 'https://www.jx.gov.cn', globalAppendPath: true }), entry()))
      .toEqual({ type: 'redirect', location: 'https://www.jx.gov.cn/Old/Page.asp?id=1' });
    const rules = [{ stage: 'before' as const, pattern: '^/old/(.*)$', status: 301 as const, target: 'https://x.gov.cn/$1' },
      { stage: 'after' as const, pattern: '^/zzz', status: 410 as const }];
    expect(decideLegacy(req, '/old/page.asp', config({ rules }), entry())).toEqual({ type: 'redirect', location: 'https://x.gov.cn/Page.asp?id=1' });
    expect(decideLegacy({ ...req, rawPathAndQuery: '/a' }, '/a', config({ rules }), entry())).toEqual({ type: 'redirect', location: '/new/', viaEntry: true });
    expect(decideLegacy({ ...req, rawPathAndQuery: '/zzz/1' }, '/zzz/1', config({ rules }), undefined)).toMatchObject({ type: 'gone' });
    expect(decideLegacy({ ...req, rawPathAndQuery: '/q' }, '/q', config(), undefined)).toEqual({ type: 'not_found', archiveUrl: 'https://archive.example.gov.cn/2019/http://old.anhe.gov.cn/q' });
  });

  it('should follow an article to its current URL, wait for one not yet live, and refuse targets off the allowed hosts', () => {
    expect(decideLegacy(req, '/a', config(), entry({ articleUrl: '/tzgg/202611/t20261127_3.html', hasArticle: true }))).toMatchObject({ location: '/tzgg/202611/t20261127_3.html' });
    expect(decideLegacy(req, '/a', config(), entry({ hasArticle: true }))).toMatchObject({ type: 'awaiting' });
    expect(decideLegacy(req, '/a', config(), entry({ target: 'http://evil.example.com/' }))).toMatchObject({ type: 'refused', message: expect.stringContaining('evil.example.com') });
    expect(decideLegacy(req, '/a', config({ globalType: 'nonsense' }), undefined)).toMatchObject({ type: 'misconfigured' });
  });

  it('should allow a host by suffix only after a dot', () => {
    const allowed = { allowedTargetHosts: [], allowedTargetSuffixes: ['.gov.cn'] };
    expect(isAllowedTarget('https://www.jx.gov.cn/a', allowed)).toBe(true);
    expect(isAllowedTarget('https://evilgov.cn/a', allowed)).toBe(false);
    expect(isAllowedTarget('https://gov.cn/a', allowed)).toBe(false);
    expect(isAllowedTarget('//evil.example.com/a', allowed)).toBe(false);
    expect(isAllowedTarget('javascript:alert(1)', allowed)).toBe(false);
  });
});

describe('validateLegacySite', () => {
  it('should name the field of each bad setting', () => {
    const base = { code: 'old', name: '旧网站' };
    expect(() => validateLegacySite({ ...base, queryParams: ['DocumentUid'] })).toThrow(/queryParams\[0\]/);
    expect(() => validateLegacySite({ ...base, allowedTargetSuffixes: ['gov.cn'] })).toThrow(/allowedTargetSuffixes\[0\]/);
    expect(() => validateLegacySite({ ...base, globalType: 'redirect' })).toThrow(/globalTarget/);
    expect(() => validateLegacySite({ ...base, rules: [{ stage: 'after', pattern: '(a+)+$', status: 410 }] })).toThrow(/rules\[0\]\.pattern.*backtracking/);
    expect(() => validateLegacySite({ ...base, rules: [{ stage: 'after', pattern: '^/r4d/(.*)$', status: 301 }] })).toThrow(/rules\[0\]\.target/);
    expect(() => validateLegacySite({ ...base, hosts: ['WWW.Example.gov.cn'] })).toThrow(/hosts\[0\]/);
    const r4d = { stage: 'after' as const, pattern: '^/r4d/(.*)$', status: 301 as const, target: 'http://r4d.dfid.gov.uk/$1' };
    expect(() => validateLegacySite({ ...base, rules: [r4d] })).toThrow(/rules\[0\]\.target: .*allowed host/);
    expect(() => validateLegacySite({ ...base, rules: [r4d], allowedTargetSuffixes: ['.gov.uk'] })).not.toThrow();
  });
});
