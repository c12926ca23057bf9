/**
 * The GitHub Action: inputs in, the core called once, outputs, job summary and failure out. `core` is injected so
 * that the entry file stays one line and the flow reads top to bottom.
 */
import { ExitCode, PatError, UnchangedFailure } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { toOutputs, type OperationResult } from '../core/operations/result.js';
import { tokenShapedParts } from '../core/options/option-kit.js';
import { parseOptions, secretValues } from '../core/options/parse-options.js';
import { utcDate } from '../core/time/expiry.js';
import { actionOptions } from './action-options.js';
import { githubSecretOptions } from './github-secret-options.js';
import { SecretRegistry } from '../core/redact.js';
import { runOperation } from '../core/run-operation.js';
import type { Destination } from '../core/destinations/destination.js';
import { githubApiUrl, githubSecretDestination } from './github-secret-destination.js';
import {
  createActionLogger,
  ACTION_OPTION_SETS,
  failureText,
  readActionInputs,
  type ActionsCore,
} from './action-io.js';
import { REVOKE_INPUTS, revokeStateName, type RevokeInput } from './revoke-state.js';
import type { AccessToken, TokenOwner } from '../core/tokens/access-token.js';
import { renderJobSummary, renderReportSummary } from './job-summary.js';
import { githubSecretsList } from './github-secret-inventory.js';
import { summarizeReport } from '../core/report/report-summary.js';
import type { ProcessChangeGuard } from '../process/change-guard.js';

/**
 * @param changes the runner entry's guard against a cancellation (SIGINT, then SIGTERM) that would cut a rotation
 *   short (src/process/change-guard.ts); absent where the process is not ours (local-action).
 */
export async function runAction(
  core: ActionsCore,
  secrets = new SecretRegistry(),
  env: NodeJS.ProcessEnv = process.env,
  changes?: ProcessChangeGuard,
): Promise<void> {
  const log = createActionLogger(core, secrets);
  changes?.attach({ log: (line) => log.warn(line), report: (error) => reportFailure(core, log, error) });
  try {
    const raw = readActionInputs(core);
    // Before anything is parsed: a secret in the wrong input must be masked from the very first message.
    for (const secret of secretValues(raw, ACTION_OPTION_SETS)) log.protectSecret(secret);
    for (const value of Object.values(raw)) {
      for (const part of tokenShapedParts(value ?? '')) log.protectSecret(part);
    }
    const {
      options,
      sets: [githubSecretTarget, action],
      warnings,
    } = parseOptions(raw, { today: utcDate(new Date()) }, githubSecretOptions, actionOptions);
    for (const warning of warnings) log.warn(warning);

    // Built before the run, so that a missing default repository is an input error before the first request.
    const githubSecret = githubSecretTarget
      ? githubSecretDestination(githubSecretTarget, {
          apiUrl: githubApiUrl(env),
          defaultRepository: env.GITHUB_REPOSITORY,
          log,
        })
      : undefined;

    const result = await runOperation(options, {
      log,
      // The masked output first: if a later destination fails, the token is at least there.
      outputs: [maskedTokenOutput(core, env), ...(githubSecret ? [githubSecret] : [])],
      ...(changes ? { changes } : {}),
      inventoryLists: [
        githubSecretsList(raw['github-token']?.trim() || undefined, {
          apiUrl: githubApiUrl(env),
          defaultRepository: env.GITHUB_REPOSITORY,
          log,
        }),
      ],
    });
    for (const [name, value] of Object.entries(toOutputs(result))) {
      if (name === 'report' && value.length > MAX_REPORT_OUTPUT) {
        // GitHub keeps at most 1 MB of outputs per job: the counts only, and the whole report in report-file.
        log.warn(
          `The report is ${Math.round(value.length / 1024)} kB, too large for a step output: the report output holds its summary only. Give report-file for the whole report.`,
        );
        const { tokens: _tokens, ...counts } = result.report ?? {};
        core.setOutput(name, JSON.stringify({ ...counts, tokens: [], truncated: true }));
        continue;
      }
      core.setOutput(name, value);
    }
    warnIfOnlyInStepOutput(log, githubSecret, result);
    if (action.revokeAfterJob && result.newToken) {
      // Kind and owner too: a project's, group's or service account's token is revoked through its owner, the way
      // it was created, by a credential that need not be an administrator's.
      const state = revokeStateFor(options.address.owner, result.newToken);
      for (const input of REVOKE_INPUTS) {
        const value = state[input];
        if (value !== undefined) core.saveState(revokeStateName(input), value);
      }
    }
    log.info(result.headline);
    await writeSummary(core, log, result, options.gitlabUrl, env);
    if (result.exitCode !== undefined && result.exitCode !== ExitCode.ok) {
      core.setFailed(log.redact(`${result.headline} See the job summary and the report output.`));
      process.exitCode = result.exitCode;
    }
  } catch (error) {
    reportFailure(core, log, error);
  }
}

