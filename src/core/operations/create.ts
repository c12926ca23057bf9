import { chooseExpiry } from '../choose-expiry.js';
import { deliverToken, preflightDestinations } from '../deliver-token.js';
import { describeGitlabError } from '../describe-error.js';
import { OutcomeUnknown, UnchangedFailure } from '../errors.js';
import { utcDate } from '../expiry.js';
import type { NewPersonalAccessToken } from '../gitlab-api.js';
import { resolveUser } from '../resolve-token.js';
import { SELF_SERVICE_SCOPES } from '../scopes.js';
import { toTokenView } from '../token-view.js';
import { callGitlab, type OperationContext } from '../operation-context.js';
import { postOutcome } from '../post-outcome.js';
import type { OperationResult } from './result.js';

const DEFAULT_CREATE_LIFETIME = { amount: 30, unit: 'd', text: '30d (the default)' } as const;

export async function createToken(context: OperationContext): Promise<OperationResult> {
  const { options, api, log } = context;
  const name = options.name ?? '';
  const scopes = options.scopes ?? [];
  const caller = await callGitlab(context, "Reading the credential's user", () => api.currentUser(), {
    scope: 'Reading the caller needs the api, read_api or read_user scope on gitlab-token.',
  });
  const owner = options.user !== undefined ? await resolveUser(context, options.user) : caller;
  const forSomeoneElse = owner.id !== caller.id;
  if (forSomeoneElse && caller.isAdmin !== true) {
    throw new UnchangedFailure(
      `Creating a token for user ${owner.username} needs an administrator's credential; gitlab-token belongs to ${caller.username}, who is not an administrator. Use an administrator's token, or omit user to create one for ${caller.username}.`,
    );
  }
  // Only administrators may choose any scope; everyone else gets GitLab's self-service endpoint and its limits.
  const selfService = caller.isAdmin !== true;
  if (selfService && scopes.some((scope) => !SELF_SERVICE_SCOPES.has(scope))) {
    throw new UnchangedFailure(
      `GitLab lets non-administrators create tokens through the API only with the scopes ${[...SELF_SERVICE_SCOPES].join(', ')}; asked for ${scopes.join(', ')}. Use an administrator's credential, or create the token once by hand and let this tool rotate it.`,
    );
  }
  const expiry = chooseExpiry(options.expiry, DEFAULT_CREATE_LIFETIME, {
    today: utcDate(context.clock.now()),
    maxLifetimeDays: options.maxLifetimeDays,
  });
  if (expiry.note) log.warn(`Expiry: ${expiry.note}.`);
  await preflightDestinations(context);

  const what = `token "${name}" for ${owner.username} (scopes ${scopes.join(', ')}, expires ${expiry.expiresAt})`;
  if (options.dryRun) {
    return { operation: 'create', dryRun: true, headline: `Dry run: would create ${what}.` };
  }

  let created: NewPersonalAccessToken;
  try {
    created = await api.createPersonalAccessToken({
      userId: selfService ? undefined : owner.id,
      name,
      scopes,
      description: options.description,
      expiresAt: expiry.expiresAt,
    });
  } catch (error) {
    throw createFailure(context, error, what, name);
  }
  log.protectSecret(created.token);
  const storedIn = await deliverToken(context, created);
  log.info(`Created token ${created.id} "${created.name}", expires ${created.expiresAt ?? 'never'}.`);
  return {
    operation: 'create',
    dryRun: false,
    headline: `Created ${what}: id ${created.id}.`,
    token: toTokenView(created, context.clock.now()),
    newToken: created,
    storedIn,
  };
}

function createFailure(context: OperationContext, error: unknown, what: string, name: string): Error {
  const description = describeGitlabError(error, {
    doing: `Creating ${what}`,
    instanceUrl: context.api.instanceUrl,
  });
  if (postOutcome(error) === 'refused') return new UnchangedFailure(description);
  return new OutcomeUnknown(
    `${description} The token may or may not have been created; it was not sent again.`,
    [
      `List the tokens (operation: list, name: ${name}) to see whether a token named "${name}" was created just now.`,
      'If it was, revoke it (its value was never received) and run create again.',
    ],
  );
}
