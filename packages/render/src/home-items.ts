/**
 * Which column-list settings a pack's home page shows the items of (issue 6, Speed: a home page
 * reads only what its templates print). Each column-list setting becomes blocks — name, url,
 * children and items — and only the items cost a query: the county pack shows its entrances and
 * topic banners as links, its news and notices with their items. Read from Handlebars' own AST of
 * home.hbs and layout.hbs, following the partials they include (a site's own partial in place of
 * the pack's): a setting counts as shown wherever anything can reach a block's `items`, and
 * wherever a template hands a setting, a block or the whole `settings` to something this reading
 * does not follow (a helper, a partial it cannot find). Reading too much costs a query; reading
 * too little would drop a list from the page, so every doubt reads.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { packPartials } from './theme-overrides.js';
import { THEMES_DIR } from './theme.js';

type Node = hbs.AST.Node;
type Expr = hbs.AST.Expression;

/**
 * What a context or a path stands for: the page (root), the `settings` object (all), one
 * setting's array of blocks (list), one block (block), a block's items (items), or anything else.
 */
type Target = { t: 'root' } | { t: 'all' } | { t: 'list'; key: string } | { t: 'block'; key: string } | { t: 'items'; key: string } | { t: 'other' };
interface Frame { ctx: Target; params: ReadonlyMap<string, Target> }

const OTHER: Target = { t: 'other' };
/** Every setting: what a doubt about the whole `settings` object marks. */
export const ALL_SETTINGS = '*';

function step(target: Target, part: string): Target {
  switch (target.t) {
    case 'root':
    case 'other':
      // `settings` read anywhere counts as the page's: over-reading is safe.
      return part === 'settings' ? { t: 'all' } : OTHER;
    case 'all': return { t: 'list', key: part };
    case 'list': return part === 'length' ? OTHER : { t: 'block', key: target.key };
    case 'block': return part === 'items' ? { t: 'items', key: target.key } : OTHER;
    case 'items': return target;
  }
}

class Reading {
  readonly shown = new Set<string>();
  readonly #inlines = new Map<string, hbs.AST.Program>();
  readonly #visited = new Set<string>();
  constructor(private readonly partials: ReadonlyMap<string, string>) {}

  /** Walk a template's source from the page's own context. */
  template(source: string): void {
    this.#program(Handlebars.parse(source), [{ ctx: { t: 'root' }, params: new Map() }]);
  }

