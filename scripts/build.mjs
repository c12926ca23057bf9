// Bundles each entry point with ncc into dist/<entry>/index.js. dist/ is emptied first so that a chunk no longer
// produced does not linger (CI compares dist/ with `git status --porcelain`, which sees stale and new files alike).
import { execFileSync } from 'node:child_process';
import { chmodSync, rmSync } from 'node:fs';
import process from 'node:process';

const entries = {
  main: 'src/github/entry/main.ts',
  post: 'src/github/entry/post.ts',
  cli: 'src/cli/index.ts',
};

rmSync('dist', { recursive: true, force: true });
for (const [name, source] of Object.entries(entries)) {
  execFileSync(
    process.execPath,
    [
      'node_modules/@vercel/ncc/dist/ncc/cli.js',
      'build',
      source,
      '-o',
      `dist/${name}`,
      '--minify',
      '--quiet',
      '--target',
      'es2022',
    ],
    { stdio: 'inherit' },
  );
}
chmodSync('dist/cli/index.js', 0o755);
