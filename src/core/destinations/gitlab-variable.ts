/**
 * A masked (and, when we create it, hidden) GitLab CI/CD variable (doc/api/project_level_variables.md,
 * doc/api/group_level_variables.md). This is the only place a new token may go in GitLab CI, where nothing can mask
 * a value created during the job.
 */
import pLimit from 'p-limit';
import { InputError, UnchangedFailure } from '../errors.js';
import { describeGitlabError, httpStatus } from '../gitlab/describe-error.js';
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
      if (!existing) await stopIfShadowing(deps, target, where, description);
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

/** Reading more places than this before creating a group variable is left to the user (a warning says so). */
const MAX_PLACES_CHECKED = 100;

interface SameKeyElsewhere {
  readonly owner: VariableOwner;
  /** The group above (its variable is inherited) or the project or subgroup below (its own overrides). */
  readonly relation: 'above' | 'below';
  readonly scopes: readonly string[];
}

/**
 * Before creating a variable: GitLab gives a job the variable of the nearest level that has the key (project over
 * subgroup over group), so a key that exists above or below the new one is the copy jobs read today. Creating ours
 * would either hide it (a project variable over its group's) or be hidden by it (a group variable under a
 * project's), and that copy would keep the old, dead token. Stops before any change, naming every copy and how to
 * select it. Costs requests only here, on the way to a create; an update in place needs none.
 */
async function stopIfShadowing(
  deps: GitlabVariableDependencies,
  target: VariableTarget,
  where: VariableOwner,
  description: string,
): Promise<void> {
  const { api, log } = deps;
  const doing = `Checking whether ${target.key} exists above or below ${where.kind} ${where.ref}`;
  const limit = pLimit(4);
  const unchecked: string[] = [];
  const above = await readOrFail(api, doing, () => api.ancestorGroups(where), where);
  const below =
    where.kind === 'group' ? await readOrFail(api, doing, () => api.descendants(where.ref), where) : [];
  const places = [
    ...above.map((ref) => ({ owner: { kind: 'group' as const, ref }, relation: 'above' as const })),
    ...below.map((owner) => ({ owner, relation: 'below' as const })),
  ];
  if (places.length > MAX_PLACES_CHECKED) {
    unchecked.push(
      `${places.length - MAX_PLACES_CHECKED} more projects and subgroups below ${where.kind} ${where.ref}`,
    );
  }
  const found = (
    await Promise.all(
      places.slice(0, MAX_PLACES_CHECKED).map(({ owner, relation }) =>
        limit(async (): Promise<SameKeyElsewhere | undefined> => {
          try {
            const scopes = (await api.variables(owner))
              .filter((variable) => variable.key === target.key)
              .map((variable) => variable.environmentScope);
            return scopes.length > 0 ? { owner, relation, scopes } : undefined;
          } catch (error) {
            // Reading variables needs the role that writes them (group: Owner); without it, say what was not seen.
            const status = httpStatus(error);
            if (status === 401 || status === 403 || status === 404) {
              unchecked.push(
                `${owner.kind} ${owner.ref} (its variables need the ${owner.kind === 'project' ? 'Maintainer' : 'Owner'} role to read)`,
              );
              return undefined;
            }
            throw new UnchangedFailure(
              describeGitlabError(error, {
                doing: `${doing}: reading the variables of ${owner.kind} ${owner.ref}`,
                instanceUrl: api.instanceUrl,
              }),
            );
          }
        }),
      ),
    )
  ).filter((each): each is SameKeyElsewhere => each !== undefined);

  if (found.length > 0) {
    const copy = (each: SameKeyElsewhere) =>
      `${each.owner.kind} ${each.owner.ref} (environment scope${each.scopes.length > 1 ? 's' : ''} ${each.scopes.join(', ')})`;
    const aboveCopies = found.filter((each) => each.relation === 'above');
    const belowCopies = found.filter((each) => each.relation === 'below');
    const why = [
      aboveCopies.length > 0
        ? `${where.kind} ${where.ref} inherits ${target.key} from ${aboveCopies.map(copy).join(' and ')}: a new variable here would take its place in this ${where.kind}'s jobs, and the inherited one would keep the old token, which stops working after this run (other projects that read it would break)`
        : undefined,
      belowCopies.length > 0
        ? `${belowCopies.map(copy).join(', ')} ${belowCopies.length > 1 ? 'have their' : 'has its'} own ${target.key}, which overrides a group variable in ${belowCopies.length > 1 ? 'their' : 'its'} jobs: the new variable would not reach them, and ${belowCopies.length > 1 ? 'theirs' : 'its own'} would keep the old token, which stops working after this run`
        : undefined,
    ].filter(Boolean);
    const first = found[0] ?? { owner: where, scopes: [target.environmentScope] };
    const scope = first.scopes[0] ?? '*';
    const select = `variable-${first.owner.kind} ${first.owner.ref}${scope !== target.environmentScope ? ` and variable-environment-scope ${JSON.stringify(scope)}` : ''}`;
    throw new UnchangedFailure(
      `${description} does not exist, but ${target.key} exists elsewhere: ${why.join('; ')}. ` +
        `To update the copy that holds the token, give ${select}${found.length > 1 ? ' (or one of the others named)' : ''}. To keep a separate ${target.key} in ${where.kind} ${where.ref} on purpose, create it there once by hand (masked) and run again: an existing variable is updated in place, without this check. Nothing was changed.`,
    );
  }
  if (unchecked.length > 0) {
    log.warn(
      `${description} will be created, but whether ${target.key} also exists in ${unchecked.join(', ')} was not checked. If one of them holds the token today, it keeps the old, dead one: select that variable instead (variable-project or variable-group).`,
    );
  }
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
