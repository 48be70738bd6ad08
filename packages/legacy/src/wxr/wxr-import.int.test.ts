// The WordPress import on the real database with the corpus exports (read in place): the theme
// unit test data with its edge cases, re-runs that change nothing or update only what changed,
// an editor's change kept, rollback to exactly the site as it was, broken exports with a clear
// error per item (or for the file) while the run goes on, and another tenant kept out.
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceContext } from '@zhanqun/audit/context';
import { saveRevision } from '@zhanqun/content/article-revision.service';
import { inScope } from '@zhanqun/db/scope';
import { createTestDatabase, type TestDatabase } from '@zhanqun/testing/db';
import { corpusPath } from '../corpus.fixture.js';
import { findRun, listRuns, rollbackRun } from '../import-run.service.js';
import { legacyWorld, type LegacyWorld } from '../legacy.fixture.js';
import { resolveLegacy } from '../legacy-resolve.js';
import { itemKey, planItem, publishTime } from './wxr-map.js';
import { importWxr } from './wxr-import.service.js';
import { parseWxr } from './wxr-parser.js';

const THEME_DATA = readFileSync(corpusPath('wordpress-theme-test-data', 'themeunittestdata.wordpress.xml'), 'utf8');
const fixture = (name: string) => readFileSync(corpusPath('wordpress-importer-wxr-fixtures', 'phpunit-data', name), 'utf8');

