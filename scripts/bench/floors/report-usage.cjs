// Preloaded with --require into a measured process: at exit, appends its own peak resident set size (kB) and CPU
// time (user + system, ms) to the file named by BENCH_USAGE_FILE. CommonJS, so that it adds nothing to an ESM start.
const file = process.env.BENCH_USAGE_FILE;
if (file) {
  const { appendFileSync } = require('node:fs');
  process.on('exit', () => {
    const usage = process.resourceUsage();
    appendFileSync(file, `${usage.maxRSS} ${(usage.userCPUTime + usage.systemCPUTime) / 1000}\n`);
  });
}
