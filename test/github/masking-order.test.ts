/**
 * The Action announces a new token to the runner (`setSecret`, i.e. `::add-mask::`) before anything else carries
 * it: the `token` output (the GITHUB_OUTPUT file), a log line, a GitHub secret. The order across the output file and
 * the log cannot be seen in a child process's stdout alone, so the Action runs here in-process with a recording
 * @actions/core (runAction takes `core` as a parameter for this), against the emulator. Issue 7, part 7: a mutation
 * that wrote GITHUB_OUTPUT before the mask went unnoticed by the Action's own tests.
 */
import { describe, expect, it } from 'vitest';
import { SecretRegistry } from '../../src/core/redact.js';
import type { ActionsCore } from '../../src/github/action-io.js';
import { runAction } from '../../src/github/run-action.js';
import { PROJECT, useRotationFixture } from '../support/rotation-fixture.js';

const f = useRotationFixture();

/** Every call a runner would see, in order; `getInput` answers from `inputs`. */
function recordingCore(inputs: Record<string, string>) {
  const calls: { call: string; args: string[] }[] = [];
  const record =
    (call: string) =>
    (...args: unknown[]) => {
      calls.push({ call, args: args.map(String) });
    };
  const core = {
    getInput: (name: string) => inputs[name] ?? '',
    setOutput: record('setOutput'),
    setSecret: record('setSecret'),
    setFailed: record('setFailed'),
    info: record('info'),
    warning: record('warning'),
    error: record('error'),
    debug: record('debug'),
    saveState: record('saveState'),
    summary: { addRaw: () => ({ write: () => Promise.resolve() }) },
  } as unknown as ActionsCore;
  return { core, calls };
}

describe("the Action's new token", () => {
  it.each([
    ['rotating itself into a variable', {}],
    ['rotated by an administrator, by name', { user: 'svc-deploy', 'token-name': 'deploy' }],
    ['created for a user', { operation: 'create', user: 'svc-deploy', name: 'ci', scopes: 'api' }],
  ])('%s: ::add-mask:: comes before every other call that carries it', async (_, extra) => {
    const admin = 'user' in extra;
    const { core, calls } = recordingCore({
      'gitlab-url': f.gitlab.url,
      'gitlab-token': admin ? f.admin.token : f.service.token,
      'variable-key': 'DEPLOY_TOKEN',
      'variable-project': PROJECT,
      ...extra,
    });
    const exitCode = process.exitCode;
    try {
      await runAction(core, new SecretRegistry(), { GITHUB_ACTIONS: 'true', GITHUB_OUTPUT: '/dev/null' });
    } finally {
      process.exitCode = exitCode;
    }

    const token = calls.find((each) => each.call === 'setOutput' && each.args[0] === 'token')?.args[1];
    expect(token, JSON.stringify(calls.filter((each) => each.call === 'setFailed'))).toMatch(/^glpat-/);
    const mentions = calls.filter((each) => each.args.some((arg) => arg.includes(token ?? '')));
    expect(mentions[0]).toEqual({ call: 'setSecret', args: [token] });
    // Everywhere else it is the masked output only; no log line carries it.
    expect(mentions.slice(1).map((each) => `${each.call} ${each.args[0] ?? ''}`)).toEqual([
      'setOutput token',
    ]);
  });
});
