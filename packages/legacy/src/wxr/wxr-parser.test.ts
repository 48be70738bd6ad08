// The WXR reader and the item mapping against the WordPress importer's fixtures (../shared/corpus,
// read in place): namespaces by URI, CDATA edge cases, text kept byte for byte, broken items alone.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { corpusPath } from '../corpus.fixture.js';
import { autop, planItem, publishTime } from './wxr-map.js';
import { parseWxr } from './wxr-parser.js';

const fixture = (name: string) => parseWxr(readFileSync(corpusPath('wordpress-importer-wxr-fixtures', 'phpunit-data', name), 'utf8'));

describe('parseWxr', () => {
  it('should read fields by namespace URI, whatever the prefix, and never from another vocabulary', () => {
    const doc = fixture('namespace-edge-cases.xml');
    expect(doc.authors.map((a) => a.login)).toEqual(['real_user', 'version_conflict']);
    const byTitle = new Map(doc.items.map((i) => [i.title, i]));
    expect(byTitle.get('Mixed Namespaces')?.postId).toBe('1');
    expect(byTitle.get('No Prefix')?.postId).toBe('2');
    const hijacked = byTitle.get('Hijacked Namespace')!;
    expect([hijacked.postId, hijacked.postType, hijacked.status]).toEqual([null, null, null]);
    expect(planItem(hijacked, new Map())).toMatchObject({ action: 'skip', reason: expect.stringContaining('wp:status') });
    expect(planItem({ ...hijacked, postType: 'post' }, new Map())).toMatchObject({ action: 'fail', reason: expect.stringContaining('wp:status') });
  });

  it('should keep text exactly: CDATA edges, several CDATA sections, slashes, backslashes, UTF-8', () => {
    expect(fixture('cdata-edge.xml').items[0]!.contentHtml).toBe('ends with sequence ]] >');
    expect(fixture('multiple-cdata.xml').items[0]!.contentHtml.trim()).toBe('line oneline twoline three');
    expect(fixture('slashes.xml').items[0]!.contentHtml).toBe('Slashes aren\\\'t \\"cool\\"');
    expect(fixture('backslashes.xml').items[0]!.contentHtml).toBe('C:\\xampp\\htdocs\\wp-content');
    expect(fixture('wxr-utf-8-challenges.xml').items[0]!.title).toBe('"The Road \u202eNot\u202c Taken" by Rob\u202dert \u202eFrost \u202a🌲\u202c');
  });

  it('should fail a broken item alone, with its line, and say when a file is no WXR export', () => {
    expect(fixture('malformed-simple.xml').items.map((i) => i.error)).toEqual(['line 9: the item is not closed (no </item>)']);
    expect(fixture('crazy-cdata.xml').items[0]!.error).toMatch(/^line 18: .*"\]\]>"/);
    expect(fixture('missing-version-tag.xml')).toMatchObject({ fatal: true, errors: [{ message: expect.stringContaining('wxr_version') }] });
    expect(fixture('invalid-version-tag.xml')).toMatchObject({ fatal: true, errors: [{ message: expect.stringContaining('"abc"') }] });
    expect(parseWxr('<html><body>not an export</body></html>').fatal).toBe(true);
    for (const name of ['valid-wxr-1.0.xml', 'valid-wxr-1.1.xml', 'small-export.xml']) expect(fixture(name)).toMatchObject({ fatal: false, errors: [] });
  });
});

describe('planItem and publish times', () => {
  it('should take post_date_gmt, else post_date as +08:00, else pubDate', () => {
    expect(publishTime({ postDateGmt: '2012-01-05 14:30:46', postDate: '2012-01-05 22:30:46', pubDate: null })?.toISOString()).toBe('2012-01-05T14:30:46.000Z');
    expect(publishTime({ postDateGmt: '0000-00-00 00:00:00', postDate: '2019-03-05 10:20:00', pubDate: null })?.toISOString()).toBe('2019-03-05T02:20:00.000Z');
    expect(publishTime({ postDateGmt: null, postDate: null, pubDate: 'Thu, 05 Jan 2012 14:30:46 +0000' })?.toISOString()).toBe('2012-01-05T14:30:46.000Z');
    expect(publishTime({ postDateGmt: null, postDate: null, pubDate: null })).toBeNull();
  });

  it('should import drafts, private and password-protected posts as drafts, and skip what is no article', () => {
    const doc = fixture('small-export.xml');
    const plans = doc.items.map((i) => planItem(i, new Map()));
    expect(plans.filter((p) => p.action === 'import' && !p.publish)).toHaveLength(2); // a draft page, a private post
    expect(planItem({ ...doc.items[0]!, password: 'secret' }, new Map())).toMatchObject({ action: 'import', publish: false, note: expect.stringContaining('password') });
    expect(planItem({ ...doc.items[0]!, postType: 'attachment' }, new Map())).toMatchObject({ action: 'skip' });
    expect(planItem({ ...doc.items[0]!, title: '  ' }, new Map())).toMatchObject({ action: 'import', article: { title: expect.stringMatching(/^无标题/) } });
  });

  it('should turn WordPress paragraphs into HTML and leave blocks alone', () => {
    expect(autop('one\ntwo\n\nthree')).toBe('<p>one<br>\ntwo</p>\n<p>three</p>');
    expect(autop('<ul><li>a</li></ul>\n\ntext')).toBe('<ul>\n<li>a</li>\n</ul>\n<p>text</p>');
    // Lists keep only list items inside (axe's list rule); preformatted text keeps its lines.
    expect(autop('intro\n<ol>\n\t<li>a\n<ul>\n\t<li>b</li>\n</ul>\n</li>\n</ol>')).toBe('<p>intro</p>\n<ol>\n<li>a\n<ul>\n<li>b</li>\n</ul>\n</li>\n</ol>');
    expect(autop('<pre>line 1\n\nline 2</pre>\ntext')).toBe('<pre>line 1\n\nline 2</pre>\n<p>text</p>');
  });
});