/**
 * What the main step saves for a token it created with revoke-after-job: the token's id, its kind and its owner as
 * the kind's endpoints address it. A project or group as GitLab named it in its answer (the numeric id) or else as
 * the create addressed it; a service account or another user by the numeric id of the token's user.
 */
function revokeStateFor(
  owner: TokenOwner,
  token: Pick<AccessToken, 'id' | 'userId' | 'resource'>,
): Partial<Record<RevokeInput, string>> {
  const state: Partial<Record<RevokeInput, string>> = {
    'token-id': String(token.id),
    'token-kind': owner.kind,
  };
  switch (owner.kind) {
    case 'personal':
      // Without user the caller's own token, which the personal endpoints find by id alone.
      if (owner.user !== undefined) state.user = String(token.userId);
      break;
    case 'project':
    case 'group': {
      const ref = owner.kind === 'project' ? owner.project : owner.group;
      const id = token.resource?.kind === owner.kind ? token.resource.id : ref;
      if (id !== undefined) state[owner.kind] = String(id);
      break;
    }
    case 'service-account':
      if (owner.group !== undefined) state.group = String(owner.group);
      state.user = String(token.userId);
      break;
  }
  return state;
}

/** Characters of the `report` output at most: GitHub allows 1 MB of outputs per job. */
const MAX_REPORT_OUTPUT = 900_000;

function reportFailure(core: ActionsCore, log: Logger, error: unknown): void {
  // A token that changed although the run failed: later steps (if: failure()) need to know which.
  const changed = error instanceof PatError ? error.changedToken : undefined;
  if (changed) {
    core.setOutput('token-id', String(changed.id));
    core.setOutput('token-name', changed.name);
    core.setOutput('expires-at', changed.expiresAt ?? '');
  }
  core.setFailed(failureText(error, log));
  process.exitCode = error instanceof PatError ? error.exitCode : ExitCode.failedUnchanged;
}

/**
 * The step output `token`. A runner passes outputs through the file GITHUB_OUTPUT names; without it @actions/core
 * falls back to the `::set-output` command on stdout, where the value (a registered secret) is redacted to `***`:
 * the output would hold `***` while the run said the token is there. So a runner without that file fails the check
 * before anything changes. (Outside a runner, GITHUB_ACTIONS is unset: @github/local-action's own core keeps
 * outputs itself.)
 */
function maskedTokenOutput(core: ActionsCore, env: NodeJS.ProcessEnv): Destination {
  const description = 'the masked step output "token"';
  return {
    description,
    durable: false,
    preflight: () =>
      env.GITHUB_ACTIONS === 'true' && !env.GITHUB_OUTPUT
        ? Promise.reject(
            new UnchangedFailure(
              `${description} cannot be set: this runner gives the step no GITHUB_OUTPUT file (runners before 2.297.0, or a step that cleared the environment), and the old ::set-output command would carry "***" instead of the token. Nothing was changed. Update the runner, or keep GITHUB_OUTPUT in the step's environment.`,
            ),
          )
        : Promise.resolve(),
    write: (token) => {
      core.setOutput('token', token.token);
      return Promise.resolve();
    },
  };
}

/**
 * A workflow that rotates its own credential and stores the result nowhere durable breaks itself: the secret it read
 * gitlab-token from still holds the old token, which GitLab has just revoked. Said loudly, since the run succeeds.
 */
function warnIfOnlyInStepOutput(
  log: Logger,
  githubSecret: Destination | undefined,
  result: OperationResult,
): void {
  if (!result.rotatesCredential || githubSecret) return;
  const fix =
    'If gitlab-token comes from a GitHub secret, set github-secret (with github-token) to that secret, so that the new token is stored where the next run reads it.';
  if (result.dryRun) {
    log.warn(
      `A real run would rotate gitlab-token itself and store the new token only in ${result.storedIn?.join(', ') ?? 'the destinations listed above'}, leaving the secret gitlab-token comes from with a revoked token. ${fix}`,
    );
    return;
  }
  log.warn(
    `gitlab-token rotated itself; the new token is in ${result.storedIn?.join(' and ') ?? 'the step output'}, but not in the secret gitlab-token came from, which still holds the old token, now revoked: the next run will fail. ${fix}`,
  );
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
    const text = result.report
      ? renderReportSummary(summarizeReport(result.report, result.headline), instanceUrl)
      : renderJobSummary(result, instanceUrl);
    await core.summary.addRaw(log.redact(text)).write();
  } catch (error) {
    log.warn(`Could not write the job summary: ${error instanceof Error ? error.message : String(error)}`);
  }
}
