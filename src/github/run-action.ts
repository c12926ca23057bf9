/**
 * The GitHub Action: inputs in, the core called once, outputs, job summary and failure out. `core` is injected so
 * that the entry file stays one line and the flow reads top to bottom.
 */
import type * as actionsCore from '@actions/core';
import { ExitCode, PatError } from '../core/errors.js';
import { utcDate } from '../core/expiry.js';
import { createLogger, type Logger, type LogSink } from '../core/logger.js';
import { toOutputs, type OperationResult } from '../core/operations/result.js';
import { OPTION_NAMES, optionMeta, parseOptions, secretValues, type RawOptions } from '../core/options.js';
import { SecretRegistry } from '../core/redact.js';
import { runOperation } from '../core/run-operation.js';
import { renderJobSummary } from './job-summary.js';

export type ActionsCore = Pick<
  typeof actionsCore,
  | 'getInput'
  | 'setOutput'
  | 'setSecret'
  | 'setFailed'
  | 'info'
  | 'warning'
  | 'error'
  | 'debug'
  | 'saveState'
  | 'summary'
>;

/** State the post step reads: the id of a token created with revoke-after-job. */
export const REVOKE_STATE = 'revoke-token-id';

export function readActionInputs(core: ActionsCore): RawOptions {
  const raw: RawOptions = {};
  for (const name of OPTION_NAMES) {
    const doors = optionMeta(name).frontDoors;
    if (!doors || doors.includes('action')) raw[name] = core.getInput(name);
  }
  return raw;
}

export function createActionLogger(core: ActionsCore, secrets: SecretRegistry): Logger {
  const sink: LogSink = {
    info: (line) => core.info(line),
    warn: (line) => core.warning(line),
    error: (line) => core.error(line),
    debug: (line) => core.debug(line),
    mask: (value) => core.setSecret(value),
  };
  return createLogger(sink, secrets);
}

export async function runAction(
  core: ActionsCore,
  secrets = new SecretRegistry(),
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const log = createActionLogger(core, secrets);
  try {
    const raw = readActionInputs(core);
    for (const secret of secretValues(raw)) log.protectSecret(secret);
    const { options, warnings } = parseOptions(raw, { today: utcDate(new Date()) });
    for (const warning of warnings) log.warn(warning);

    const result = await runOperation(options, {
      log,
      outputs: () => [
        {
          description: 'the masked step output "token"',
          durable: false,
          preflight: () => Promise.resolve(),
          write: (token) => {
            core.setOutput('token', token.token);
            return Promise.resolve();
          },
        },
      ],
    });
    for (const [name, value] of Object.entries(toOutputs(result))) core.setOutput(name, value);
    if (options.revokeAfterJob && result.newToken) core.saveState(REVOKE_STATE, String(result.newToken.id));
    log.info(result.headline);
    await writeSummary(core, log, result, options.gitlabUrl, env);
  } catch (error) {
    core.setFailed(failureText(error, log));
    process.exitCode = error instanceof PatError ? error.exitCode : ExitCode.failedUnchanged;
  }
}

export function failureText(error: unknown, log: Logger): string {
  if (error instanceof PatError) {
    const steps = error.steps.map((step, index) => `\n  ${index + 1}. ${step}`).join('');
    return log.redact(`${error.message}${steps ? `\nTo recover:${steps}` : ''}`);
  }
  // Never the error object itself: only its message, redacted.
  const message = error instanceof Error ? error.message : String(error);
  return log.redact(`Unexpected failure: ${message}`);
}

async function writeSummary(
  core: ActionsCore,
  log: Logger,
  result: OperationResult,
  instanceUrl: string,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  if (!env.GITHUB_STEP_SUMMARY) return;
  try {
    await core.summary.addRaw(log.redact(renderJobSummary(result, instanceUrl))).write();
  } catch (error) {
    log.warn(`Could not write the job summary: ${error instanceof Error ? error.message : String(error)}`);
  }
}
