/**
 * The process-wide output guard on its own (issue 7, part 7): whatever writes to stdout or stderr (console, a
 * dependency, Node's own error printing) goes through the run's redaction; only `::add-mask::` lines carry a value,
 * which is what they are for. Run in a child process, so that the real streams are guarded. The secret has no
 * token shape, so that only the registry (not the token-shape rule) can redact it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const SECRET = 'S3cr3t+Value/Of=The-Run_1234';
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gitlab-pat-guard-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function runGuarded(body: string): Promise<{ stdout: string; stderr: string }> {
  const src = join(import.meta.dirname, '../../src');
  const script = join(dir, 'guarded.mts');
  writeFileSync(
    script,
    `import { SecretRegistry } from ${JSON.stringify(`${src}/core/redact.js`)};
import { guardProcessOutput } from ${JSON.stringify(`${src}/process/guard-output.js`)};
const secrets = new SecretRegistry();
secrets.add(${JSON.stringify(SECRET)});
guardProcessOutput(secrets);
const secret = ${JSON.stringify(SECRET)};
${body}
`,
  );
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', script],
      { env: { PATH: process.env.PATH, HOME: process.env.HOME }, timeout: 20_000 },
      (error, stdout, stderr) =>
        error ? reject(new Error(`the guarded script failed: ${stderr}`)) : resolve({ stdout, stderr }),
    );
  });
}

describe('the output guard', () => {
  it('redacts console output, raw writes, buffers and encoded forms on both streams', async () => {
    const { stdout, stderr } = await runGuarded(`
console.log('log', secret);
console.error('error', encodeURIComponent(secret));
process.stdout.write(Buffer.from('buffer ' + secret + '\\n'));
process.stderr.write('base64 ' + Buffer.from(secret).toString('base64') + '\\n');
console.error(new Error('thrown ' + secret));
`);
    const both = stdout + stderr;
    expect(both).toContain('log ***');
    expect(both).toContain('error ***');
    expect(both).toContain('buffer ***');
    expect(both).toContain('Error: thrown ***');
    expect(both).not.toContain(SECRET);
    expect(both).not.toContain(encodeURIComponent(SECRET));
    expect(both).not.toContain(Buffer.from(SECRET).toString('base64'));
  });

  it('lets a ::add-mask:: line through whole, and redacts the lines around it in the same write', async () => {
    const { stdout } = await runGuarded(
      `process.stdout.write('before ' + secret + '\\n::add-mask::' + secret + '\\nafter ' + secret + '\\n');`,
    );
    expect(stdout).toBe(`before ***\n::add-mask::${SECRET}\nafter ***\n`);
  });
});
