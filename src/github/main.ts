import * as core from '@actions/core';
import { SecretRegistry } from '../core/redact.js';
import { guardCrashes, guardProcessOutput } from '../process/guard-output.js';
import { runAction } from './run-action.js';

const secrets = new SecretRegistry();
guardProcessOutput(secrets);
guardCrashes(secrets);
await runAction(core, secrets);
