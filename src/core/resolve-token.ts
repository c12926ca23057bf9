/**
 * Which token an operation acts on: the credential itself (`self`), a numeric id, or the one active token with a
 * given name. Resolution only reads; it never changes anything.
 */
import { UnchangedFailure } from './errors.js';
import type { GitlabUser, PersonalAccessToken } from './gitlab-api.js';
import { callGitlab, type OperationContext } from './operation-context.js';
import type { TokenTarget, UserRef } from './options.js';

export function describeToken(token: PersonalAccessToken): string {
  return `token ${token.id} ("${token.name}")`;
}

export async function resolveUser(context: OperationContext, ref: UserRef): Promise<GitlabUser> {
  const user = await callGitlab(context, `Looking up user ${ref}`, () => context.api.user(ref), {
    404: `No user ${ref} exists on this instance, or the credential cannot see it: check the user input.`,
  });
  if (!user) {
    throw new UnchangedFailure(
      `No user named "${ref}" exists on ${context.api.instanceUrl}: check the user input (a username or a numeric id).`,
    );
  }
  return user;
}

export async function resolveToken(
  context: OperationContext,
  target: TokenTarget,
  credential: () => Promise<PersonalAccessToken>,
  /** revoke: a name that matches only a revoked token resolves to it (the revoke is then already done). */
  acceptRevoked = false,
): Promise<PersonalAccessToken> {
  if (target.kind === 'name') return resolveByName(context, target.name, credential, acceptRevoked);
  const token =
    target.kind === 'self'
      ? await credential()
      : await callGitlab(
          context,
          `Reading token ${target.id}`,
          () => context.api.personalAccessToken(target.id),
          {
            401: `Token ${target.id} does not exist or is not visible to the credential: GitLab answers 401 for other users' tokens unless the credential belongs to an administrator. Check token-id, or use token-name.`,
            404: `Token ${target.id} does not exist. Check token-id, or use token-name.`,
          },
        );
  // user and token-id together must agree, or another user's token than the one meant would be changed.
  const { user } = context.options;
  if (user !== undefined) {
    const owner = await resolveUser(context, user);
    if (owner.id !== token.userId) {
      throw new UnchangedFailure(
        `${describeToken(token)} belongs to user ${token.userId}, not to ${owner.username} (input user). Check token-id and user.`,
      );
    }
  }
  return token;
}

async function resolveByName(
  context: OperationContext,
  name: string,
  credential: () => Promise<PersonalAccessToken>,
  acceptRevoked: boolean,
): Promise<PersonalAccessToken> {
  const { options, api } = context;
  // Administrators see every user's tokens; without a user filter a name would match across the whole instance.
  const owner = options.user !== undefined ? await resolveUser(context, options.user) : undefined;
  const userId = owner?.id ?? (await credential()).userId;
  const whose = owner ? `user ${owner.username}` : 'the caller';
  const candidates = await callGitlab(context, `Listing the active tokens of ${whose}`, () =>
    api.personalAccessTokens({ userId, state: 'active', search: name }),
  );
  const matches = candidates.filter((token) => token.name === name && token.active);
  if (matches.length === 1 && matches[0]) return matches[0];
  if (matches.length === 0 && acceptRevoked) {
    // Revoking is idempotent: a name whose token is already revoked is done, not an error.
    const inactive = await callGitlab(context, `Listing the inactive tokens of ${whose}`, () =>
      api.personalAccessTokens({ userId, state: 'inactive', search: name }),
    );
    const newest = inactive.filter((token) => token.name === name).sort((a, b) => b.id - a.id)[0];
    if (newest?.revoked) return newest;
  }
  if (matches.length === 0) {
    const similar = candidates.map((token) => `"${token.name}" (${token.id})`).slice(0, 10);
    throw new UnchangedFailure(
      `No active token named "${name}" belongs to ${whose} on ${api.instanceUrl}.` +
        (similar.length > 0 ? ` Tokens with similar names: ${similar.join(', ')}.` : '') +
        ' Check token-name (it must match exactly) and user.',
    );
  }
  throw new UnchangedFailure(
    `${matches.length} active tokens named "${name}" belong to ${whose}: ids ${matches
      .map((token) => token.id)
      .join(', ')}. Select one with token-id, or revoke the ones no longer used.`,
  );
}
