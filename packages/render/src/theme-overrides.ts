/**
 * A site's own versions of its pack's partials (issue 6: per-site partial overrides, stored per
 * site, validated the same way as a pack, with no triple-stash, raw blocks or `<script>`, and
 * within the same CSP). A pack is reviewed before it is deployed; a site's override is typed into
 * the console, so it gets the pack's checks (ZQ-T011…T016) and stricter ones (ZQ-T017…T020).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { HELPERS } from './helpers/index.js';
import { checkTemplate } from './theme-check-templates.js';
import { BUILTIN_HELPERS, finding, type Finding } from './theme-rules.js';

export const PARTIAL_NAME = /^[a-z0-9][a-z0-9_-]*$/;
/** The longest override a site may store (a partial is a fragment, not a page). */
export const OVERRIDE_MAX = 20_000;

/** The pack's partials by name, with their sources (the console starts an override from them). */
export function packPartials(dir: string): Map<string, string> {
  const partialsDir = join(dir, 'partials');
  const out = new Map<string, string>();
  if (!existsSync(partialsDir)) return out;
  for (const file of readdirSync(partialsDir).filter((f) => f.endsWith('.hbs')).sort()) {
    out.set(file.slice(0, -4), readFileSync(join(partialsDir, file), 'utf8'));
  }
  return out;
}

/** What a site's partial may not contain in its markup, with how a finding names it. */
const FORBIDDEN: [RegExp, string][] = [
  [/<\s*script\b/i, ' <script> 脚本'],
  [/<\s*style\b/i, ' <style> 样式表'],
  [/<\s*(?:iframe|frame|frameset|object|embed|applet)\b/i, '嵌入内容（iframe、object、embed）'],
  [/<\s*(?:link|meta|base)\b/i, ' <link>、<meta> 或 <base>'],
  [/\son[a-z]+\s*=/i, '内联事件属性（on…=）'],
  [/\sstyle\s*=/i, '内联样式（style=）'],
  [/(?:javascript|vbscript|data)\s*:/i, ' javascript:、data: 等地址'],
  [/\s(?:src|srcset|poster|background)\s*=\s*["']?\s*(?:[a-z]+:)?\/\//i, '外站资源地址（只允许本站资源）'],
  [/<\s*form\b[^>]*\saction\s*=\s*["']?\s*(?:[a-z]+:)?\/\//i, '向外站提交的表单'],
];

/**
 * Check one override of the partial `name` of the pack in `dir`. Findings name the file as
 * `partials/<name>.hbs` with the line in the site's source; any fatal one refuses it.
 */
export function checkPartialOverride(dir: string, name: string, source: string): Finding[] {
  const file = `partials/${name}.hbs`;
  const partials = packPartials(dir);
  if (!PARTIAL_NAME.test(name) || !partials.has(name)) return [finding('ZQ-T017', file, undefined, { name })];
  const { findings } = checkTemplate(file, source, {
    helpers: new Set([...Object.keys(HELPERS), ...BUILTIN_HELPERS]), engineHelpers: new Set(Object.keys(HELPERS)), partials: new Set(partials.keys()),
  });
  if (findings.some((f) => f.rule === 'ZQ-T011')) return findings;
  const out = findings.filter((f) => f.rule !== 'ZQ-T016'); // every unescaped output is fatal here (ZQ-T018)
  const rawBlock = /\{\{\{\{/.exec(source);
  if (rawBlock) out.push(finding('ZQ-T018', file, lineAt(source, rawBlock.index), { expr: '{{{{raw}}}}' }));
  const walk = (node: hbs.AST.Node | undefined): void => {
    if (!node) return;
    const n = node as hbs.AST.Node & { body?: hbs.AST.Node[]; program?: hbs.AST.Program; inverse?: hbs.AST.Program };
    if (node.type === 'MustacheStatement' && !(node as hbs.AST.MustacheStatement).escaped) {
      const path = (node as hbs.AST.MustacheStatement).path as hbs.AST.PathExpression;
      out.push(finding('ZQ-T018', file, node.loc?.start.line, { expr: `{{{${path.original ?? ''}}}}` }));
    }
    if (node.type === 'ContentStatement') {
      const text = (node as hbs.AST.ContentStatement).value;
      for (const [re, detail] of FORBIDDEN) {
        const m = re.exec(text);
        if (m) out.push(finding('ZQ-T019', file, (node.loc?.start.line ?? 1) + (text.slice(0, m.index).match(/\n/g)?.length ?? 0), { detail }));
      }
    }
    if ((node.type === 'PartialStatement' || node.type === 'PartialBlockStatement')) {
      const target = (node as hbs.AST.PartialStatement).name as hbs.AST.PathExpression;
      if (target.original === name) out.push(finding('ZQ-T020', file, node.loc?.start.line, { name }));
    }
    for (const child of n.body ?? []) walk(child);
    walk(n.program);
    walk(n.inverse);
  };
  walk(Handlebars.parse(source));
  return out.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || a.rule.localeCompare(b.rule));
}

function lineAt(source: string, index: number): number {
  return source.slice(0, index).split('\n').length;
}
