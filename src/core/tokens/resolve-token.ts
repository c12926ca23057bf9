/**
 * Which token an operation acts on, and whose: the owner the user named (a user, a project, a group, a group's
 * service account) resolved to what the endpoints need, and the one token the selector means (the credential
 * itself, a numeric id, or the one token with a given name). Resolution only reads; it never changes anything.
 */
import { UnchangedFailure } from '../errors.js';
import { pathSegment } from '../gitlab/gitlab-client.js';
import { callGitlab, type OperationContext } from '../operations/operation-context.js';
import {
  describeToken,
  type AccessToken,
  type TokenAddress,
  type TokenOwner,
  type TokenSelector,
  type UserRef,
} from './access-token.js';
import type { GitlabUser } from '../gitlab/gitlab-api.js';
import type { ResolvedOwner } from './token-kind.js';
import { tokenKindOf } from './token-kinds.js';
import { TokenNotFoundError } from './service-account.js';

/** No token of that name to act on (nothing active, nor for rotate an expired one): a fleet may create one. */
export class NoSuchToken extends UnchangedFailure {}

export interface ResolvedToken {
  readonly owner: ResolvedOwner;
  readonly token: AccessToken;
  /** The token is the credential itself: after a rotation only its successor may be sent. */
  readonly isCredential: boolean;
}

/** What the selection is for: reading, or a change that GitLab also allows on an expired token. */
export type SelectionPurpose = 'read' | 'rotate' | 'revoke';

export async function resolveUser(context: OperationContext, ref: UserRef): Promise<GitlabUser> {
  const user = await callGitlab(context, `Looking up user ${ref}`, () => context.api.user(ref), {
    404: `No user ${ref} exists on this instance, or the credential cannot see it: check the user input.`,
  });
  if (!user) {
    throw new UnchangedFailure(
      `No user ${typeof ref === 'number' ? ref : `named "${ref}"`} exists on ${context.api.instanceUrl}, or the credential cannot see it: check the user input (a username or a numeric id).`,
    );
  }
  return user;
}

/**
 * The owner with every part the endpoints need. Reads only what is missing: a user's id for a username, a group
 * service account's id, or (token-id self without project/group) the credential's own project or group.
 */
export async function resolveOwner(context: OperationContext, owner: TokenOwner): Promise<ResolvedOwner> {
  switch (owner.kind) {
    case 'personal': {
      if (owner.user === undefined) return { kind: 'personal', userId: undefined, label: 'the caller' };
      const user = await resolveUser(context, owner.user);
      return { kind: 'personal', userId: user.id, label: `user ${user.username}` };
    }
    case 'project':
    case 'group': {
      const ref = owner.kind === 'project' ? owner.project : owner.group;
      const found = ref ?? (await credentialResource(context, owner.kind));
      return owner.kind === 'project'
        ? { kind: 'project', project: found, label: `project ${found}` }
        : { kind: 'group', group: found, label: `group ${found}` };
    }
    case 'service-account': {
      if (owner.group === undefined || owner.user === undefined) {
        // Only token-id self gets here (the input rules ask for both otherwise): the token reads itself.
        const self = await callGitlab(context, 'Reading the credential (gitlab-token)', () =>
          context.api.client.get<{ user_id: number }>('personal_access_tokens/self'),
        );
        return {
          kind: 'service-account',
          group: owner.group ?? '?',
          userId: self.user_id,
          label: `service account ${owner.user ?? self.user_id}`,
        };
      }
      const userId = await serviceAccountId(context, owner.group, owner.user);
      return {
        kind: 'service-account',
        group: owner.group,
        userId,
        label: `service account ${owner.user} of group ${owner.group}`,
      };
    }
  }
}

