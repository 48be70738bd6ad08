/**
 * The theme validator (after Ghost's gscan): `zhanqun theme check <dir>` and every loadTheme run
 * it. Rules are data (theme-rules.ts); this module walks the pack, runs the manifest and template
 * checks and the pack-wide ones (required templates, symlinks, required helpers), and formats the
 * findings as `file:line  ZQ-T0nn  message`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HELPERS } from './helpers/index.js';
import { checkManifest } from './theme-check-manifest.js';
import { checkTemplate, type TemplateFacts } from './theme-check-templates.js';
import {
  BUILTIN_HELPERS, finding, REQUIRED_HELPERS, REQUIRED_TEMPLATES, UPCOMING_TEMPLATES, type Finding, type Severity,
} from './theme-rules.js';

export type { Finding } from './theme-rules.js';

export interface ThemeReport {
  findings: Finding[];
  /** Any fatal finding: the theme must not be activated. */
  fatal: boolean;
}

type EntryKind = 'file' | 'dir' | 'symlink' | 'other';

/** Every entry of the pack by `/`-separated relative path, without following symlinks (the pack root itself is not judged). */
function walkPack(dir: string): Map<string, EntryKind> {
  const entries = new Map<string, EntryKind>();
  const visit = (rel: string) => {
    let dirents;
    try {
      dirents = readdirSync(join(dir, rel), { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' && rel === '') return; // no pack here: every required file is missing
      throw err;
    }
    for (const d of dirents) {
      const path = rel ? `${rel}/${d.name}` : d.name;
      const kind: EntryKind = d.isSymbolicLink() ? 'symlink' : d.isDirectory() ? 'dir' : d.isFile() ? 'file' : 'other';
      entries.set(path, kind);
      if (kind === 'dir') visit(path);
    }
  };
  visit('');
  return entries;
}

const ORDER: Record<Severity, number> = { fatal: 0, error: 1, warning: 2 };

function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort((a, b) => ORDER[a.severity] - ORDER[b.severity] || a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0)
    || a.rule.localeCompare(b.rule));
}

/** Helpers layout.hbs renders, itself or through the partials it includes (transitively). */
function namesReachableFromLayout(facts: Map<string, TemplateFacts>): Set<string> {
  const names = new Set<string>();
  const seen = new Set<string>();
  const queue = ['layout.hbs'];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    if (seen.has(file)) continue;
    seen.add(file);
    const f = facts.get(file);
    if (!f) continue;
    for (const n of f.names) names.add(n);
    for (const p of f.partials) queue.push(`partials/${p}.hbs`);
  }
  return names;
}

/** Validate the theme pack in `dir` synchronously (loadTheme runs on the request path's first use of a theme). */
export function checkThemeSync(dir: string): ThemeReport {
  const entries = walkPack(dir);
  const findings: Finding[] = [];
  for (const [path, kind] of entries) if (kind === 'symlink') findings.push(finding('ZQ-T003', path, undefined, { file: path }));

  const manifest = entries.get('theme.json');
  if (manifest !== 'symlink') findings.push(...checkManifest(manifest === 'file' ? readFileSync(join(dir, 'theme.json'), 'utf8') : undefined));

  // A symlinked template is reported once, as a symlink; a directory named like a template is no template.
  const missing = (file: string) => entries.get(file) !== 'file' && entries.get(file) !== 'symlink';
  for (const t of REQUIRED_TEMPLATES) if (missing(`${t}.hbs`)) findings.push(finding('ZQ-T001', `${t}.hbs`, undefined, { file: `${t}.hbs` }));
  for (const t of UPCOMING_TEMPLATES) if (missing(`${t}.hbs`)) findings.push(finding('ZQ-T002', `${t}.hbs`, undefined, { file: `${t}.hbs` }));

  // The files loadTheme compiles or registers: top-level templates and partials/*.hbs.
  const templates = [...entries].filter(([p, k]) => k === 'file' && /^(partials\/)?[^/]+\.hbs$/.test(p)).map(([p]) => p);
  const names = {
    helpers: new Set<string>([...Object.keys(HELPERS), ...BUILTIN_HELPERS]),
    engineHelpers: new Set(Object.keys(HELPERS)),
    partials: new Set(templates.filter((p) => p.startsWith('partials/')).map((p) => p.slice('partials/'.length, -'.hbs'.length))),
  };
  const facts = new Map<string, TemplateFacts>();
  for (const file of templates) {
    const result = checkTemplate(file, readFileSync(join(dir, file), 'utf8'), names);
    findings.push(...result.findings);
    if (!result.findings.some((f) => f.rule === 'ZQ-T011')) facts.set(file, result.facts);
  }

  if (facts.has('layout.hbs')) {
    const used = namesReachableFromLayout(facts);
    for (const h of REQUIRED_HELPERS) {
      if (!used.has(h)) findings.push(finding('ZQ-T015', 'layout.hbs', undefined, { helper: `{{${h}}}` }));
    }
  }
  return { findings: sortFindings(findings), fatal: findings.some((f) => f.severity === 'fatal') };
}

/** Validate the theme pack in `dir`: every finding with its file and line, and whether any is fatal. */
export async function checkTheme(dir: string): Promise<ThemeReport> {
  return checkThemeSync(dir);
}

/** One finding as `file:line  ZQ-T0nn  message` (no `:line` when the finding is about a whole file). */
export function formatFinding(f: Finding): string {
  return `${f.file}${f.line === undefined ? '' : `:${f.line}`}  ${f.rule}  ${f.message}`;
}

const HEADINGS: Record<Severity, string> = { fatal: '致命 fatal', error: '错误 error', warning: '警告 warning' };

/** A report for people: findings grouped by severity, then a one-line summary. */
export function formatReport(report: ThemeReport): string[] {
  const lines: string[] = [];
  const count = (s: Severity) => report.findings.filter((f) => f.severity === s).length;
  for (const severity of ['fatal', 'error', 'warning'] as const) {
    const group = report.findings.filter((f) => f.severity === severity);
    if (!group.length) continue;
    lines.push(`${HEADINGS[severity]} (${group.length})`, ...group.map((f) => `  ${formatFinding(f)}`));
  }
  const summary = `致命 ${count('fatal')} · 错误 ${count('error')} · 警告 ${count('warning')} (fatal · error · warning)`;
  lines.push(report.fatal ? `${summary}：主题不能启用 (the theme cannot be activated)` : summary);
  return lines;
}
