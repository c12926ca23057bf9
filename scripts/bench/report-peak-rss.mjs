// Preloaded with --import into a measured process: on exit, appends its own peak resident set size (kB) to the
// file named by BENCH_RSS_FILE. Measures the process itself, not a wrapper.
import { appendFileSync } from 'node:fs';
import process from 'node:process';

const file = process.env.BENCH_RSS_FILE;
if (file) process.on('exit', () => appendFileSync(file, `${process.resourceUsage().maxRSS}\n`));
