/**
 * The Action's main step, shaped like actions/typescript-action: this module exports `run()` and does nothing when
 * imported. The runner starts src/github/entry/main.ts (bundled into dist/main), which calls it;
 * `npx @github/local-action run . src/github/main.ts .env` imports this module and calls `run()` itself.
 */
import * as core from '@actions/core';
import { SecretRegistry } from '../core/redact.js';
import type { ProcessChangeGuard } from '../process/change-guard.js';
import { guardProcessOutput } from '../process/guard-output.js';
import { runAction } from './run-action.js';

/**
 * Runs the main step: inputs in, the core called once, outputs, job summary; a failure marks the step failed and
 * sets `process.exitCode` (see ExitCode) instead of throwing. From its first line on, everything written to stdout
 * and stderr is redacted of the run's secrets.
 * @param secrets the run's secret registry; the runner entry shares it with its crash guard.
 * @param changes the runner entry's guard against a cancellation cutting a rotation short (it owns the process).
 */
export async function run(secrets = new SecretRegistry(), changes?: ProcessChangeGuard): Promise<void> {
  guardProcessOutput(secrets);
  await runAction(core, secrets, process.env, changes);
}
