/**
 * `create`: a new token of any kind, delivered to its destinations and verified. Who may create what is GitLab's
 * rule: where GitLab would answer, it answers (an administrator's endpoint refuses a non-administrator with 403),
 * and the message says what the answer means.
 */
import { deliverToken, preflightDestinations } from '../destinations/deliver-token.js';
import { OutcomeUnknown, UnchangedFailure } from '../errors.js';
import { describeGitlabError } from '../gitlab/describe-error.js';
import { postOutcome } from '../gitlab/post-outcome.js';
import { verifyNewToken } from '../rotation/verify-new-token.js';
import { chooseExpiry } from '../time/choose-expiry.js';
import { utcDate } from '../time/expiry.js';
import { describeToken, type NewAccessToken } from '../tokens/access-token.js';
import { resolveOwner } from '../tokens/resolve-token.js';
import { SELF_SERVICE_SCOPES } from '../tokens/scopes.js';
import type { ResolvedOwner } from '../tokens/token-kind.js';
import { tokenKindOf } from '../tokens/token-kinds.js';
import { toTokenView } from '../tokens/token-view.js';
import { callGitlab, type OperationContext } from './operation-context.js';
import type { OperationResult } from './result.js';

const DEFAULT_CREATE_LIFETIME = { amount: 30, unit: 'd', text: '30d (the default)' } as const;

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
  const refused = kind.refusedScopes(request.scopes, {
    isAdmin: owner.kind === 'personal' && owner.userId !== undefined ? true : undefined,
  });
  if (refused) throw new UnchangedFailure(`${refused}. Nothing was created; choose other scopes.`);

  const expiry = chooseExpiry(options.expiry, DEFAULT_CREATE_LIFETIME, {
    today: utcDate(context.clock.now()),
    maxLifetimeDays: options.maxLifetimeDays,
  });
  if (expiry.note) log.warn(`Expiry: ${expiry.note}.`);
  await preflightDestinations(context, { tokenResource: resourceOf(owner), writerScopes: undefined });

  const what = `${kind.kind === 'personal' ? '' : `${kind.kind} `}token "${request.name}" for ${owner.label} (scopes ${request.scopes.join(', ')}, expires ${expiry.expiresAt})`;
  if (options.dryRun)
    return { operation: 'create', dryRun: true, headline: `Dry run: would create ${what}.`, changed: true };

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
    throw createFailure(context, error, what, request.name, owner);
  }
  log.protectSecret(created.token);
  log.info(`Created ${describeToken(created)}, expires ${created.expiresAt ?? 'never'}.`);
  const storedIn = await deliverToken(context, created);
  await verifyNewToken(context, created, api.withCredential(created.token), storedIn);
  return {
    operation: 'create',
    dryRun: false,
    headline: `Created ${what}: id ${created.id}.`,
    token: toTokenView(created, context.clock.now()),
    newToken: created,
    storedIn,
    changed: true,
  };
}

/**
 * The caller's own personal token goes through the self-service endpoint, which allows only some scopes; for any
 * other scope the caller must be an administrator using the administrators' endpoint with their own id.
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
  if (caller.isAdmin !== true) {
    throw new UnchangedFailure(
      `GitLab lets non-administrators create personal access tokens through the API only with the scopes ${[...SELF_SERVICE_SCOPES].join(', ')}; asked for ${scopes.join(', ')}, and ${caller.username} is not an administrator. Use an administrator's credential, or create the token once by hand and let this tool rotate it.`,
    );
  }
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
  name: string,
  owner: ResolvedOwner,
): Error {
  const kind = tokenKindOf(owner);
  const description = describeGitlabError(error, {
    doing: `Creating ${what}`,
    instanceUrl: context.api.instanceUrl,
    advice: {
      ...(owner.kind === 'personal'
        ? {
            403: `Creating a token for ${owner.label} needs an administrator's credential, and gitlab-token's user is not one. Use an administrator's token, or omit user to create one for the credential's own user (with the scopes k8s_proxy or self_rotate).`,
          }
        : {
            403: `Creating this token needs ${kind.creators}; the credential's user is not. Use such a credential.`,
            401: `Creating this token needs ${kind.creators}. Check gitlab-token and its role.`,
          }),
      400: "GitLab refused the request as given (for project and group tokens: an access level above the caller's own, or a scope the kind cannot have): correct what GitLab names and run again.",
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
