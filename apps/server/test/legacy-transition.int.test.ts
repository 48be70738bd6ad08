// Real GOV.UK transition data (../shared/corpus/alphagov-transition-config/redirector-2013-12, read
// in place): each site config becomes a legacy site of a platform site of its own (its host and
// aliases as legacy-role domains, its significant query parameters, its `locations` as pattern
// rules), its mapping CSV is imported as it is, and the site's test CSV — request URLs in
// non-canonical spellings (case, trailing slashes, aliases, extra parameters) — is asked of the
// public routes: 301 to the New Url, or 410. Rows with status 200 are static files the old
// redirector served itself; an old host's home goes to the new site's own home.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LegacyRule } from '@zhanqun/db/database';
import { parseQueryParams } from '@zhanqun/legacy/canonical-url';
import { corpusPath } from '@zhanqun/legacy/corpus.fixture';
import { archivePrefix, legacyWorld, type LegacyWorld } from '@zhanqun/legacy/legacy.fixture';
import { createLegacySite } from '@zhanqun/legacy/legacy-site.service';
import { importEntriesCsv } from '@zhanqun/legacy/legacy-url.service';
import { addDomain } from '@zhanqun/tenancy/domain.service';
import { createOrgUnit } from '@zhanqun/tenancy/org-unit.service';
import { createSite, setSiteStatus } from '@zhanqun/tenancy/site.service';
import { build, type TestApp } from './helper.js';

const DIR = corpusPath('alphagov-transition-config', 'redirector-2013-12');
const read = (...p: string[]) => readFileSync(`${DIR}/${p.join('/')}`, 'utf8');
/** Sites with both a mapping CSV and request tests; several with significant query parameters. */
const SITES = ['ago', 'decc_og', 'dfid', 'dft', 'scotlandoffice', 'nio', 'dwp_statistics', 'number10', 'fco_ukinchina', 'homeoffice_rds',
  'treasury_cdn', 'bis_rpc', 'bis_lowpay', 'defra_rpa'];
const WHITELIST = read('whitelist.txt').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));

interface SiteYaml { global?: string; host: string; aliases: string[]; options: string; tna_timestamp: string; locations: { path: string; operation: string; status: string; new_url: string }[] }

/** The few shapes these YAML files use: scalars, a list of scalars, a list of flat maps. */
function siteYaml(text: string): SiteYaml {
  const out: Record<string, unknown> = { aliases: [], locations: [], options: '' };
  let list: string | null = null;
  for (const line of text.split('\n')) {
    const item = /^- (\w+): (.*)$/.exec(line) ?? /^ {2}(\w+): (.*)$/.exec(line);
    if (list === 'locations' && item) {
      const locations = out['locations'] as Record<string, string>[];
      if (line.startsWith('- ')) locations.push({});
      locations[locations.length - 1]![item[1]!] = item[2]!.trim();
    } else if (/^- /.test(line) && list) {
      (out[list] as string[]).push(line.slice(2).trim());
    } else {
      const m = /^(\w+):\s*(.*)$/.exec(line);
      if (!m) continue;
      list = m[2] ? null : m[1]!;
      if (m[2]) out[m[1]!] = m[2].trim();
    }
  }
  return out as unknown as SiteYaml;
}

function csvRows(text: string): string[][] {
  return text.split('\n').slice(1).filter(Boolean).map((l) => l.split(','));
}

describe('GOV.UK transition configs, mappings and request tests', () => {
  let h: TestApp;
  let w: LegacyWorld;
  const primary: Record<string, string> = {};

  beforeAll(async () => {
    h = await build();
    w = await legacyWorld(h.t, 'trn');
    const city = await h.t.db.selectFrom('org_unit').select('id').where('level', '=', 'city').executeTakeFirstOrThrow();
    const platformId = (w.ctx.scope as { platformIds: string[] }).platformIds[0]!;
    for (const [i, name] of SITES.entries()) {
      const unit = await createOrgUnit(w.ctx, { platformId, parentId: city.id, level: 'county', name: `${name}县`, divisionCode: String(990101 + i) });
      const cfg = siteYaml(read('sites', `${name}.yml`));
      const code = `t${name.replace(/_/g, '')}`.slice(0, 30);
      const site = await createSite(w.ctx, { platformId, orgUnitId: unit.id, kind: 'portal', code, name });
      await setSiteStatus(w.ctx, site.id, 'live');
      for (const host of [cfg.host, ...cfg.aliases]) await addDomain(w.ctx, site.id, { host, role: 'legacy' });
      primary[name] = `${code}.localhost`;
      const rules: LegacyRule[] = cfg.locations.filter((l) => l.operation.startsWith('~'))
        .map((l) => ({ stage: 'after', pattern: l.path, status: Number(l.status) as 301 | 410, target: l.new_url }));
      // `global: /d$uri` rewrote every unmapped path into a location's prefix: a last rule on the whole path.
      const inner = /^\/(\w+)\$uri$/.exec(cfg.global ?? '')?.[1];
      const via = inner ? rules.find((r) => r.pattern === `^/${inner}/(.*)$`) : undefined;
      if (via) rules.push({ ...via, pattern: '^/(.*)$' });
      await createLegacySite(w.ctx, site.id, {
        code: name.replace(/_/g, '-'), name, hosts: [cfg.host, ...cfg.aliases], archivePrefix: archivePrefix(cfg.tna_timestamp),
        queryParams: parseQueryParams(cfg.options.replace('--query-string', '')), rules,
        allowedTargetHosts: ['www.gov.uk', ...WHITELIST], allowedTargetSuffixes: ['.gov.uk', '.mod.uk', '.nhs.uk'],
      });
      const result = await importEntriesCsv(w.ctx, site.id, name.replace(/_/g, '-'), read('mappings', `${name}.csv`));
      expect(result.errors, name).toEqual([]);
      expect(result.inserted, name).toBeGreaterThan(0);
    }
  });
  afterAll(async () => { await h?.close(); });

  it.each(SITES)('%s: every request test answers as the redirector did', async (name) => {
    const cfg = siteYaml(read('sites', `${name}.yml`));
    const rows = csvRows(read('tests', `${cfg.host}.csv`)).filter(([, , status]) => status !== '200');
    expect(rows.length).toBeGreaterThan(0);
    for (const [oldUrl, newUrl, status] of rows) {
      const u = new URL(oldUrl!.replace(/ /g, '%20'));
      const res = await h.app.inject({ method: 'GET', url: `${u.pathname}${u.search}`, headers: { host: u.host } });
      if (u.pathname === '/' && !u.search) {
        expect([res.statusCode, res.headers.location], oldUrl).toEqual([301, `http://${primary[name]}/`]);
      } else if (status === '301') {
        expect([res.statusCode, res.headers.location], oldUrl).toEqual([301, newUrl]);
      } else {
        expect(res.statusCode, oldUrl).toBe(Number(status));
      }
    }
  });

  it('should refuse a real config whose significant parameters are not lower case (bis_ome, decc_offshoresea)', async () => {
    for (const name of ['bis_ome', 'decc_offshoresea']) {
      const cfg = siteYaml(read('sites', `${name}.yml`));
      await expect(createLegacySite(w.ctx, w.siteId, { code: name.replace(/_/g, '-'), name, queryParams: parseQueryParams(cfg.options.replace('--query-string', '')) }))
        .rejects.toMatchObject({ code: 'ZQ_VALIDATION', field: expect.stringMatching(/^queryParams\[\d+\]$/) });
    }
  });
});
