/**
 * `create`: a new token of any kind, delivered to its destinations and verified. Who may create what is GitLab's
 * rule: where GitLab would answer, it answers (an administrator's endpoint refuses a non-administrator with 403),
 * and the message says what the answer means.
 */
import { deliverToken, preflightDestinations } from '../destinations/deliver-token.js';
import { OutcomeUnknown, UnchangedFailure } from '../errors.js';
import { describeGitlabError } from '../gitlab/describe-error.js';
import { postOutcome } from '../gitlab/post-outcome.js';
import { GitlabHttpError, gitlabText } from '../gitlab/request.js';
import { verifyNewToken } from '../rotation/verify-new-token.js';
import { chooseExpiry, describeEnd, type LifetimeRequest } from '../time/choose-expiry.js';
import { describeToken, type NewAccessToken } from '../tokens/access-token.js';
import { resolveOwner } from '../tokens/resolve-token.js';
import { SELF_SERVICE_SCOPES } from '../tokens/scopes.js';
import type { ResolvedOwner } from '../tokens/token-kind.js';
import { tokenKindOf } from '../tokens/token-kinds.js';
import { toTokenView } from '../tokens/token-view.js';
import { callGitlab, type OperationContext } from './operation-context.js';
import type { OperationResult } from './result.js';

/** A promise like expires-in: at least 30 days. */
const DEFAULT_CREATE_LIFETIME: LifetimeRequest = {
  duration: { amount: 30, unit: 'd', text: '30d (the default)' },
  rule: 'at-least',
};

export async function createToken(context: OperationContext): Promise<OperationResult> {
  const { options, api, log } = context;
  const request = options.create;
  if (!request) throw new Error('create needs its request (the option rules guarantee it)');
  const owner = await creatingOwner(
    context,
    await resolveOwner(context, options.address.owner),
    request.scopes,
  );
  const kind = tokenKindOf(owner);

  await preflightDestinations(context, { tokenResource: resourceOf(owner), writerScopes: undefined });
  // After the checks: their answers carry GitLab's clock, which the expiry follows (a project token's create may
  // have made no request before).
  const expiry = chooseExpiry(options.expiry, DEFAULT_CREATE_LIFETIME, {
    now: context.clock.now(),
    maxLifetimeDays: options.maxLifetimeDays,
  });
  if (expiry.note) log.warn(`Expiry: ${expiry.note}.`);

  const what = `${kind.kind === 'personal' ? '' : `${kind.kind} `}token "${request.name}" for ${owner.label} (scopes ${request.scopes.join(', ')}, expires ${expiry.expiresAt})`;
  // When it really ends, from the clock at the moment of the change: GitLab's midnight, not the end of that day.
  const ends = () => describeEnd(expiry.endsAt, context.clock.now());
  if (options.dryRun)
    return {
      operation: 'create',
      dryRun: true,
      headline: `Dry run: would create ${what}, which ${ends()}.`,
      changed: true,
    };

  let created: NewAccessToken;
  try {
    created = await kind.create(api.client, owner, {
      name: request.name,
      scopes: request.scopes,
      description: request.description,
      expiresAt: expiry.expiresAt,
      accessLevel: request.accessLevel,
    });
  } catch (error) {
    throw createFailure(context, error, what, request, owner);
  }
  log.protectSecret(created.token);
  // The headline says it all once the token is stored; this line is for the request trail.
  log.debug(`Created ${describeToken(created)}, expires ${created.expiresAt ?? 'never'}.`);
  const storedIn = await deliverToken(context, created);
  await verifyNewToken(context, created, api.withCredential(created.token), storedIn);
  return {
    operation: 'create',
    dryRun: false,
    headline: `Created ${what}: id ${created.id}, ${ends()}.`,
    token: toTokenView(created, context.clock.now()),
    newToken: created,
    storedIn,
    changed: true,
  };
}

/**
 * The caller's own personal token goes through the self-service endpoint, which GitLab allows only some scopes
 * (k8s_proxy, and self_rotate on newer versions); an administrator gets any scope through the administrators'
 * endpoint with their own id. A non-administrator asking for more is sent to the self-service endpoint anyway:
 * GitLab's answer is the rule (a refused create changes nothing), and createFailure explains it.
 */
async function creatingOwner(
  context: OperationContext,
  owner: ResolvedOwner,
  scopes: readonly string[],
): Promise<ResolvedOwner> {
  if (owner.kind !== 'personal' || owner.userId !== undefined) return owner;
  if (scopes.every((scope) => SELF_SERVICE_SCOPES.has(scope))) return owner;
  const caller = await callGitlab(context, "Reading the credential's user", () => context.api.currentUser(), {
    scope: 'Reading the caller needs the api, read_api or read_user scope on gitlab-token.',
  });
  if (caller.isAdmin !== true) return { ...owner, label: `user ${caller.username}` };
  return { kind: 'personal', userId: caller.id, label: `user ${caller.username}` };
}

function resourceOf(owner: ResolvedOwner) {
  if (owner.kind === 'project' && typeof owner.project === 'number')
    return { kind: 'project', id: owner.project } as const;
  if (owner.kind === 'group' && typeof owner.group === 'number')
    return { kind: 'group', id: owner.group } as const;
  return null;
}

function createFailure(
  context: OperationContext,
  error: unknown,
  what: string,
  request: { readonly name: string; readonly scopes: readonly string[] },
  owner: ResolvedOwner,
): Error {
  const kind = tokenKindOf(owner);
  const name = request.name;
  const explained =
    error instanceof GitlabHttpError
      ? kind.explainRefusal(
          owner,
          { action: 'create', accessLevel: context.options.create?.accessLevel },
          error.status,
          gitlabText(error.answer),
        )
      : undefined;
  // GitLab's 400 names the parameter, not the rule behind it: the kind knows the likely one.
  const selfService = owner.kind === 'personal' && owner.userId === undefined;
  const likely = kind.refusedScopes(request.scopes, { isAdmin: !selfService });
  const description = describeGitlabError(error, {
    doing: `Creating ${what}`,
    instanceUrl: context.api.instanceUrl,
    advice: {
      ...(owner.kind === 'personal'
        ? {
            403: `Creating a token for ${owner.label} needs an administrator's credential, and gitlab-token's user is not one. Use an administrator's token, or omit user to create one for the credential's own user (with the scopes k8s_proxy or self_rotate).`,
            404: `GitLab knows no ${owner.label}: check the user input. Nothing was created.`,
          }
        : {
            403: `Creating this token needs ${kind.creators}; the credential's user is not. Use such a credential.`,
            401: `Creating this token needs ${kind.creators}. Check gitlab-token and its role.`,
            denied: `Creating this token needs ${kind.creators}; the credential's user is not. Use such a credential.`,
          }),
      400: likely
        ? `${likely}${selfService ? `, and gitlab-token's user is not an administrator. Use an administrator's credential, or create the token once by hand and let this tool rotate it` : '; choose other scopes'}. Nothing was created.`
        : "GitLab refused the request as given (for project and group tokens: an access level above the caller's own, or a scope the kind cannot have): correct what GitLab names and run again.",
      ...(explained !== undefined && error instanceof GitlabHttpError
        ? { [error.status]: explained, denied: explained }
        : {}),
    },
  });
  if (postOutcome(error) === 'refused') return new UnchangedFailure(description);
  return new OutcomeUnknown(
    `${description} The token may or may not have been created; it was not sent again.`,
    [
      `List the tokens of ${owner.label} (operation: list, name: ${name}) to see whether a token named "${name}" was created just now.`,
      'If it was, revoke it (its value was never received) and run create again.',
    ],
  );
}
