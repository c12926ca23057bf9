/**
 * Bundle sizes: each dist/ entry, what it loads on every run (its index.js) and everything it may load (its chunks,
 * read only by the runs that need them). The post step's entry must stay tiny: it runs after every job.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { budget, kib, type BenchSection } from './bench-kit.js';

const ENTRIES = ['main', 'post', 'cli', 'github-secrets'] as const;

/** Regression guards, in bytes: an entry that grows past these has started loading something on every run. */
const BUDGET = { mainEntry: 200 * 1024, postEntry: 8 * 1024 };

export const sizes: BenchSection = {
  name: 'sizes',
  title: 'Bundle sizes (dist/; KiB = 1024 bytes; chunks are read only by the runs that need them)',
  run(context) {
    const entryBytes = new Map<string, number>();
    for (const entry of ENTRIES) {
      const dir = join(context.dist, entry);
      if (!existsSync(join(dir, 'index.js'))) continue;
      const files = readdirSync(dir).filter((name) => name.endsWith('.js'));
      const size = (name: string) => statSync(join(dir, name)).size;
      const chunks = files.filter((name) => name !== 'index.js');
      entryBytes.set(entry, size('index.js'));
      console.log(
        `  dist/${entry.padEnd(15)} index.js ${kib(size('index.js')).padStart(11)}   ${String(chunks.length).padStart(2)} chunks ${kib(chunks.reduce((sum, name) => sum + size(name), 0)).padStart(11)}`,
      );
    }
    const main = entryBytes.get('main') ?? Infinity;
    const post = entryBytes.get('post') ?? Infinity;
    return Promise.resolve([
      budget(`dist/main/index.js ${kib(main)} <= ${kib(BUDGET.mainEntry)}`, main <= BUDGET.mainEntry),
      budget(`dist/post/index.js ${kib(post)} <= ${kib(BUDGET.postEntry)}`, post <= BUDGET.postEntry),
    ]);
  },
};
