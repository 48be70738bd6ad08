/**
 * Checks of one template (ZQ-T011…T014, T016), read from Handlebars' own AST so every finding
 * carries the line the node starts on. A name counts as a helper call where Handlebars itself
 * would call it: a subexpression, or a mustache or block with parameters or a hash. A bare
 * `{{name}}` or `{{#name}}` is a context lookup unless `name` is a known helper (loadTheme
 * compiles with knownHelpersOnly, so that is also how it renders).
 */
import Handlebars from 'handlebars';
import { finding, SAFE_UNESCAPED_PATHS, type Finding } from './theme-rules.js';

type Node = hbs.AST.Node;
type Expr = hbs.AST.Expression;
type Call = hbs.AST.MustacheStatement | hbs.AST.BlockStatement | hbs.AST.SubExpression;

/** What the required-helper check needs to know about a template. */
export interface TemplateFacts {
  /** Simple names used in mustaches or blocks: helpers, or context lookups. */
  names: Set<string>;
  /** Partials it includes, by name. */
  partials: Set<string>;
}

export interface TemplateNames {
  /** Every helper a template may call: the engine's and Handlebars' built-ins. */
  helpers: ReadonlySet<string>;
  /** The engine's own helpers, which escape what they output and so may be triple-stashed. */
  engineHelpers: ReadonlySet<string>;
  /** Partials in the pack's partials/ directory. */
  partials: ReadonlySet<string>;
}

const line = (node: Node) => node.loc?.start.line;
const isPath = (e: Expr | undefined): e is hbs.AST.PathExpression => e?.type === 'PathExpression';
const isSimple = (p: hbs.AST.PathExpression) => !p.data && p.depth === 0 && p.parts.length === 1 && !/^(this|\.\.?)([./]|$)/.test(p.original);
const nameOf = (e: Expr) => (isPath(e) ? e.original : String((e as hbs.AST.StringLiteral).original ?? e.type));

/** `Parse error on line 3: …` or `if doesn't match each - 3:5` as a line and a short reason. */
function parseFailure(err: Error & { lineNumber?: number }, source: string): { line?: number; detail: string } {
  const lines = err.message.split('\n');
  const m = /^Parse error on line (\d+):/.exec(lines[0] ?? '');
  if (m) {
    const got = /got '([^']+)'/.exec(err.message)?.[1] ?? '?';
    const text = (source.split('\n')[Number(m[1]) - 1] ?? '').trim().slice(0, 80);
    return { line: Number(m[1]), detail: `"${text}" 处出现 ${got} (unexpected ${got})` };
  }
  return { line: err.lineNumber, detail: (lines[0] ?? '').replace(/ - \d+:\d+$/, '') };
}

/** Check one template's source; `file` is its path in the pack. */
export function checkTemplate(file: string, source: string, names: TemplateNames): { findings: Finding[]; facts: TemplateFacts } {
  const findings: Finding[] = [];
  const facts: TemplateFacts = { names: new Set(), partials: new Set() };
  let ast: hbs.AST.Program;
  try {
    ast = Handlebars.parse(source);
  } catch (err) {
    const { line: at, detail } = parseFailure(err as Error, source);
    return { findings: [finding('ZQ-T011', file, at, { detail })], facts };
  }
  const inline = new Set<string>();
  const references: { name: string; line?: number; block: boolean }[] = [];

  const call = (node: Call) => {
    const path = node.path as Expr;
    const name = nameOf(path);
    if (isPath(path) && isSimple(path)) facts.names.add(name);
    const isCall = node.type === 'SubExpression' || node.params.length > 0 || Boolean(node.hash);
    const known = isPath(path) && isSimple(path) && names.helpers.has(name);
    if (isCall && !known) findings.push(finding('ZQ-T012', file, line(node), { name }));
  };
  const exprs = (list: Expr[], hash?: hbs.AST.Hash) => {
    for (const e of [...list, ...(hash?.pairs.map((p) => p.value) ?? [])]) walk(e);
  };
  const walk = (node: Node | undefined): void => {
    if (!node) return;
    switch (node.type) {
      case 'Program':
        for (const s of (node as hbs.AST.Program).body) walk(s);
        return;
      case 'MustacheStatement': {
        const m = node as hbs.AST.MustacheStatement;
        call(m);
        if (!m.escaped) unescaped(m);
        exprs(m.params, m.hash);
        return;
      }
      case 'BlockStatement': {
        const b = node as hbs.AST.BlockStatement;
        call(b);
        exprs(b.params, b.hash);
        walk(b.program);
        walk(b.inverse);
        return;
      }
      case 'SubExpression': {
        const s = node as hbs.AST.SubExpression;
        call(s);
        exprs(s.params, s.hash);
        return;
      }
      case 'Decorator':
      case 'DecoratorBlock': {
        // Only the built-in `{{#*inline "name"}}` decorator; a theme brings no code of its own.
        const d = node as hbs.AST.DecoratorBlock;
        const name = nameOf(d.path);
        const first = d.params[0];
        if (node.type === 'DecoratorBlock' && name === 'inline' && first?.type === 'StringLiteral') {
          inline.add((first as hbs.AST.StringLiteral).value);
        } else {
          findings.push(finding('ZQ-T012', file, line(node), { name: `*${name}` }));
        }
        exprs(d.params, d.hash);
        walk(d.program);
        return;
      }
      case 'PartialStatement':
      case 'PartialBlockStatement': {
        const p = node as hbs.AST.PartialStatement & { program?: hbs.AST.Program };
        const target = p.name as Expr;
        if (target.type === 'SubExpression') {
          findings.push(finding('ZQ-T014', file, line(node), { expr: `{{> (${nameOf((target as hbs.AST.SubExpression).path)} …)}}` }));
          walk(target);
        } else if (!(isPath(target) && target.data)) { // `{{> @partial-block}}` is the caller's block
          references.push({ name: nameOf(target), line: line(node), block: node.type === 'PartialBlockStatement' });
        }
        exprs(p.params, p.hash);
        walk(p.program);
        return;
      }
      default:
        return; // content, comments, literals, plain paths
    }
  };
  const unescaped = (m: hbs.AST.MustacheStatement) => {
    const path = m.path as Expr;
    if (isPath(path) && isSimple(path) && names.engineHelpers.has(path.original)) return; // helpers return SafeStrings they escaped
    const plain = isPath(path) && !path.data && path.depth === 0 && m.params.length === 0 && !m.hash;
    if (plain && (SAFE_UNESCAPED_PATHS as readonly string[]).includes(path.parts.join('.'))) return;
    findings.push(finding('ZQ-T016', file, line(m), { expr: `{{{${nameOf(path)}}}}`, safe: SAFE_UNESCAPED_PATHS.join(', ') }));
  };

  walk(ast);
  for (const ref of references) {
    facts.partials.add(ref.name);
    // A partial block renders its own content when the partial is absent, so only a plain `{{> name}}` can be missing.
    if (!ref.block && !inline.has(ref.name) && !names.partials.has(ref.name)) {
      findings.push(finding('ZQ-T013', file, ref.line, { name: ref.name }));
    }
  }
  return { findings, facts };
}
