import * as core from '@actions/core';
import { SecretRegistry } from '../core/redact.js';
import { guardCrashes, guardProcessOutput } from '../process/guard-output.js';
import { revokeAfterJob } from './revoke-after-job.js';

const secrets = new SecretRegistry();
guardProcessOutput(secrets);
// A crash in cleanup must not fail a job that did its work.
guardCrashes(secrets, 0);
await revokeAfterJob(core, secrets);
