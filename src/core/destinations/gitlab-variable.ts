/**
 * A masked (and, when we create it, hidden) GitLab CI/CD variable. This is the only place a new token may go in
 * GitLab CI, where nothing can mask a value created during the job.
 */
import { describeGitlabError } from '../describe-error.js';
import { InputError, UnchangedFailure } from '../errors.js';
import type { CiVariable, GitlabApi, VariableOwner, VariableWrite } from '../gitlab-api.js';
import { GitlabHttpError, gitlabText } from '../gitlab-request.js';
import { postOutcome } from '../post-outcome.js';
import type { Logger } from '../logger.js';
import type { VariableTarget } from '../options.js';
import type { Destination } from './destination.js';

/** GitLab's rules for a masked value (expanded, and raw) and its size limit. */
const MASKABLE = /^[a-zA-Z0-9_+=/@:.~-]{8,}$/;
const MASKABLE_RAW = /^\S{8,}$/;
const MAX_VALUE_LENGTH = 10_000;

/** Creating is a POST and never retried by the HTTP layer; here it is retried as an upsert, a bounded few times. */
const MAX_CREATE_ROUNDS = 4;

export interface GitlabVariableDependencies {
  readonly api: GitlabApi;
  readonly log: Logger;
  readonly wait: (ms: number) => Promise<void>;
  /** A token of this instance (the credential): new tokens have the same shape, so it tells whether masking works. */
  readonly sampleToken: string;
}

export function describeVariable(target: VariableTarget, owner: VariableOwner): string {
  return `CI/CD variable ${target.key} in ${owner.kind} ${owner.ref} (environment scope ${target.environmentScope})`;
}

export function gitlabVariableDestination(
  target: VariableTarget,
  deps: GitlabVariableDependencies,
): Destination {
  const owner = target.owner;
  if (!owner) {
    throw new InputError(
      `Input variable-key ${target.key} needs variable-project or variable-group: where the variable lives (in GitLab CI the job's project is the default).`,
    );
  }
  const { api } = deps;
  const description = describeVariable(target, owner);
  let existing: CiVariable | undefined;

  const findExisting = async (): Promise<CiVariable | undefined> =>
    (await api.variables(owner)).find(
      (variable) => variable.key === target.key && variable.environmentScope === target.environmentScope,
    );

  return {
    description,
    durable: true,

    async preflight() {
      const doing = `Checking that the credential may write ${description}`;
      // Reading variables needs less than writing them (read_api reads), so the scope is checked on its own. After
      // a self-rotation the new token writes, and it has the same scopes as the old one.
      const credential = await readOrFail(api, doing, () => api.currentToken(), owner);
      if (!credential.scopes.includes('api')) {
        throw new UnchangedFailure(
          `${doing}: writing CI/CD variables needs the api scope on the token that writes them, and gitlab-token has ${credential.scopes.join(', ') || 'no scopes'} (when a token rotates itself, its successor writes the variable with the same scopes). Give the token the api scope.`,
        );
      }
      const namespace = await readOrFail(api, doing, () => api.namespace(owner), owner);
      if (!namespace) {
        throw new UnchangedFailure(
          `${doing}: ${owner.kind} ${owner.ref} does not exist on ${api.instanceUrl} or the credential cannot see it. Check variable-${owner.kind}.`,
        );
      }
      // Listing variables needs the same role as writing them, so this is the permission check.
      existing = await readOrFail(api, doing, findExisting, owner);
      const rule = existing?.raw ? MASKABLE_RAW : MASKABLE;
      if (!rule.test(deps.sampleToken) || deps.sampleToken.length > MAX_VALUE_LENGTH) {
        throw new UnchangedFailure(
          `${description} must be masked, but tokens of ${api.instanceUrl} do not pass GitLab's masking rules (8 or more of A-Z a-z 0-9 _ + = / @ : . ~ -). Nothing was changed; store the token elsewhere (for example a GitHub secret).`,
        );
      }
      if (existing && !existing.masked) {
        deps.log.warn(`${description} exists but is not masked; the update makes it masked.`);
      }
      if (existing && target.protected !== undefined && existing.protected !== target.protected) {
        deps.log.warn(
          `${description} is ${existing.protected ? '' : 'not '}protected; the update makes it ${target.protected ? 'protected' : 'unprotected'} as variable-protected says.`,
        );
      }
      deps.log.debug(
        `${description}: ${existing ? `exists${existing.hidden ? ' (hidden)' : ''}, will be updated in place` : 'will be created masked and hidden'}.`,
      );
    },

    async write(token) {
      const variable = (protectedNow: boolean): VariableWrite => ({
        key: target.key,
        value: token.token,
        environmentScope: target.environmentScope,
        protected: protectedNow,
      });
      // An update is a PUT, which the HTTP layer already retries; only creating needs more care here.
      if (existing) {
        await api.updateVariable(owner, variable(target.protected ?? existing.protected));
        return;
      }
      for (let round = 1; ; round += 1) {
        try {
          const created = await api.createHiddenVariable(owner, variable(target.protected ?? true));
          if (!created.hidden) {
            deps.log.warn(
              `${description} was created masked but not hidden: this GitLab (before 17.4) cannot hide variables.`,
            );
          }
          return;
        } catch (error) {
          const taken =
            error instanceof GitlabHttpError &&
            error.status === 400 &&
            /taken|exists/i.test(gitlabText(error.answer));
          // A create is a POST: never resent blindly. It may have happened (or another writer made the variable),
          // so look again, then update what is there, or create once more, a bounded few times.
          const transient =
            postOutcome(error) === 'unknown' || (error instanceof GitlabHttpError && error.status === 429);
          if ((!taken && !transient) || round >= MAX_CREATE_ROUNDS) throw error;
          if (transient) await deps.wait(backoffMs(error, round));
          existing = await findExisting();
          if (existing) {
            await api.updateVariable(owner, variable(target.protected ?? existing.protected));
            return;
          }
        }
      }
    },
  };
}

function backoffMs(error: unknown, round: number): number {
  if (error instanceof GitlabHttpError && error.retryAfterSeconds !== undefined)
    return error.retryAfterSeconds * 1000;
  return Math.min(10_000, 1_000 * 2 ** (round - 1));
}

async function readOrFail<T>(
  api: GitlabApi,
  doing: string,
  read: () => Promise<T>,
  owner: VariableOwner,
): Promise<T> {
  try {
    return await read();
  } catch (error) {
    const role = owner.kind === 'project' ? 'Maintainer' : 'Owner';
    throw new UnchangedFailure(
      describeGitlabError(error, {
        doing,
        instanceUrl: api.instanceUrl,
        advice: {
          403: `Writing CI/CD variables of a ${owner.kind} needs the ${role} role; give the credential's user that role on ${owner.kind} ${owner.ref}, or store the token elsewhere. (CI_JOB_TOKEN can never write variables.)`,
          404: `Check variable-${owner.kind}: ${owner.ref} does not exist or the credential cannot see it.`,
        },
      }),
    );
  }
}
