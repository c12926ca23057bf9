#!/usr/bin/env node
import { SecretRegistry } from '../core/redact.js';
import { guardCrashes, guardProcessOutput } from '../process/guard-output.js';
import { processIo, runCli } from './run-cli.js';

const io = processIo();
const secrets = new SecretRegistry();
guardProcessOutput(secrets);
guardCrashes(secrets);
process.exitCode = await runCli(io, secrets);
