/**
 * The Action's post step, shaped like actions/typescript-action: this module exports `run()` and does nothing when
 * imported. The runner starts src/github/entry/post.ts (bundled into dist/post), which calls it;
 * `npx @github/local-action run . src/github/main.ts .env --post src/github/post.ts` calls `run()` itself.
 */
import * as core from '@actions/core';
import { SecretRegistry } from '../core/redact.js';
import { guardProcessOutput } from '../process/guard-output.js';
import { revokeAfterJob } from './revoke-after-job.js';

/**
 * Runs the post step: revokes the token that the main step created with revoke-after-job, if any. Never fails the
 * job: a failed revoke is a warning that says how to clean up. Output is redacted as in the main step.
 * @param secrets the run's secret registry; the runner entry shares it with its crash guard.
 */
export async function run(secrets = new SecretRegistry()): Promise<void> {
  guardProcessOutput(secrets);
  await revokeAfterJob(core, secrets);
}
