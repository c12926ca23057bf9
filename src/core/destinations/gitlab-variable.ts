/**
 * A masked (and, when we create it, hidden) GitLab CI/CD variable (doc/api/project_level_variables.md,
 * doc/api/group_level_variables.md). This is the only place a new token may go in GitLab CI, where nothing can mask
 * a value created during the job.
 */
import { InputError, UnchangedFailure } from '../errors.js';
import { describeGitlabError } from '../gitlab/describe-error.js';
import type { CiVariable, GitlabApi, VariableOwner, VariableWrite } from '../gitlab/gitlab-api.js';
import { postOutcome } from '../gitlab/post-outcome.js';
import { GitlabHttpError, gitlabText } from '../gitlab/request.js';
import type { Logger } from '../logger.js';
import type { VariableTarget } from '../options/parse-options.js';
import type { Destination, PreflightFacts } from './destination.js';

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

export function describeVariable(key: string, owner: VariableOwner, environmentScope: string): string {
  return `CI/CD variable ${key} in ${owner.kind} ${owner.ref} (environment scope ${environmentScope})`;
}

/** Where the variable lives, once the token's own project or group is known. */
function ownerOf(target: VariableTarget, facts: PreflightFacts): VariableOwner {
  if (target.owner !== 'token-resource' && target.owner !== undefined) return target.owner;
  if (target.owner === 'token-resource' && facts.tokenResource) {
    return { kind: facts.tokenResource.kind, ref: facts.tokenResource.id };
  }
  throw new InputError(
    `Input variable-key ${target.key} needs variable-project or variable-group: where the variable lives (project and group tokens default to their own project or group; in GitLab CI the job's project is the default).`,
  );
}

export function gitlabVariableDestination(
  target: VariableTarget,
  deps: GitlabVariableDependencies,
): Destination {
  const { api } = deps;
  let owner: VariableOwner | undefined =
    target.owner !== 'token-resource' && target.owner !== undefined ? target.owner : undefined;
  let existing: CiVariable | undefined;
  const describe = () =>
    owner
      ? describeVariable(target.key, owner, target.environmentScope)
      : `CI/CD variable ${target.key} in the token's own ${'project or group'} (environment scope ${target.environmentScope})`;

  const sameKey = async (where: VariableOwner) =>
    (await api.variables(where)).filter((each) => each.key === target.key);

  const destination: Destination = {
    get description() {
      return describe();
    },
    durable: true,

    async preflight(facts) {
      owner = ownerOf(target, facts);
      const where = owner;
      const description = describe();
      const doing = `Checking that the credential may write ${description}`;
      // Reading variables needs less than writing them (read_api reads), so the scope is checked on its own: after a
      // self-rotation the new token writes, and it has the same scopes as the old one.
      if (facts.writerScopes !== undefined && !facts.writerScopes.includes('api')) {
        throw new UnchangedFailure(
          `${doing}: writing CI/CD variables needs the api scope on the token that writes them, and gitlab-token has ${facts.writerScopes.join(', ') || 'no scopes'} (when a token rotates itself, its successor writes the variable with the same scopes). Give the token the api scope.`,
        );
      }
      // Listing variables needs the same role as writing them, so this is also the permission check.
      const withKey = await readOrFail(api, doing, () => sameKey(where), where);
      existing = withKey.find((variable) => variable.environmentScope === target.environmentScope);
      const otherScopes = withKey.filter((variable) => variable.environmentScope !== target.environmentScope);
      if (!existing && otherScopes.length > 0) {
        // Creating a second copy beside the one jobs read today would leave that one with a dead token.
        throw new UnchangedFailure(
          `${description} does not exist, but ${target.key} does in ${where.kind} ${where.ref} with environment scope${otherScopes.length > 1 ? 's' : ''} ${otherScopes.map((variable) => variable.environmentScope).join(', ')}: jobs read the token from ${otherScopes.length > 1 ? 'those' : 'that one'}, which would keep the old value. Give variable-environment-scope ${JSON.stringify(otherScopes[0]?.environmentScope ?? '*')} to update it${otherScopes.length > 1 ? ' (one of them)' : ''}. Nothing was changed.`,
        );
      }
      if (existing && otherScopes.length > 0) {
        deps.log.warn(
          `${target.key} also exists in ${where.kind} ${where.ref} with environment scope${otherScopes.length > 1 ? 's' : ''} ${otherScopes.map((variable) => variable.environmentScope).join(', ')}; only scope ${target.environmentScope} is updated. If ${otherScopes.length > 1 ? 'those hold' : 'that holds'} the same token, ${otherScopes.length > 1 ? 'they' : 'it'} will hold a dead one after this run.`,
        );
      }
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

    prepare(facts) {
      owner = ownerOf(target, facts);
      return Promise.resolve();
    },

    async write(token) {
      if (!owner) throw new Error('a variable destination is written only after its preflight');
      const where = owner;
      const variable = (protectedNow: boolean): VariableWrite => ({
        key: target.key,
        value: token.token,
        environmentScope: target.environmentScope,
        protected: protectedNow,
      });
      // An update is a PUT, which the HTTP layer already retries; only creating needs more care here.
      if (existing) {
        await api.updateVariable(where, variable(target.protected ?? existing.protected));
        return;
      }
      for (let round = 1; ; round += 1) {
        try {
          const created = await api.createHiddenVariable(where, variable(target.protected ?? true));
          if (!created.hidden) {
            deps.log.warn(
              `${describe()} was created masked but not hidden: this GitLab (before 17.4) cannot hide variables.`,
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
          existing = (await sameKey(where)).find((each) => each.environmentScope === target.environmentScope);
          if (existing) {
            await api.updateVariable(where, variable(target.protected ?? existing.protected));
            return;
          }
        }
      }
    },
  };
  return destination;
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
          401: `Writing CI/CD variables of a ${owner.kind} needs the ${role} role; GitLab did not accept the credential for ${owner.kind} ${owner.ref}. Check that gitlab-token is valid and its user has that role.`,
          403: `Writing CI/CD variables of a ${owner.kind} needs the ${role} role; give the credential's user that role on ${owner.kind} ${owner.ref}, or store the token elsewhere. (CI_JOB_TOKEN can never write variables.)`,
          404: `${owner.kind} ${owner.ref} does not exist or the credential cannot see it: check variable-${owner.kind}.`,
        },
      }),
    );
  }
}
