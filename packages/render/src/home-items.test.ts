import { describe, expect, it } from 'vitest';
import { homeItemSettings, homeItemSettingsOf } from './home-items.js';

const LAYOUT = '<html>{{zq_head}}{{body}}{{gov_footer}}{{zq_foot}}</html>';
const shown = (home: string, partials: Record<string, string> = {}, layout = LAYOUT) => {
  const found = homeItemSettingsOf({ home, layout, partials: new Map(Object.entries(partials)) });
  return found === null ? null : [...found].sort();
};

describe('which column-list settings a home page shows the items of', () => {
  it('should find the county pack\'s lists and leave its entrances and topic banners out', () => {
    const found = homeItemSettings('county');
    expect(found).not.toBeNull();
    for (const key of ['picture_columns', 'news_columns', 'notice_columns', 'link_columns']) expect(found!.has(key)).toBe(true);
    expect(found!.has('entrance_columns')).toBe(false);
    expect(found!.has('topic_columns')).toBe(false);
  });

  it('should follow a site\'s own partial: entrances shown with their items once an override prints them', () => {
    // The county pack's block partial prints its items; a site's version that shows names only does not.
    expect(homeItemSettings('county', { block: '<section><h2>{{name}}</h2></section>' })!.has('notice_columns')).toBe(false);
    expect(homeItemSettings('county', { block: '<section>{{#each items}}{{title}}{{/each}}</section>' })!.has('notice_columns')).toBe(true);
  });

  it('should count items reached through partials, hashes, block params, @root, @site and ../', () => {
    // Names, links, children and lengths are no items.
    expect(shown('{{#each settings.a}}<a href="{{url}}">{{name}}</a>{{#each children}}{{name}}{{/each}}{{/each}}{{#if settings.b.length}}x{{/if}}')).toEqual([]);
    expect(shown('{{#each settings.a}}{{> p}}{{/each}}', { p: '{{name}}' })).toEqual([]);
    expect(shown('{{#each settings.a}}{{> p}}{{/each}}', { p: '{{#each items}}{{title}}{{/each}}' })).toEqual(['a']);
    expect(shown('{{#each settings.a}}{{> p list=items}}{{/each}}', { p: '{{#each list}}{{title}}{{/each}}' })).toEqual(['a']);
    expect(shown('{{#each settings.a as |blk|}}{{#each blk.items}}{{title}}{{/each}}{{/each}}')).toEqual(['a']);
    expect(shown('{{#with settings}}{{#each b}}{{#each children}}{{#each ../items}}{{/each}}{{/each}}{{/each}}{{/with}}')).toEqual(['b']);
    expect(shown('{{#each nav}}{{#each @root.settings.c}}{{items.length}}{{/each}}{{/each}}')).toEqual(['c']);
    expect(shown('{{#each @site.settings.d}}{{#each children}}{{../items.length}}{{/each}}{{/each}}')).toEqual(['d']);
    expect(shown('{{settings.e.0.items.0.title}}')).toEqual(['e']);
    expect(shown('{{#*inline "i"}}{{#each items}}{{title}}{{/each}}{{/inline}}{{#each settings.f}}{{> i}}{{/each}}')).toEqual(['f']);
    expect(shown('{{#settings.g}}{{items}}{{/settings.g}}')).toEqual(['g']);
  });

  it('should read every setting\'s items when it cannot tell', () => {
    expect(shown('{{#each settings}}{{/each}}')).toBeNull(); // every setting, whatever it names
    expect(shown('{{lookup settings "a"}}')).toBeNull(); // a helper handed all the settings
    expect(shown('{{> p settings}}')).toBeNull(); // a partial this reading cannot find
    expect(shown('{{#each this}}{{/each}}')).toBeNull(); // the page's own fields
    expect(shown('{{#each settings.a}}{{> (dynamic)}}{{/each}}')).toEqual(['a']); // a partial chosen at run time, handed a block
    expect(shown('{{#each settings.a}}{{#each}}')).toBeNull(); // does not parse
    expect(shown('{{#each settings.a}}{{lookup this "items"}}{{/each}}')).toEqual(['a']);
    expect(shown('{{#each settings.a}}{{#each this}}{{/each}}{{/each}}')).toEqual(['a']);
    expect(shown('x', {}, '{{#each settings.h}}{{> @partial-block}}{{#each items}}{{/each}}{{/each}}')).toEqual(['h']); // the layout counts too
  });
});