describe('WordPress import', () => {
  let t: TestDatabase;
  let w: LegacyWorld;
  let other: ServiceContext;
  let firstRun: string;
  let initial: Record<string, number>;

  /** What the site holds: articles, revisions, url_path rows, ID map rows. */
  const census = async () => {
    const n = async (table: string) => Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)} where site_id = ${w.siteId}`.execute(t.db)).rows[0]!.n);
    return { article: await n('article'), article_revision: await n('article_revision'), url_path: await n('url_path'), legacy_item: await n('legacy_item'), site_counter: await n('site_counter') };
  };

  beforeAll(async () => {
    t = await createTestDatabase();
    w = await legacyWorld(t, 'wxr');
    other = { ...w.ctx, scope: { kind: 'sites', siteIds: [w.otherSiteId] } };
  });
  afterAll(async () => { await t?.destroy(); });

  it('should import the theme unit test data with its edge cases, keeping original publish times', async () => {
    const before = await census();
    initial = before;
    const { runId, report } = await importWxr(w.ctx, w.siteId, { wxr: THEME_DATA, sourceName: 'themeunittestdata.wordpress.xml', columnId: w.columnId });
    firstRun = runId;
    const doc = parseWxr(THEME_DATA);
    const plans = doc.items.map((i) => planItem(i, new Map()));
    const eligible = plans.filter((p) => p.action === 'import');
    expect(report.found).toBe(186);
    expect(report.failed).toEqual([]);
    expect(report.imported).toBe(eligible.length);
    expect(report.skipped.map((s) => s.reason)).toEqual(expect.arrayContaining(['post type attachment is not imported as an article', 'post type nav_menu_item is not imported as an article']));
    expect(report.drafts).toBe(eligible.filter((p) => p.action === 'import' && !p.publish).length);
    expect(report.notes.some((n) => n.reason.includes('no title'))).toBe(true);
    const after = await census();
    expect(after.article - before.article).toBe(eligible.length);

    const articles = await t.db.selectFrom('legacy_item').innerJoin('article', 'article.id', 'legacy_item.article_id')
      .select(['legacy_item.legacy_key', 'article.published_at', 'article.live', 'article.draft_title', 'article.url_path']).where('legacy_item.site_id', '=', w.siteId).execute();
    const byKey = new Map(articles.map((a) => [a.legacy_key, a]));
    for (const item of doc.items) {
      const plan = planItem(item, new Map());
      if (plan.action !== 'import') continue;
      const a = byKey.get(itemKey(item))!;
      expect(a.live, item.title).toBe(plan.publish);
      if (plan.publish) expect(a.published_at?.toISOString(), item.title).toBe(publishTime(item)!.toISOString());
    }
    expect(articles.map((a) => a.draft_title)).toContain('Taumatawhakatangihangakoauauotamateaturipukakapikimaungahoronukupokaiwhenuakitanatahu');
    expect(articles.map((a) => a.draft_title)).toContain('Markup: Title With Special Characters ~`!@#$%^&*()-_=+{}[]/\\;:\'"?,.>');
    // Links to attachment pages lead nowhere when the import leaves the files behind: reported as broken, saying so.
    expect(report.brokenLinks.find((b) => b.url === 'https://wpthemetestdata.wordpress.com/2010/09/10/post-format-gallery/img_0767/')?.reason)
      .toBe('attachment page of https://wpthemetestdata.files.wordpress.com/2008/06/img_0767.jpg: the import ran without files');
    // Bodies went through the platform's sanitiser.
    const scripts = await sql<{ n: string }>`select count(*) as n from article_revision where site_id = ${w.siteId} and body_html ~* '<script|onerror=|javascript:'`.execute(t.db);
    expect(Number(scripts.rows[0]!.n)).toBe(0);
  });

  it('should answer each old post URL with a 301 to its new article, and a draft\'s as awaiting', async () => {
    const doc = parseWxr(THEME_DATA);
    const sticky = doc.items.find((i) => i.title === 'Template: Sticky')!;
    const article = await t.db.selectFrom('legacy_item').innerJoin('article', 'article.id', 'legacy_item.article_id').select('article.url_path')
      .where('legacy_item.legacy_key', '=', itemKey(sticky)).executeTakeFirstOrThrow();
    const ask = (url: string) => inScope(t.db, { kind: 'public', siteIds: [w.siteId] }, (trx) => {
      const u = new URL(url);
      return resolveLegacy(trx, w.siteId, { host: u.host, rawPathAndQuery: `${u.pathname.toUpperCase()}${u.search}` });
    });
    expect((await ask(sticky.link!))?.decision).toMatchObject({ type: 'redirect', location: article.url_path });
    expect((await ask(sticky.guid!))?.decision).toMatchObject({ type: 'redirect', location: article.url_path }); // ?p=1241 is significant
    const draft = doc.items.find((i) => i.status === 'draft' && i.postType === 'post')!;
    expect((await ask(draft.link ?? draft.guid!))?.decision).toMatchObject({ type: 'awaiting' });
  });

  it('should change nothing when run again, update what changed at the source, and keep an editor\'s change', async () => {
    const before = await census();
    const again = await importWxr(w.ctx, w.siteId, { wxr: THEME_DATA, sourceName: 'again', columnId: w.columnId });
    expect(again.report).toMatchObject({ imported: 0, updated: 0, failed: [], linksRewritten: 0 });
    expect(again.report.unchanged).toBeGreaterThan(50);
    expect(await census()).toEqual(before);

    // An editor changes one imported article; the source changes it and another one.
    const edited = await t.db.selectFrom('legacy_item').innerJoin('article', 'article.id', 'legacy_item.article_id')
      .select(['article.id', 'article.latest_revision_id', 'legacy_item.legacy_key']).where('article.draft_title', '=', 'Template: Sticky').executeTakeFirstOrThrow();
    await saveRevision(w.ctx, w.siteId, edited.id, { baseRevisionId: edited.latest_revision_id!, title: 'Template: Sticky（本站已修改）', bodyHtml: '<p>本站编辑</p>' });
    const changed = THEME_DATA.replace('<title>Template: Sticky</title>', '<title>Template: Sticky (changed)</title>')
      .replace('<title>Keyboard navigation</title>', '<title>Keyboard navigation (changed)</title>');
    const third = await importWxr(w.ctx, w.siteId, { wxr: changed, sourceName: 'changed', columnId: w.columnId });
    expect(third.report.updated).toBe(1);
    expect(third.report.skipped.filter((s) => s.reason.includes('edited on the platform')).map((s) => s.title)).toEqual(['Template: Sticky (changed)']);
    const kept = await t.db.selectFrom('article').select('draft_title').where('id', '=', edited.id).executeTakeFirstOrThrow();
    expect(kept.draft_title).toBe('Template: Sticky（本站已修改）');
    expect((await census()).article).toBe(before.article);
  });

  it('should rewrite links to the old site to the new articles, even forward ones, and report the broken ones', async () => {
    const wxr = fixture('small-export.xml').replace('Welcome to WordPress. This is your first post.',
      'See <a href="http://localhost/?page_id=6">the parent page</a>, <a href="http://LOCALHOST/?utm=x&amp;page_id=4">its child</a>, '
      + '<a href="http://localhost/?page_id=9">a draft</a> and <a href="http://localhost/?p=9999">a lost post</a>.');
    const { report } = await importWxr(w.ctx, w.otherSiteId, { wxr, sourceName: 'links.xml', columnId: w.otherColumnId });
    expect([report.linksRewritten, report.articlesRelinked]).toEqual([2, 1]);
    expect(report.brokenLinks.map((b) => b.url), JSON.stringify(report.brokenLinks)).toEqual(['http://localhost/?p=9999', 'http://localhost/wp-admin/']);
    const urls = await t.db.selectFrom('article').select(['draft_title', 'url_path', 'latest_revision_id', 'live_revision_id']).where('site_id', '=', w.otherSiteId).execute();
    const hello = urls.find((u) => u.draft_title === 'Hello world!')!;
    expect(hello.live_revision_id).toBe(hello.latest_revision_id); // the rewritten revision is the live one
    const body = (await t.db.selectFrom('article_revision').select('body_html').where('id', '=', hello.live_revision_id!).executeTakeFirstOrThrow()).body_html;
    for (const title of ['Parent Page', 'Child Page']) expect(body).toContain(`href="${urls.find((u) => u.draft_title === title)!.url_path}"`);
    expect(body).toContain('href="http://localhost/?page_id=9"');
    const again = await importWxr(w.ctx, w.otherSiteId, { wxr, sourceName: 'links.xml', columnId: w.otherColumnId });
    expect(again.report).toMatchObject({ imported: 0, updated: 0, linksRewritten: 0, missingAtSource: [] });
    // An item gone from the export is reported, and its article stays.
    const without = wxr.replace(/<item>\s*<title>Top-level Foo<\/title>[\s\S]*?<\/item>/, '');
    expect((await importWxr(w.ctx, w.otherSiteId, { wxr: without, sourceName: 'without.xml', columnId: w.otherColumnId })).report.missingAtSource).toEqual(['post:17']);
  });

  it('should import everything as drafts for review when asked, old URLs awaiting them', async () => {
    const { report } = await importWxr(w.ctx, w.otherSiteId, { wxr: fixture('valid-wxr-1.0.xml'), sourceName: 'drafts.xml', columnId: w.otherColumnId, legacyCode: 'drafts', asDrafts: true });
    expect(report).toMatchObject({ imported: 6, drafts: 6, failed: [] });
    const live = await t.db.selectFrom('legacy_item as i').innerJoin('legacy_site as l', 'l.id', 'i.legacy_site_id').innerJoin('article as a', 'a.id', 'i.article_id')
      .select('a.live').where('l.code', '=', 'drafts').execute();
    expect(live.map((a) => a.live)).toEqual([false, false, false, false, false, false]);
  });

  it('should roll a run back to exactly what the site held before it, once', async () => {
    const runs = await inScope(t.db, w.ctx.scope, (trx) => listRuns(trx, w.siteId));
    expect(runs.map((r) => r.status)).toEqual(['finished', 'finished', 'finished']);
    expect(runs[2]!.operator_label).toBe('test');
    const result = await rollbackRun(w.ctx, w.siteId, firstRun);
    expect(result.removedArticles).toBeGreaterThan(50);
    const after = await census();
    // As before the run; only the per-site counters (serial numbers, 索引号) moved on, never reused.
    expect({ ...after, site_counter: 0 }).toEqual({ ...initial, site_counter: 0 });
    expect((await inScope(t.db, w.ctx.scope, (trx) => findRun(trx, w.siteId, firstRun)))?.status).toBe('rolled_back');
    await expect(rollbackRun(w.ctx, w.siteId, firstRun)).rejects.toMatchObject({ code: 'ZQ_LEGACY_RUN_ROLLED_BACK' });
  });

  it('should fail a broken item with its line and go on, and refuse a file that is not a WXR export', async () => {
    const broken = await importWxr(w.ctx, w.siteId, { wxr: fixture('malformed-simple.xml'), sourceName: 'malformed-simple.xml', columnId: w.columnId });
    expect(broken.report.failed).toEqual([expect.objectContaining({ index: 1, line: 9, reason: 'line 9: the item is not closed (no </item>)' })]);
    const crazy = await importWxr(w.ctx, w.siteId, { wxr: fixture('crazy-cdata.xml'), sourceName: 'crazy-cdata.xml', columnId: w.columnId });
    expect(crazy.report.failed[0]!.reason).toMatch(/^line 18: .*\]\]>/);
    const mixed = fixture('valid-wxr-1.1.xml').replace('</item>', '</item><item><title>Broken</title><wp:post_type>post</wp:post_type><content:encoded><![CDATA[x]]></content:encoded></wrong></item>');
    const goesOn = await importWxr(w.ctx, w.siteId, { wxr: mixed, sourceName: 'mixed', columnId: w.columnId });
    expect(goesOn.report.failed, JSON.stringify(goesOn.report.failed)).toHaveLength(1);
    expect(goesOn.report.imported).toBe(2);
    const before = await census();
    for (const name of ['missing-version-tag.xml', 'invalid-version-tag.xml']) {
      await expect(importWxr(w.ctx, w.siteId, { wxr: fixture(name), sourceName: name, columnId: w.columnId }))
        .rejects.toMatchObject({ code: 'ZQ_LEGACY_WXR_UNREADABLE', message: expect.stringMatching(/WXR/) });
    }
    await expect(importWxr(w.ctx, w.siteId, { wxr: 'not xml at all', sourceName: 'x', columnId: w.columnId })).rejects.toMatchObject({ code: 'ZQ_LEGACY_WXR_UNREADABLE' });
    expect(await census()).toEqual(before);
  });

  it('should not import into, list or roll back the runs of another site', async () => {
    await expect(importWxr(other, w.siteId, { wxr: fixture('wxr-simple.xml'), sourceName: 'x', columnId: w.columnId })).rejects.toMatchObject({ statusCode: 404 });
    expect(await inScope(t.db, other.scope, (trx) => listRuns(trx, w.siteId))).toEqual([]);
    const run = (await inScope(t.db, w.ctx.scope, (trx) => listRuns(trx, w.siteId)))[0]!;
    await expect(rollbackRun(other, w.siteId, run.id)).rejects.toMatchObject({ statusCode: 404 });
    // Nor into another site's column.
    await expect(importWxr(w.ctx, w.siteId, { wxr: fixture('wxr-simple.xml'), sourceName: 'x', columnId: w.otherColumnId })).rejects.toMatchObject({ code: 'ZQ_VALIDATION', field: 'columnId' });
  });
});
