// Bundles with ncc into dist/. dist/ is emptied first so that a chunk no longer produced does not linger (CI compares
// dist/ with `git status --porcelain`, which sees stale and new files alike).
//
// Two kinds of bundle, because ncc applies a tsconfig's `paths` to a whole build and reads them from the
// tsconfig.json of its working directory (the tsconfig nearest to the entry is only used to type-check it):
// - dist/main, dist/post, dist/cli: the entries, built in src/, whose tsconfig.json maps the packages @actions/core
//   loads only for features gitlab-pat never uses to modules that throw (src/bundle-stubs/).
// - dist/github-secrets: everything that talks to GitHub (@actions/github with the real @actions/http-client, and
//   libsodium), built from the project root, whose tsconfig maps nothing. The entries load it with
//   `import(/* webpackIgnore: true */ '../github-secrets/index.js')`, which the bundler leaves as it is, so that it
//   is read only when a GitHub secret is written: from dist/<entry>/ that path is this bundle, as from src/github/
//   it is its source, src/github-secrets/index.ts.
// Each build runs in a child process, because the working directory decides the tsconfig.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';

const ROOT = resolve(import.meta.dirname, '..');
const STUBBED = join(ROOT, 'src');
/**
 * name: [entry, working directory (whose tsconfig.json gives `paths`), module format]. The entries are CommonJS: a
 * runner (or a shell) starts them with `node dist/<entry>/index.js`, and on Node 20 an ES module entry costs every
 * start about 8 ms more (the ESM loader; Node 24 about 1 ms), which is a fifth of the time Node itself needs to
 * make the request (npm run bench, cold-start). Their chunks load with require(); dist/github-secrets stays an ES
 * module, loaded with import() (which CommonJS has) only when a GitHub secret is written.
 */
const builds = {
  main: ['src/github/entry/main.ts', STUBBED, 'commonjs'],
  post: ['src/github/entry/post.ts', STUBBED, 'commonjs'],
  cli: ['src/cli/index.ts', STUBBED, 'commonjs'],
  'github-secrets': ['src/github-secrets/index.ts', ROOT, 'module'],
};

const [only] = process.argv.slice(2);
if (only === undefined) {
  rmSync(join(ROOT, 'dist'), { recursive: true, force: true });
  for (const [name, [, cwd]] of Object.entries(builds)) {
    execFileSync(process.execPath, [import.meta.filename, name], { cwd, stdio: 'inherit' });
  }
  chmodSync(join(ROOT, 'dist/cli/index.js'), 0o755);
} else {
  const build = builds[only];
  if (!build) throw new Error(`No build named ${only}`);
  const [entry, , format] = build;
  const { default: ncc } = await import('@vercel/ncc');
  const { code, assets } = await ncc(join(ROOT, entry), {
    esm: format === 'module',
    minify: true,
    quiet: true,
    target: 'es2022',
    // ncc defaults this to the working directory; files outside it would not be copied into dist/.
    filterAssetBase: ROOT,
  });
  const out = join(ROOT, 'dist', only);
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'index.js'), code);
  for (const [name, asset] of Object.entries(assets)) {
    mkdirSync(dirname(join(out, name)), { recursive: true });
    writeFileSync(join(out, name), name.endsWith('.js') ? await minifyChunk(asset.source) : asset.source);
  }
  // The project's own package.json says "type": "module"; each bundle says what it is, nearer.
  writeFileSync(join(out, 'package.json'), `${JSON.stringify({ type: format }, null, 2)}\n`);
}

/**
 * ncc minifies the entry it returns, not the chunks it splits off (dynamic imports: the post step's body, the proxy
 * agents), which it emits with every comment. A run that loads one reads and parses it, so it is minified here too:
 * whitespace, comments and syntax only; names stay, as in the entries (error names appear in messages).
 */
async function minifyChunk(source) {
  const { transform } = await import('esbuild');
  const { code } = await transform(String(source), {
    minifyWhitespace: true,
    minifySyntax: true,
    target: 'es2022',
  });
  return code;
}
