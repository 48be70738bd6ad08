/**
 * WordPress import: a generated WXR export of BENCH_POSTS posts (about 6 KB of Chinese HTML each,
 * categories, tags, a link and GUID per post, and 12 links to earlier posts in each body, as a
 * chronological export has them; the first posts' links wrap round to later ones) imported into a site of a throwaway Postgres
 * database through importWxr — parsing, the sanitiser, one transaction per item with its audit
 * entries, URL entries and ID map row — then imported again (nothing changes) and rolled back.
 * Prints items/s for each step and where the first run spends its time, against a baseline in
 * the same run: the same posts written through the content services alone (createDraft and
 * publishRevision, each its own transaction) into another column — no ID map, no URL entries.
 *
 *   node --conditions=@zhanqun/source --import tsx scripts/bench/wxr-import.ts
 *
 * Env: DATABASE_URL (the server; default postgres://postgres@127.0.0.1:5432/postgres; the bench
 * creates and drops its own database there), BENCH_POSTS (default 1000).
 */
import { createDraft, publishRevision, revisionContent } from '@zhanqun/content/article.service';
import { rollbackRun } from '@zhanqun/legacy/import-run.service';
import { importWxr } from '@zhanqun/legacy/wxr/wxr-import.service';
import { parseWxr } from '@zhanqun/legacy/wxr/wxr-parser';
import { createColumn } from '@zhanqun/tenancy/column.service';
import { benchCountySite, withBenchDatabase } from './bench-county.js';

const POSTS = Number(process.env.BENCH_POSTS ?? 1000) || 1000;
const rate = (n: number, ms: number) => `${n} items in ${(ms / 1000).toFixed(2)} s = ${(n / (ms / 1000)).toFixed(1)} items/s`;

const PARAGRAPH = '为进一步加强政府网站信息内容建设，切实提升政府网站权威性和影响力，根据国务院办公厅有关文件精神，结合本县实际，现就有关事项通知如下。';

/** A WXR 1.2 export of `n` published posts. */
function generateWxr(n: number): string {
  const items = Array.from({ length: n }, (_, i) => {
    const day = new Date(Date.UTC(2015, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
    const body = Array.from({ length: 12 }, (_, p) => `<p>${PARAGRAPH}（第${p + 1}段）<a href="http://old.example.gov.cn/?p=${((i - p - 1 + n) % n) + 1}">相关</a></p>`).join('\n')
      + '\n<table><tr><td>项目</td><td>金额</td></tr><tr><td>基本支出</td><td>120万元</td></tr></table>';
    return `<item><title>关于开展第${i + 1}批专项检查的通知</title><link>http://old.example.gov.cn/${day.replace(/-/g, '/')}/notice-${i + 1}/</link>
<pubDate>Thu, 01 Jan 2015 00:00:00 +0000</pubDate><dc:creator><![CDATA[admin]]></dc:creator>
<guid isPermaLink="false">http://old.example.gov.cn/?p=${i + 1}</guid>
<content:encoded><![CDATA[${body}]]></content:encoded><excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>${i + 1}</wp:post_id><wp:post_date>${day} 09:30:00</wp:post_date><wp:post_date_gmt>${day} 01:30:00</wp:post_date_gmt>
<wp:post_name>notice-${i + 1}</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type><wp:post_password></wp:post_password>
<category domain="category" nicename="tzgg"><![CDATA[通知公告]]></category><category domain="post_tag" nicename="jc"><![CDATA[检查]]></category></item>`;
  });
  return `<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>旧县政府网站</title><wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>http://old.example.gov.cn</wp:base_site_url>
<wp:author><wp:author_login><![CDATA[admin]]></wp:author_login><wp:author_display_name><![CDATA[县政府办]]></wp:author_display_name></wp:author>
${items.join('\n')}
</channel></rss>`;
}

async function main(): Promise<void> {
  await withBenchDatabase(async ({ db }, name) => {
    const { ctx, site } = await benchCountySite(db, 'bench:wxr-import');
    const column = await createColumn(ctx, site.id, { slug: 'tzgg', name: '通知公告', kind: 'notice' });

    const wxr = generateWxr(POSTS);
    console.log(`wxr-import bench: node ${process.version}, ${POSTS} posts, ${(wxr.length / 1e6).toFixed(1)} MB of WXR, database ${name}`);
    let t = performance.now();
    const doc = parseWxr(wxr);
    const parseMs = performance.now() - t;
    t = performance.now();
    for (const item of doc.items) revisionContent({ title: item.title, bodyHtml: item.contentHtml });
    const sanitiseMs = performance.now() - t;

    // Baseline: the platform's own write path for the same articles, nothing of the import's.
    const other = await createColumn(ctx, site.id, { slug: 'base', name: '基线', kind: 'notice' });
    t = performance.now();
    for (const item of doc.items) {
      const draft = await createDraft(ctx, site.id, { columnId: other.id, title: item.title, bodyHtml: item.contentHtml });
      await publishRevision(ctx, site.id, draft.id, { publishedAt: new Date(`${item.postDateGmt!.replace(' ', 'T')}Z`) });
    }
    const baselineMs = performance.now() - t;

    t = performance.now();
    const first = await importWxr(ctx, site.id, { wxr, sourceName: 'bench.xml', columnId: column.id });
    const firstMs = performance.now() - t;
    if (first.report.imported !== POSTS || first.report.failed.length) throw new Error(`import: ${JSON.stringify(first.report.failed.slice(0, 3))}`);
    t = performance.now();
    const again = await importWxr(ctx, site.id, { wxr, sourceName: 'bench.xml', columnId: column.id });
    const againMs = performance.now() - t;
    if (again.report.unchanged !== POSTS) throw new Error('re-run changed something');
    t = performance.now();
    await rollbackRun(ctx, site.id, first.runId);
    const rollbackMs = performance.now() - t;

    console.log(`  first run:  ${rate(POSTS, firstMs)}`);
    console.log(`    items ${(first.report.timings.itemsMs / 1000).toFixed(2)} s, then rewriting ${first.report.linksRewritten} links in ${first.report.articlesRelinked} articles ${(first.report.timings.linksMs / 1000).toFixed(2)} s`);
    console.log(`    parsing ${(parseMs / 1000).toFixed(2)} s and sanitising ${(sanitiseMs / 1000).toFixed(2)} s (each measured alone); the rest is the database`);
    console.log(`  baseline:   ${rate(POSTS, baselineMs)} through createDraft + publishRevision; the import takes ${(firstMs / baselineMs).toFixed(2)}× as long`);
    console.log(`  re-run:     ${rate(POSTS, againMs)} (all unchanged)`);
    console.log(`  rollback:   ${rate(POSTS, rollbackMs)}`);
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
