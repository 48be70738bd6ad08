// WordPress attachment pages found in the theme unit test data (../shared/corpus, read in place):
// by their permalink, by ?attachment_id=, under another form of their post's permalink; never a
// post's own address, nor an attachment's file; and the item linking one uses its file.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { corpusPath } from '../corpus.fixture.js';
import { attachmentPages, whyNoFile } from './attachment-pages.js';
import { filesOfItem, filesTag, uploadMatcher } from './wxr-files.js';
import { planItem } from './wxr-map.js';
import { parseWxr } from './wxr-parser.js';

const doc = parseWxr(readFileSync(corpusPath('wordpress-theme-test-data', 'themeunittestdata.wordpress.xml'), 'utf8'));
const HOST = 'wpthemetestdata.wordpress.com';
const uploads = uploadMatcher(doc, [HOST]);
const legacy = { hosts: [HOST], query_params: ['p', 'page_id', 'attachment_id'] };
const pages = attachmentPages(doc, uploads, legacy);

describe('WordPress attachment pages', () => {
  it('should know each attachment\'s page by its permalink and by ?attachment_id=, its file being no page', () => {
    expect(pages.all).toHaveLength(doc.items.filter((i) => i.postType === 'attachment' && i.attachmentUrl).length);
    const img = pages.match('https://wpthemetestdata.wordpress.com/2010/09/10/post-format-gallery/img_0767/')!;
    expect(img).toMatchObject({ postId: '770', file: { rel: '2008/06/img_0767.jpg' } });
    expect(img.urls).toEqual(['https://wpthemetestdata.wordpress.com/2010/09/10/post-format-gallery/img_0767/', 'https://wpthemetestdata.wordpress.com/?attachment_id=770']);
    // Any scheme, case, trailing slash or unimportant parameter; relative to the blog; escaped as a sanitised attribute is.
    for (const link of ['http://WPTHEMETESTDATA.wordpress.com/2010/09/10/post-format-gallery/img_0767', '/?attachment_id=770&amp;utm_source=x', '/2010/09/10/post-format-gallery/img_0767/#main']) {
      expect(pages.match(link)?.postId, link).toBe('770');
    }
    // The brief's form of it: the post's permalink of another date, or WordPress' …/attachment/… form.
    expect(pages.match('https://wpthemetestdata.wordpress.com/2010/08/08/post-format-gallery/img_0767/')?.postId).toBe('770');
    expect(pages.match('https://wpthemetestdata.wordpress.com/post-format-gallery/attachment/img_0767/')?.postId).toBe('770');
    // A page of ?attachment_id= only (a video whose permalink is that).
    expect(pages.match('https://wpthemetestdata.wordpress.com/?attachment_id=1690')).toMatchObject({ urls: ['https://wpthemetestdata.wordpress.com/?attachment_id=1690'] });
  });

  it('should never take a post, the file itself, another host or an unknown attachment for a page', () => {
    const gallery = doc.items.find((i) => i.postId === '555')!;
    for (const link of [gallery.link!, 'https://wpthemetestdata.wordpress.com/?p=555', 'https://wpthemetestdata.files.wordpress.com/2008/06/img_0767.jpg',
      'https://example.org/2010/09/10/post-format-gallery/img_0767/', '/?attachment_id=99999', '/2010/09/10/another-post/img_0767/', '/', 'mailto:x@example.org']) {
      expect(pages.match(link), link).toBeNull();
    }
    // Without attachment_id among the legacy site's parameters a link still finds its page (WordPress answers it on any setting).
    expect(attachmentPages(doc, uploads, { hosts: [HOST], query_params: ['p'] }).match('/?attachment_id=770')?.postId).toBe('770');
  });

  it('should count a linked attachment page\'s file as used by the item, and say why a page leads nowhere', () => {
    const item = doc.items.find((i) => i.postId === '555')!;
    const plan = planItem(item, new Map());
    if (plan.action !== 'import') throw new Error('not imported');
    const body = '<p><a href="https://wpthemetestdata.wordpress.com/?attachment_id=1686">照片</a></p>';
    const f = filesOfItem({ ...item, postId: null }, body, uploads, new Map(), new Map(), pages);
    expect(f).toMatchObject({ files: [{ rel: '2013/09/dsc20040724_152504_532.jpg' }], pages: ['1686'] });
    expect(filesTag(f)).not.toBe(filesTag({ ...f, pages: [] }));
    expect(filesOfItem({ ...item, postId: null }, body, uploads, new Map(), new Map())).toMatchObject({ files: [], pages: [] });
    const video = pages.match('/?attachment_id=1690')!;
    expect(whyNoFile(video, { stored: new Map(), failed: new Map([[video.file.key, 'type .mov is not allowed']]) }))
      .toBe('attachment page of https://wpthemetestdata.files.wordpress.com/2013/12/2014-slider-mobile-behavior.mov, which was not stored: type .mov is not allowed');
    expect(whyNoFile(video, null)).toMatch(/: the import ran without files$/);
  });
});
