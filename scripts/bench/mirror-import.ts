/**
 * Mirror import (issue 7, Speed): a generated static mirror of BENCH_PAGES article pages of about
 * 80 KB each (a Hanweb-style page: navigation, a disclosure box, ~6 KB of body, footer and
 * scripts) imported by a mapping profile into a site of a throwaway Postgres database, against a
 * baseline in the same run: the same articles written through createDraft and publishRevision
 * alone. Prints pages/s, and the time extraction (parse5) and the sanitiser take measured alone.
 * The issue's target: >= 200 pages/s with a profile.
 *
 *   npm run build && node --import tsx scripts/bench/mirror-import.ts
 *
 * Built, not from source: the packages resolve to their dist JavaScript, as in production, and the
 * import's worker threads run it at full speed (through tsx a thread runs ~4x slower).
 *
 * Env: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres; the bench creates and
 * drops its own database there), BENCH_PAGES (default 1000; the issue's figure is for 10,000),
 * BENCH_THREADS (the import's worker threads; default the cores, 0 reads inline),
 * BENCH_READABILITY=1 (no selectors in the profile: the readability-style fallback finds title and
 * body; the issue's target 40 pages/s). The baseline writes the first 1,000 pages at most.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { createDraft, publishRevision, revisionContent } from '@zhanqun/content/article.service';
import { importMirror } from '@zhanqun/legacy/mirror/mirror-import.service';
import { parseProfile } from '@zhanqun/legacy/mirror/mirror-profile';
import { extractArticle } from '@zhanqun/legacy/mirror/page-extract';
import { createColumn } from '@zhanqun/tenancy/column.service';
import { benchCountySite, withBenchDatabase } from './bench-county.js';

const PAGES = Number(process.env.BENCH_PAGES ?? 1000) || 1000;
const THREADS = process.env.BENCH_THREADS === undefined || process.env.BENCH_THREADS === '' ? undefined : Number(process.env.BENCH_THREADS);
const BASELINE = Math.min(PAGES, 1000);
const HOST = 'www.bench-old.gov.cn';
const rate = (n: number, ms: number) => `${n} pages in ${(ms / 1000).toFixed(2)} s = ${(n / (ms / 1000)).toFixed(1)} pages/s`;

const PROFILE = `
host: ${HOST}
articles: '^/art/\\d{4}/\\d{1,2}/\\d{1,2}/art_(?<section>\\d+)_\\d+\\.html$'
sections: { '1': /tzgg/ }
${process.env.BENCH_READABILITY === '1' ? '' : "selectors: { title: h1.title, body: '#zoom', time: .info }"}
`;

function page(i: number): { path: string; html: string } {
  const day = new Date(Date.UTC(2015, 0, 1) + i * 3_600_000);
  const [y, m, d] = [day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate()];
  const time = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')} ${String(day.getUTCHours()).padStart(2, '0')}:00`;
  const nav = Array.from({ length: 200 }, (_, k) => `<li><a href="/col/col${k}/index.html">栏目名称第${k}项</a></li>`).join('');
  const body = Array.from({ length: 30 }, (_, p) => `<p>为进一步加强政府网站信息内容建设，切实提升政府网站权威性和影响力，现就有关事项通知如下（第${p + 1}段）。<a href="/art/${y}/${m}/${d}/art_1_${Math.max(1, i - p)}.html">相关</a></p>`).join('\n');
  const script = `<script>var __$pubtime='${time}';${'var x=1;'.repeat(2500)}</script>`;
  const html = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>第${i}号通知_基准县</title>${script}</head><body>
<div class="nav"><ul>${nav}</ul></div><div class="nav2"><ul>${nav}</ul></div>
<table class="xxgk"><tr><td>索引号：</td><td>001/${y}-${i}</td><td>发文机关：</td><td>基准县政府办</td><td>发文字号：</td><td>基府字〔${y}〕${i}号</td></tr></table>
<h1 class="title">关于开展第${i}批专项检查的通知</h1><div class="info">发布时间：${time}</div><div id="zoom">${body}</div>
<div class="foot">${'<p>主办单位：基准县人民政府办公室 网站标识码 9901210001 ICP备案号 公安备案号</p>'.repeat(240)}</div></body></html>`;
  return { path: `/art/${y}/${m}/${d}/art_1_${i + 1}.html`, html };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'zq-bench-mirror-'));
  try {
    await withBenchDatabase(async ({ db }, name) => {
      const { ctx, site } = await benchCountySite(db, 'bench:mirror-import');
      await createColumn(ctx, site.id, { slug: 'tzgg', name: '通知公告', kind: 'notice' });
      const base = await createColumn(ctx, site.id, { slug: 'base', name: '基线', kind: 'notice' });

      const root = join(dir, HOST);
      let bytes = 0;
      /** A sample for the measurements alone and the baseline. */
      const sample: { path: string; html: string }[] = [];
      for (let i = 0; i < PAGES; i++) {
        const p = page(i);
        if (i < BASELINE) sample.push(p);
        mkdirSync(join(root, p.path.slice(1, p.path.lastIndexOf('/'))), { recursive: true });
        writeFileSync(join(root, p.path.slice(1)), p.html);
        bytes += Buffer.byteLength(p.html);
      }
      console.log(`mirror-import bench: node ${process.version}, ${PAGES} pages, ${(bytes / PAGES / 1024).toFixed(0)} KB each, database ${name}, ${import.meta.url.endsWith('.ts') && process.execArgv.some((a) => a.includes('@zhanqun/source')) ? 'from source' : 'built'}`);

      const profile = parseProfile(PROFILE);
      let t = performance.now();
      const extracted = sample.map((p) => extractArticle(p.html, `http://${HOST}${p.path}`, profile)!);
      const extractMs = performance.now() - t;
      t = performance.now();
      for (const e of extracted) revisionContent({ title: e.title, bodyHtml: e.bodyHtml });
      const sanitiseMs = performance.now() - t;

      t = performance.now();
      for (const e of extracted.slice(0, BASELINE)) {
        const draft = await createDraft(ctx, site.id, { columnId: base.id, title: e.title, bodyHtml: e.bodyHtml });
        await publishRevision(ctx, site.id, draft.id, { publishedAt: e.publishedAt!.at });
      }
      const baselineMs = performance.now() - t;

      t = performance.now();
      const { report } = await importMirror(ctx, site.id, { dir: root, profile: PROFILE, sourceName: 'bench', ...(THREADS === undefined ? {} : { threads: THREADS }) });
      const importMs = performance.now() - t;
      if (report.imported !== PAGES || report.failed.length) throw new Error(`import: ${report.imported} imported, ${JSON.stringify(report.failed.slice(0, 3))}`);
      // The right body, not a footer or a navigation block: every imported article holds its paragraphs and no footer line.
      const wrong = await sql<{ n: number }>`select count(*)::int as n from article a join article_revision r on r.id = a.live_revision_id
        where a.site_id = ${site.id} and a.primary_column_id <> ${base.id} and (r.body_html not like '%现就有关事项通知如下（第14段）%' or r.body_html like '%主办单位%')`.execute(db);
      if (wrong.rows[0]!.n > 0) throw new Error(`import: ${wrong.rows[0]!.n} articles without their own body`);
      t = performance.now();
      const again = await importMirror(ctx, site.id, { dir: root, profile: PROFILE, sourceName: 'bench again' });
      const againMs = performance.now() - t;

      const threads = report.timings.threads;
      console.log(`  import:    ${rate(PAGES, importMs)} (target 200 pages/s; ${threads ? `read on ${threads} worker threads` : 'read inline'}): pages ${(report.timings.pagesMs / 1000).toFixed(2)} s, link pass ${(report.timings.linksMs / 1000).toFixed(2)} s; links rewritten ${report.linksRewritten}`);
      console.log(`    extraction (parse5) ${(extractMs / BASELINE).toFixed(2)} ms and sanitising ${(sanitiseMs / BASELINE).toFixed(2)} ms a page, each measured alone on the main thread`);
      console.log(`  baseline:  ${rate(BASELINE, baselineMs)} through createDraft + publishRevision; the import is ${((PAGES / importMs) / (BASELINE / baselineMs)).toFixed(2)}× as fast`);
      console.log(`  re-run:    ${rate(PAGES, againMs)} (${again.report.unchanged} unchanged)`);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
