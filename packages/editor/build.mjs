// Bundle the console editor for the browser: dist/zq-editor.js (IIFE, global `zqEditor`, ES2020,
// minified, with a source map), dist/zq-editor.css, and dist/zq-editor.LICENSES.txt with the
// licence of every npm package inside the bundle (all MIT; MIT asks that its notice go with copies).
// Served from /_console/editor/ by apps/server; nothing is loaded from a CDN.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
const LICENCES = 'zq-editor.LICENSES.txt';

const js = await esbuild.build({
  absWorkingDir: here,
  entryPoints: ['src/editor.ts'],
  outfile: 'dist/zq-editor.js',
  bundle: true,
  format: 'iife',
  globalName: 'zqEditor',
  platform: 'browser',
  target: 'es2020',
  minify: true,
  sourcemap: true,
  legalComments: 'none',
  banner: { js: `/*! 站群 zhanqun console editor. Third-party licences: ${LICENCES} */` },
  metafile: true,
  logLevel: 'warning',
});

await esbuild.build({
  absWorkingDir: here,
  entryPoints: ['src/editor.css'],
  outfile: 'dist/zq-editor.css',
  bundle: true,
  minify: true,
  target: ['chrome90', 'firefox90', 'safari14'],
  logLevel: 'warning',
});

/** The package root (name and folder) of a bundled file under node_modules. */
function packageOf(input) {
  const match = /^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\//.exec(input);
  return match ? { name: match[2], dir: join(here, match[1]) } : undefined;
}

const packages = new Map();
for (const input of Object.keys(js.metafile.inputs)) {
  const pkg = packageOf(input);
  if (pkg && !packages.has(pkg.name)) packages.set(pkg.name, pkg.dir);
}
const sections = [...packages].sort(([a], [b]) => a.localeCompare(b)).map(([name, dir]) => {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
  const text = file ? readFileSync(join(dir, file), 'utf8').trim() : `(no licence file in the package; package.json says ${manifest.license})`;
  return `${name}@${manifest.version} — ${manifest.license}\n\n${text}\n`;
});
writeFileSync(join(dist, LICENCES), `Third-party software in zq-editor.js\n\n${sections.join(`\n${'-'.repeat(72)}\n\n`)}`);

const licences = new Set([...packages.values()].map((dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).license));
console.log(`editor: ${relative(process.cwd(), join(dist, 'zq-editor.js'))} (${packages.size} packages, licences: ${[...licences].join(', ')})`);