/** The service account's user id, from the group's own list: that also proves it is this group's account. */
async function serviceAccountId(
  context: OperationContext,
  group: string | number,
  user: UserRef,
): Promise<number> {
  const accounts = await callGitlab(
    context,
    `Listing the service accounts of group ${group}`,
    () =>
      context.api.client.all<{ id: number; username: string }>(
        `groups/${pathSegment(group)}/service_accounts`,
      ),
    {
      403: `Managing a group's service accounts needs the Owner role on its top-level group (GitLab Premium or Ultimate); give the credential's user that role, or use an administrator's token.`,
      404: `Group ${group} does not exist, the credential cannot see it, or its GitLab tier has no service accounts (Premium and Ultimate): check group.`,
    },
  );
  const match = accounts.find((account) =>
    typeof user === 'number' ? account.id === user : account.username.toLowerCase() === user.toLowerCase(),
  );
  if (!match) {
    const known = accounts.map((account) => account.username).slice(0, 10);
    throw new UnchangedFailure(
      `Group ${group} has no service account ${user}${known.length > 0 ? ` (it has: ${known.join(', ')})` : ''}. Check user (the service account's username or id) and group.`,
    );
  }
  return match.id;
}

/**
 * The project or group a bot credential belongs to, from GitLab's own answer (GET /personal_access_tokens/self/
 * associations, 17.4+): the one project or group its bot user is a member of.
 */
async function credentialResource(context: OperationContext, kind: 'project' | 'group'): Promise<number> {
  const input = kind === 'project' ? 'project' : 'group';
  const associations = await callGitlab(
    context,
    `Finding the ${kind} of the credential (gitlab-token)`,
    () =>
      context.api.client.get<{ projects?: { id: number }[]; groups?: { id: number }[] }>(
        'personal_access_tokens/self/associations',
        { per_page: 100 },
      ),
    {
      404: `This GitLab cannot tell which ${kind} a token belongs to (it needs GitLab 17.4 or later): give ${input}.`,
      400: `The credential is not an access token, so it has no ${kind} of its own: give ${input}.`,
    },
  );
  const found = (kind === 'project' ? associations.projects : associations.groups) ?? [];
  if (found.length === 1 && found[0]) return found[0].id;
  throw new UnchangedFailure(
    found.length === 0
      ? `token-kind ${kind} with token-id self: the credential (gitlab-token) is not a member of any ${kind}, so it is not a ${kind} access token. Check token-kind, or give ${input}.`
      : `token-kind ${kind} with token-id self: the credential reaches ${found.length} ${kind}s (ids ${found.map((each) => each.id).join(', ')}), so which one it belongs to is unclear. Give ${input}.`,
  );
}

/**
 * The one token the address means, with its resolved owner. `credential` reads the credential's own token when a
 * caller needs it anyway (so it is read once); tokens selected by id or name are compared with it to know whether
 * the operation acts on the credential.
 */
export async function resolveToken(
  context: OperationContext,
  address: TokenAddress,
  purpose: SelectionPurpose,
): Promise<ResolvedToken> {
  const owner = await resolveOwner(context, address.owner);
  const selector = address.selector;
  if (selector.kind === 'self') {
    return { owner, token: await readSelf(context, owner), isCredential: true };
  }
  const token =
    selector.kind === 'id'
      ? await readById(context, owner, selector.id)
      : await findByName(context, owner, selector.name, purpose);
  assertOwnedBy(owner, token);
  // Whether a token chosen by id or name is the credential itself decides what the run may send afterwards.
  const credential = await callGitlab(context, 'Reading the credential (gitlab-token)', () =>
    context.api.client.get<{ id: number }>('personal_access_tokens/self'),
  );
  return { owner, token, isCredential: credential.id === token.id };
}

/** The credential's own token, read through its kind's endpoint (a project token through its project). */
export async function readSelf(context: OperationContext, owner: ResolvedOwner): Promise<AccessToken> {
  return callGitlab(
    context,
    'Reading the credential (gitlab-token)',
    () => tokenKindOf(owner).read(context.api.client, owner, 'self'),
    owner.kind === 'project' || owner.kind === 'group'
      ? {
          401: `GitLab did not accept the credential (gitlab-token): check that it is a valid, unexpired token (a ${owner.kind} access token stops working when its ${owner.kind} is deleted).`,
          403: `GitLab refused the credential (gitlab-token): its bot user may be blocked. Ask an administrator, or create a new ${owner.kind} access token.`,
        }
      : {},
  );
}

