// Which files of a WordPress export are the blog's uploads, which an item uses, and how its body
// is pointed at them once stored: against the theme unit test data (../shared/corpus, read in place).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { corpusPath } from '../corpus.fixture.js';
import { filesOfItem, filesTag, itemAttachments, pointAtFiles, uploadMatcher } from './wxr-files.js';
import { planItem } from './wxr-map.js';
import { parseWxr, type WxrItem } from './wxr-parser.js';

const doc = parseWxr(readFileSync(corpusPath('wordpress-theme-test-data', 'themeunittestdata.wordpress.xml'), 'utf8'));
const uploads = uploadMatcher(doc, ['wpthemetestdata.wordpress.com']);
const attachments = new Map(doc.items.filter((i) => i.postType === 'attachment').map((i) => [i.postId!, i]));
const children = new Map<string, WxrItem[]>();
for (const a of attachments.values()) if (a.postParent && a.postParent !== '0') children.set(a.postParent, [...(children.get(a.postParent) ?? []), a]);
const filesOf = (postId: string) => {
  const item = doc.items.find((i) => i.postId === postId)!;
  const plan = planItem(item, new Map());
  if (plan.action !== 'import') throw new Error(`${postId} is not imported`);
  return filesOfItem(item, plan.article.bodyHtml, uploads, attachments, children);
};

describe('WordPress uploads', () => {
  it('should read attachments, the post they were uploaded to, and a featured image from the export', () => {
    const canola = attachments.get('611')!;
    expect([canola.attachmentUrl, canola.postParent]).toEqual(['https://wpthemetestdata.files.wordpress.com/2008/06/canola2.jpg', '555']);
    expect(doc.items.find((i) => i.postId === '1011')!.thumbnailId).toBe('1022');
    expect(doc.items.filter((i) => i.thumbnailId).length).toBe(6);
  });

  it('should take the files host and wp-content/uploads as uploads, one file whatever the scheme or resize parameters', () => {
    const one = uploads.match('https://wpthemetestdata.files.wordpress.com/2008/06/100_5478.jpg');
    expect(one).toEqual({ key: '/wp-content/uploads/2008/06/100_5478.jpg', url: 'https://wpthemetestdata.files.wordpress.com/2008/06/100_5478.jpg', rel: '2008/06/100_5478.jpg' });
    expect(uploads.match('http://wpthemetestdata.files.wordpress.com/2008/06/100_5478.jpg?w=604')?.key).toBe(one!.key);
    expect(uploads.match('https://wpthemetestdata.wordpress.com/wp-content/uploads/2008/06/100_5478.jpg')?.key).toBe(one!.key);
    expect(uploads.match('/wp-content/uploads/2008/06/100_5478.jpg')?.key).toBe(one!.key); // relative: to the blog
    expect(uploads.match('https://wpthemetestdata.files.wordpress.com/2008/06/a%20b.jpg?w=1&amp;h=2')?.rel).toBe('2008/06/a%20b.jpg');
    // Pages, attachment pages, other sites and other schemes are not uploads.
    for (const url of ['https://wpthemetestdata.wordpress.com/2010/09/10/post-format-gallery/img_0767/', 'https://wpthemetestdata.files.wordpress.com/about.html',
      'https://www.burningwell.org/gallery2/main.php?g2_view=core.DownloadItem', 'https://example.org/wp-content/uploads/2008/06/x.jpg',
      'https://wpthemetestdata.wordpress.com/wp-content/uploads/2008/', 'mailto:a@example.org', 'javascript:alert(1)']) {
      expect(uploads.match(url), url).toBeNull();
    }
  });

  it('should list an item\'s files in body order, then what was uploaded to it, and its featured image', () => {
    const gallery = filesOf('1752');
    expect(gallery.cover?.rel).toBe('2008/06/img_8399.jpg');
    expect(new Set(gallery.files.map((f) => f.key)).size).toBe(gallery.files.length);
    const imageAlignment = filesOf('1177');
    expect(imageAlignment.files[0]?.rel).toBe('2013/03/image-alignment-580x300.jpg'); // the body's first image
    expect(imageAlignment.cover?.rel).toBe('2013/03/soworthloving-wallpaper.jpg');
    // Uploaded to the gallery post, never shown in its body ([gallery] shortcode): still its files.
    expect(filesOf('555').files.map((f) => f.rel)).toContain('2008/06/canola2.jpg');
    expect(filesOf('51')).toMatchObject({ files: [], cover: { rel: '2008/06/dsc20050102_192118_51.jpg' } });
  });

  it('should tag an item by the files it uses and those it lacks, and point its body only at files its revision carries', () => {
    const f = filesOf('1158');
    expect(filesTag({ files: [], cover: null, pages: [] })).toBe('');
    expect(filesTag(f)).toMatch(/^:files:[0-9a-f]{16}$/);
    expect(filesTag(f, [f.files[0]!.key])).toMatch(/^:files:[0-9a-f]{16}:missing:[0-9a-f]{16}$/);
    expect(filesTag(f, [f.files[0]!.key])).not.toBe(filesTag(f, [f.files[1]!.key]));

    const stored = new Map([[f.files[0]!.key, { id: '0190a000-0000-7000-8000-000000000001', filename: 'a b.jpg', mediaType: 'image/jpeg' }]]);
    const failed = new Map([[f.files[1]!.key, 'the server answered HTTP 404']]);
    const linked = itemAttachments(f, stored, failed);
    expect(linked).toEqual({
      attachmentIds: ['0190a000-0000-7000-8000-000000000001'], coverId: null, missing: [f.files[1]!.key],
      notes: [`${f.files[1]!.url} was not stored: the server answered HTTP 404`],
    });
    const body = `<p><img src="${f.files[0]!.url}?w=300&amp;h=200" alt="x"><a href="${f.files[1]!.url}">y</a></p>`;
    expect(pointAtFiles(body, uploads, stored, new Set(linked.attachmentIds)))
      .toBe(`<p><img src="/_files/0190a000-0000-7000-8000-000000000001/a%20b.jpg" alt="x"><a href="${f.files[1]!.url}">y</a></p>`);
    expect(pointAtFiles(body, uploads, stored, new Set())).toBe(body);
  });
});
