// The generated legacy county site (the mirror and crawler sources' test site) holds what issue 7
// asks of it, and the extraction readers read every article of it right, GBK pages included.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { findPublishTime } from '../extract/chinese-date.js';
import { decodePage } from '../extract/decode.js';
import { readGovInfoBox } from '../extract/gov-info-box.js';
import { countySite, DISALLOWED, LEGACY_HOST, serveCountySite, SHARED, writeMirror } from './county-site.fixture.js';

const text = (html: string) => html.replace(/<script[\s\S]*?<\/script>|<!--[\s\S]*?-->/gi, ' ').replace(/<[^>]+>/g, '\n').replace(/&ensp;|&emsp;|&nbsp;/g, ' ');

// Postgres pass only: no database here: the PGlite pass has nothing to add.
describe.skipIf(inject('zqTestBackend').kind === 'pglite')('the generated legacy county site', () => {
  const pages = countySite();
  const all = [...pages.values()];

  it('should have over 200 pages: articles and index_N.html lists in several sections, GBK and UTF-8, attachments, a Disallow', () => {
    const articles = all.filter((p) => p.expect?.kind === 'article');
    const lists = all.filter((p) => p.expect?.kind === 'list' && /index(_\d+)?\.html$/.test(p.path));
    expect(articles.length + lists.length).toBeGreaterThan(200);
    expect(lists.map((p) => p.path)).toContain('/col/col1/index_2.html');
    expect(new Set(articles.map((p) => p.expect!.section)).size).toBe(5);
    expect(articles.filter((p) => p.expect!.encoding === 'gbk').length).toBeGreaterThan(40);
    expect(all.filter((p) => p.expect?.kind === 'attachment').length).toBeGreaterThan(30);
    expect(articles.filter((p) => p.expect!.title === SHARED.title).map((p) => p.path)).toEqual([`/art/2019/1/20/art_1_${SHARED.id}.html`, `/art/2019/1/20/art_3_${SHARED.id}.html`]);
    expect(pages.get('/robots.txt')!.bytes.toString()).toContain(`Disallow: ${DISALLOWED}`);
  });

  it('should give every article\'s publish time and, for policy documents, the 信息索引 box to the readers, GBK pages included', () => {
    for (const page of all.filter((p) => p.expect?.kind === 'article')) {
      const decoded = decodePage(page.bytes, page.contentType);
      expect(decoded.encoding, page.path).toBe(page.expect!.encoding === 'gbk' ? 'gb18030' : 'utf-8');
      expect(decoded.text, page.path).toContain(page.expect!.title!);
      expect(findPublishTime(text(decoded.text))?.text, page.path).toBe(page.expect!.publishedAt);
      if (page.expect!.section === 2) {
        expect(readGovInfoBox(text(decoded.text)), page.path).toMatchObject({ issuingOrgan: '安和县人民政府办公室', documentNumber: expect.stringMatching(/^安府办字〔2019〕\d+号$/) });
      }
    }
    // A GBK page without its header still decodes by its <meta> charset.
    const gbkPage = all.find((p) => p.expect?.encoding === 'gbk' && p.expect.kind === 'article')!;
    expect(decodePage(gbkPage.bytes).text).toContain(gbkPage.expect!.title!);
  });

  it('should write as a wget mirror and answer on loopback', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zq-county-'));
    const served = await serveCountySite(pages);
    try {
      const root = writeMirror(dir, pages);
      expect(root).toBe(join(dir, LEGACY_HOST));
      const gbk = all.find((p) => p.expect?.encoding === 'gbk' && p.expect.kind === 'article')!;
      expect(readFileSync(join(root, gbk.path.slice(1))).equals(gbk.bytes)).toBe(true);
      const res = await fetch(`${served.origin}${gbk.path}`);
      expect(res.headers.get('content-type')).toBe('text/html; charset=GBK');
      expect(decodePage(new Uint8Array(await res.arrayBuffer()), res.headers.get('content-type')).text).toContain(gbk.expect!.title!);
      expect((await fetch(`${served.origin}/no-such-page.html`)).status).toBe(404);
    } finally {
      served.server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