async function readById(context: OperationContext, owner: ResolvedOwner, id: number): Promise<AccessToken> {
  const read = async () => {
    try {
      return await tokenKindOf(owner).read(context.api.client, owner, id);
    } catch (error) {
      if (!(error instanceof TokenNotFoundError)) throw error;
      throw new UnchangedFailure(
        `Token ${id} is not a token of ${owner.label}: check token-id, or use token-name.`,
      );
    }
  };
  return callGitlab(context, `Reading token ${id} of ${owner.label}`, read, {
    401: `Token ${id} does not exist or is not visible to the credential: GitLab answers 401 for other users' tokens unless the credential belongs to an administrator. Check token-id, or use token-name.`,
    404: `Token ${id} does not exist${owner.kind === 'personal' ? '' : ` in ${owner.label}`}. Check token-id (a token of another ${owner.kind} is not found here), or use token-name.`,
  });
}

/** A personal token selected by id must belong to the user named, or another user's token would be changed. */
function assertOwnedBy(owner: ResolvedOwner, token: AccessToken): void {
  if (owner.kind === 'personal' && owner.userId !== undefined && token.userId !== owner.userId) {
    throw new UnchangedFailure(
      `${describeToken(token)} belongs to user ${token.userId}, not to ${owner.label} (input user). Check token-id and user.`,
    );
  }
  if (owner.kind === 'service-account' && token.userId !== owner.userId) {
    throw new UnchangedFailure(
      `${describeToken(token)} is not a token of ${owner.label}. Check token-id, user and group.`,
    );
  }
}

/**
 * The one token with this exact name: an active one; for rotate and revoke also an expired one (GitLab rotates an
 * expired token for a credential that may manage it: the recovery after a weekend of expiries); for revoke also a
 * revoked one (revoking is then already done).
 */
async function findByName(
  context: OperationContext,
  owner: ResolvedOwner,
  name: string,
  purpose: SelectionPurpose,
): Promise<AccessToken> {
  const kind = tokenKindOf(owner);
  const ownerForList =
    owner.kind === 'personal' && owner.userId === undefined
      ? // Administrators see every user's tokens: without a user, a name means the caller's own.
        { ...owner, userId: (await callerToken(context)).userId }
      : owner;
  const list = (state: 'active' | 'inactive') =>
    callGitlab(context, `Listing the ${state} tokens of ${owner.label}`, () =>
      kind.list(context.api.client, ownerForList, { state, search: name }),
    );
  const active = (await list('active')).filter((token) => token.name === name && token.active);
  if (active.length === 1 && active[0]) return active[0];
  if (active.length > 1) {
    throw new UnchangedFailure(
      `${active.length} active tokens named "${name}" belong to ${owner.label}: ids ${active.map((token) => token.id).join(', ')}. Select one with token-id, or revoke the ones no longer used.`,
    );
  }
  const inactive = (await list('inactive')).filter((token) => token.name === name);
  const expired = inactive.filter((token) => !token.revoked);
  if (purpose !== 'read' && expired.length === 1 && expired[0]) return expired[0];
  if (purpose !== 'read' && expired.length > 1) {
    throw new UnchangedFailure(
      `No active token named "${name}" belongs to ${owner.label}, and ${expired.length} expired ones do: ids ${expired.map((token) => token.id).join(', ')}. Select one with token-id.`,
    );
  }
  const newestRevoked = inactive.filter((token) => token.revoked).sort((a, b) => b.id - a.id)[0];
  if (purpose === 'revoke' && newestRevoked) return newestRevoked;
  const others = [
    ...new Set(
      inactive.map((token) => `"${token.name}" (${token.id}, ${token.revoked ? 'revoked' : 'expired'})`),
    ),
  ];
  throw new NoSuchToken(
    `No active token named "${name}" belongs to ${owner.label} on ${context.api.instanceUrl}.` +
      (purpose === 'read' && expired.length > 0
        ? ` An expired one does: ${expired.map((token) => token.id).join(', ')} (select it with token-id).`
        : '') +
      (others.length > 0 && purpose !== 'read'
        ? ` Inactive tokens of that name: ${others.slice(0, 10).join(', ')}.`
        : '') +
      ' Check token-name (it must match exactly) and whose tokens (user, project, group).',
  );
}

async function callerToken(context: OperationContext): Promise<AccessToken> {
  return readSelf(context, { kind: 'personal', userId: undefined, label: 'the caller' });
}

export function describeSelector(selector: TokenSelector): string {
  return selector.kind === 'self'
    ? 'token-id self'
    : selector.kind === 'id'
      ? `token-id ${selector.id}`
      : `token-name "${selector.name}"`;
}
