#!/usr/bin/env node
import { SecretRegistry } from '../core/redact.js';
import { createProcessChangeGuard } from '../process/change-guard.js';
import { guardCrashes, guardProcessOutput } from '../process/guard-output.js';
import { processIo, runCli } from './run-cli.js';

const io = processIo();
const secrets = new SecretRegistry();
const changes = createProcessChangeGuard();
guardProcessOutput(secrets);
guardCrashes(secrets, 1, changes);
process.exitCode = await runCli(io, secrets, changes);
