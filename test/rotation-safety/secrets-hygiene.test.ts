/** Scenarios 16 and 17: errors and debug output never carry a token value. */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { createGitlabApi } from '../../src/core/gitlab/gitlab-api.js';
import { createLogger } from '../../src/core/logger.js';
import { SecretRegistry } from '../../src/core/redact.js';
import { findLeaks } from '../support/leak-scan.js';
import { KEY, PROJECT, useRotationFixture } from '../support/rotation-fixture.js';
import { ROOT } from '../support/run-dist.js';
import { TEST_RETRY_POLICY } from '../support/run-core.js';

const f = useRotationFixture();

function quietApi(token: string, url = f.gitlab.url) {
  const lines: string[] = [];
  const log = createLogger(
    {
      info: (l) => lines.push(l),
      warn: (l) => lines.push(l),
      error: (l) => lines.push(l),
      debug: (l) => lines.push(l),
      mask: () => undefined,
    },
    new SecretRegistry(),
  );
  const api = createGitlabApi({
    instanceUrl: url,
    token,
    environment: {
      policy: { ...TEST_RETRY_POLICY, maxAttempts: 1 },
      sleep: () => Promise.resolve(),
      nowMs: Date.now,
      random: Math.random,
      log,
    },
  });
  return { api, lines };
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  return expect.fail('expected the call to fail');
}

function everyRendering(error: unknown): string {
  return [
    inspect(error, { depth: 20, showHidden: true, getters: true }),
    JSON.stringify(error),
    String(error),
    (error as Error).stack ?? '',
    JSON.stringify(Object.getOwnPropertyDescriptors(error)),
  ].join('\n');
}

describe('16. a forced request error carries no token', () => {
  it('when GitLab refuses the credential', async () => {
    const revoked = f.gitlab.issueToken({ user: 'svc-deploy', name: 'old', scopes: ['api'], revoked: true });
    const { api, lines } = quietApi(revoked.token);
    const error = await caught(api.client.get('personal_access_tokens/self'));
    expect(findLeaks(everyRendering(error) + lines.join('\n'), [revoked.token])).toEqual([]);
  });

  it('when a variable write whose body is the token fails', async () => {
    f.gitlab.faults.inject({
      method: 'PUT',
      path: '/api/v4/projects/*/variables/*',
      respond: { status: 400, body: { message: { value: ['is invalid'] } } },
    });
    const secretValue = f.gitlab.issueToken({ user: 'svc-deploy', name: 'next', scopes: ['api'] }).token;
    const { api, lines } = quietApi(f.service.token);
    const error = await caught(
      api.updateVariable(
        { kind: 'project', ref: PROJECT },
        { key: KEY, value: secretValue, environmentScope: '*', protected: true },
      ),
    );
    expect(findLeaks(everyRendering(error) + lines.join('\n'), [secretValue, f.service.token])).toEqual([]);
  });

  it('when the connection fails', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const { api } = quietApi(f.service.token, `http://127.0.0.1:${port}`);
    const error = await caught(api.client.get('personal_access_tokens/self'));
    expect(everyRendering(error)).toContain('ECONNREFUSED');
    expect(findLeaks(everyRendering(error), [f.service.token])).toEqual([]);
  });

  it('when the process crashes with a token in the message: the crash report is redacted', async () => {
    const script = join(tmpdir(), `crash-${process.pid}.ts`);
    writeFileSync(
      script,
      [
        `import { SecretRegistry } from '${join(ROOT, 'src/core/redact.ts')}';`,
        `import { guardCrashes, guardProcessOutput } from '${join(ROOT, 'src/process/guard-output.ts')}';`,
        'const secrets = new SecretRegistry();',
        'secrets.add(process.env.SECRET);',
        'guardProcessOutput(secrets);',
        'guardCrashes(secrets);',
        'console.log(`dependency output with ${process.env.SECRET}`);',
        'void Promise.reject(new Error(`boom ${process.env.SECRET} ${Buffer.from(process.env.SECRET ?? "").toString("base64")}`));',
      ].join('\n'),
    );
    const output = await new Promise<{ code: number | null; text: string }>((done) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', script],
        { cwd: ROOT, env: { ...process.env, SECRET: f.service.token } },
        (error, stdout, stderr) =>
          done({ code: error ? Number((error as { code?: number }).code) : 0, text: stdout + stderr }),
      );
    });
    expect(output.code).toBe(1);
    expect(output.text).toContain('gitlab-pat crashed: Error: boom ***');
    expect(output.text).toContain('dependency output with ***');
    expect(findLeaks(output.text, [f.service.token])).toEqual([]);
  });
});

describe('17. debug output of every protocol path leaks nothing', () => {
  // The fixture scans every line of every run, debug lines included; these runs cover the paths not run elsewhere.
  it.each([
    ['success', { fault: 'none' }],
    ['a lost rotate answer', { fault: 'drop' }],
    ['a failing variable write', { fault: 'put403' }],
  ])('%s', async (_, scenario) => {
    if (scenario.fault === 'drop') {
      f.gitlab.faults.inject({
        method: 'POST',
        path: '/api/v4/personal_access_tokens/self/rotate',
        afterCommit: 'drop',
      });
    }
    if (scenario.fault === 'put403') {
      f.gitlab.faults.inject({
        method: 'PUT',
        path: '/api/v4/projects/*/variables/*',
        times: 10,
        respond: { status: 403, body: { message: '403 Forbidden' } },
      });
    }
    const run = await f.rotateIntoVariable({ debug: 'true' });
    expect(run.lines.some((line) => line.startsWith('debug: '))).toBe(true);
  });
});