  #mark(target: Target): void {
    // The page or `settings` itself handed on: anything may be read from it.
    if (target.t === 'root' || target.t === 'all') this.shown.add(ALL_SETTINGS);
    else if (target.t === 'list' || target.t === 'block' || target.t === 'items') this.shown.add(target.key);
  }

  /** Where a path leads from the frames it is read in; reaching a block's items marks its setting. */
  #resolve(e: Expr, stack: readonly Frame[]): Target {
    if (e.type === 'SubExpression') {
      this.#call(e as hbs.AST.SubExpression, stack);
      return OTHER;
    }
    if (e.type !== 'PathExpression') return OTHER;
    const p = e as hbs.AST.PathExpression;
    let target: Target;
    let parts = p.parts;
    if (p.data) {
      // @root is the page, @site carries the settings too (theme.ts); @index, @labels … are neither.
      if (parts[0] !== 'root' && parts[0] !== 'site') return OTHER;
      target = parts[0] === 'root' ? { t: 'root' } : OTHER;
      parts = parts.slice(1);
    } else {
      const name = parts[0];
      const param = p.depth === 0 && name !== undefined && !/^(this|\.)/.test(p.original) ? stack.findLast((f) => f.params.has(name))?.params.get(name) : undefined;
      target = param ?? (stack[stack.length - 1 - p.depth] ?? stack[0]!).ctx;
      if (param) parts = parts.slice(1);
    }
    for (const part of parts) target = step(target, part);
    if (target.t === 'items') this.#mark(target);
    return target;
  }

  /** A value handed on (a helper's argument, a partial's hash, a printed value): a setting in it counts as shown. */
  #value(e: Expr, stack: readonly Frame[]): void {
    this.#mark(this.#resolve(e, stack));
  }

  #call(node: hbs.AST.MustacheStatement | hbs.AST.SubExpression, stack: readonly Frame[]): void {
    for (const e of [node.path as Expr, ...node.params, ...(node.hash?.pairs.map((x) => x.value) ?? [])]) this.#value(e, stack);
  }

  #program(program: hbs.AST.Program | undefined, stack: readonly Frame[]): void {
    const body = program?.body ?? [];
    // Inline partials are defined before their program runs, wherever they are written in it.
    for (const node of body) if (node.type === 'DecoratorBlock') this.#defineInline(node as hbs.AST.DecoratorBlock);
    for (const node of body) this.#node(node, stack);
  }

  /** `{{#*inline "name"}}`: read where it is included, in that place's context. */
  #defineInline(d: hbs.AST.DecoratorBlock): void {
    const name = d.params[0]?.type === 'StringLiteral' ? (d.params[0] as hbs.AST.StringLiteral).value : null;
    if (name) this.#inlines.set(name, d.program);
    else this.shown.add(ALL_SETTINGS);
  }

  #node(node: Node, stack: readonly Frame[]): void {
    switch (node.type) {
      case 'MustacheStatement':
        this.#call(node as hbs.AST.MustacheStatement, stack);
        return;
      case 'BlockStatement':
        this.#block(node as hbs.AST.BlockStatement, stack);
        return;
      case 'PartialStatement':
      case 'PartialBlockStatement':
        this.#partial(node as hbs.AST.PartialStatement & { program?: hbs.AST.Program }, stack);
        return;
      default:
        return; // content, comments, inline partials (registered by #program)
    }
  }

  #block(b: hbs.AST.BlockStatement, stack: readonly Frame[]): void {
    const helper = b.path.type === 'PathExpression' && !(b.path as hbs.AST.PathExpression).data ? (b.path as hbs.AST.PathExpression).original : null;
    const [first, ...rest] = b.params;
    const inner = (ctx: Target, element: Target) => {
      const names = b.program.blockParams ?? [];
      const params = new Map<string, Target>(names[0] ? [[names[0], element]] : []);
      return [...stack, { ctx, params }];
    };
    if ((helper === 'each' || helper === 'with') && first && rest.length === 0) {
      for (const pair of b.hash?.pairs ?? []) this.#value(pair.value, stack);
      const target = this.#resolve(first, stack);
      let ctx: Target = target;
      if (helper === 'each') {
        if (target.t === 'list') ctx = { t: 'block', key: target.key };
        else {
          // Iterating `settings` or a block's own fields reaches everything in them.
          this.#mark(target);
          ctx = OTHER;
        }
      }
      this.#program(b.program, inner(ctx, ctx));
      this.#program(b.inverse, stack);
      return;
    }
    if ((helper === 'if' || helper === 'unless') && first && rest.length === 0) {
      this.#resolve(first, stack); // a test reads no items unless its path goes through them
      this.#program(b.program, stack);
      this.#program(b.inverse, stack);
      return;
    }
    if (b.params.length === 0 && !b.hash && b.path.type === 'PathExpression') {
      // `{{#settings.news_columns}}`: a section, iterating a list or entering an object.
      const target = this.#resolve(b.path, stack);
      const ctx = target.t === 'list' ? { t: 'block' as const, key: target.key } : target;
      this.#program(b.program, inner(ctx, ctx));
      this.#program(b.inverse, stack);
      return;
    }
    // Any other helper may read whatever it is handed.
    for (const e of [...b.params, ...(b.hash?.pairs.map((x) => x.value) ?? [])]) this.#value(e, stack);
    this.#program(b.program, inner(OTHER, OTHER));
    this.#program(b.inverse, stack);
  }

  #partial(p: hbs.AST.PartialStatement & { program?: hbs.AST.Program }, stack: readonly Frame[]): void {
    for (const pair of p.hash?.pairs ?? []) this.#value(pair.value, stack);
    const [param] = p.params;
    const ctx = param ? this.#resolve(param, stack) : stack[stack.length - 1]!.ctx;
    if (p.program) this.#program(p.program, stack); // a partial block's own content, as `{{> @partial-block}}` shows it
    const name = p.name.type === 'PathExpression' ? (p.name as hbs.AST.PathExpression) : null;
    if (name?.data) return; // `{{> @partial-block}}`: read above, where it is written
    const partialName = name?.original ?? ((p.name as Expr).type === 'StringLiteral' ? (p.name as unknown as hbs.AST.StringLiteral).value : null);
    const program = partialName === null ? undefined : this.#inlines.get(partialName);
    const source = partialName === null ? undefined : this.partials.get(partialName);
    if (!program && source === undefined) {
      this.#mark(ctx); // a partial this reading cannot see: it may read everything it is given
      return;
    }
    // A partial sees the context it is given; the same partial in the same context is read once.
    const key = `${partialName}\u0000${JSON.stringify(ctx)}\u0000${stack.length}`;
    if (this.#visited.has(key)) return;
    this.#visited.add(key);
    const frames = param || stack.length === 0 ? [...stack, { ctx, params: new Map() }] : stack;
    this.#program(program ?? Handlebars.parse(source!), frames);
  }
}

/** A pack's home page as this reading needs it: home.hbs, layout.hbs and the partials by name. */
export interface HomeSources { home: string; layout: string; partials: ReadonlyMap<string, string> }

/**
 * The column-list settings whose items a home page shows; null means every setting's (a template
 * hands all of `settings` on, or does not parse: the validator's finding, here a reason to read all).
 */
export function homeItemSettingsOf(sources: HomeSources): ReadonlySet<string> | null {
  try {
    const reading = new Reading(sources.partials);
    reading.template(sources.home);
    reading.template(sources.layout);
    return reading.shown.has(ALL_SETTINGS) ? null : reading.shown;
  } catch {
    return null;
  }
}

/** homeItemSettingsOf for the pack `theme`, with the site's own partials in place of the pack's. */
export function homeItemSettings(theme: string, overrides: Readonly<Record<string, string>> = {}, themesDir = THEMES_DIR): ReadonlySet<string> | null {
  const dir = join(themesDir, theme);
  const home = join(dir, 'home.hbs');
  const layout = join(dir, 'layout.hbs');
  if (!existsSync(home) || !existsSync(layout)) return null;
  const partials = packPartials(dir);
  for (const [name, source] of Object.entries(overrides)) if (partials.has(name)) partials.set(name, source);
  return homeItemSettingsOf({ home: readFileSync(home, 'utf8'), layout: readFileSync(layout, 'utf8'), partials });
}

const byPack = new Map<string, ReadonlySet<string> | null>();
const bySite = new WeakMap<object, ReadonlySet<string> | null>();

/** homeItemSettings once per pack (packs are deployed, not edited live), and once per site's set of partials. */
export function homeItemSettingsCached(theme: string, overrides: Readonly<Record<string, string>>): ReadonlySet<string> | null {
  if (Object.keys(overrides).length === 0) {
    if (!byPack.has(theme)) byPack.set(theme, homeItemSettings(theme));
    return byPack.get(theme)!;
  }
  if (!bySite.has(overrides)) bySite.set(overrides, homeItemSettings(theme, overrides));
  return bySite.get(overrides)!;
}
