/**
 * Which token an operation acts on, and whose: the owner the user named (a user, a project, a group, a group's
 * service account) resolved to what the endpoints need, and the one token the selector means (the credential
 * itself, a numeric id, or the one token with a given name). Resolution only reads; it never changes anything.
 */
import { UnchangedFailure } from '../errors.js';
import type { AdviceKey } from '../gitlab/describe-error.js';
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
import { toAccessToken, type RawToken, type ResolvedOwner } from './token-kind.js';
import { tokenKindOf } from './token-kinds.js';
import { SERVICE_ACCOUNTS_NEED, TokenNotFoundError } from './service-account.js';

/** No token of that name to act on (nothing active, nor for rotate an expired one): a fleet may create one. */
export class NoSuchToken extends UnchangedFailure {}

export interface ResolvedToken {
  readonly owner: ResolvedOwner;
  readonly token: AccessToken;
  /** The token is the credential itself: after a rotation only its successor may be sent. */
  readonly isCredential: boolean;
}

/** What the selection is for: every purpose finds an expired token by name; revoke also a revoked one. */
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
 * `credential`: the address selects the credential itself (token-id self), already read.
 */
export async function resolveOwner(
  context: OperationContext,
  owner: TokenOwner,
  credential?: AccessToken,
): Promise<ResolvedOwner> {
  switch (owner.kind) {
    case 'personal': {
      if (owner.user === undefined) return { kind: 'personal', userId: undefined, label: 'the caller' };
      // A numeric id is what the endpoints take: looking the user up would cost a request to learn a name for the
      // messages. A user that does not exist is GitLab's to say (a create answers 404 and changes nothing; a list
      // finds no tokens of that id).
      if (typeof owner.user === 'number')
        return { kind: 'personal', userId: owner.user, label: `user ${owner.user}` };
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
      if (credential || owner.group === undefined || owner.user === undefined) {
        // token-id self (the input rules ask for group and user otherwise): the account is the credential's own
        // user. The group's list of accounts is for its Owners, which the account is not, so it is not read.
        const self = credential ?? (await readCredential(context, owner));
        if (typeof owner.user === 'number' && owner.user !== self.userId) {
          throw new UnchangedFailure(
            `token-id self means gitlab-token itself, which belongs to user ${self.userId}, not to the service account ${owner.user} (input user). Check user, or give token-id or token-name to act on a token of that account with a credential of its group's Owner.`,
          );
        }
        return {
          kind: 'service-account',
          group: owner.group,
          userId: self.userId,
          label: `service account ${owner.user ?? self.userId}${owner.group === undefined ? '' : ` of group ${owner.group}`}`,
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
      403: SERVICE_ACCOUNTS_NEED,
      404: `Group ${group} does not exist, or the credential cannot see it: check group (the id or full path of the service account's group).`,
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
 * associations, 17.4+). Without `min_access_level` GitLab lists every public and internal project and group too, so
 * only memberships are asked for: a project bot is a direct member of its one project (`project_access_level`); a
 * group bot is a member of its group and, by inheritance, of everything below it, so its group is the one whose
 * parent is not in the list.
 */
async function credentialResource(context: OperationContext, kind: 'project' | 'group'): Promise<number> {
  const input = kind === 'project' ? 'project' : 'group';
  const associations = await callGitlab(
    context,
    `Finding the ${kind} of the credential (gitlab-token)`,
    () => context.api.client.get<TokenAssociations>('personal_access_tokens/self/associations', MEMBERSHIPS),
    {
      404: `This GitLab cannot tell which ${kind} a token belongs to (it needs GitLab 17.4 or later): give ${input}.`,
      400: `The credential is not an access token, so it has no ${kind} of its own: give ${input}.`,
    },
  );
  const found = kind === 'project' ? directProjects(associations) : topGroups(associations);
  if (found.length === 1 && found[0] !== undefined) return found[0];
  throw new UnchangedFailure(
    found.length === 0
      ? `token-kind ${kind} with token-id self: the credential (gitlab-token) is not a member of any ${kind}, so it is not a ${kind} access token. Check token-kind (personal for a person's or a service account's token${kind === 'project' ? ', group for a group access token' : ', project for a project access token'}), or give ${input}.`
      : `token-kind ${kind} with token-id self: the credential (gitlab-token) is a member of ${found.length} ${kind}s (ids ${found.join(', ')}), so it is not one ${kind}'s access token (whose bot user belongs to exactly one ${kind}). Give ${input}, or check token-kind (personal for a person's or a service account's token).`,
  );
}

/** Memberships only, guest and up (bot users are never below guest), one page: a bot belongs to one resource. */
const MEMBERSHIPS = { min_access_level: 10, per_page: 100 } as const;

interface TokenAssociations {
  projects?: { id: number; access_levels?: { project_access_level?: number | null } | null }[];
  groups?: { id: number; parent_id?: number | null }[];
}

function directProjects(associations: TokenAssociations): number[] {
  return (associations.projects ?? [])
    .filter((project) => typeof project.access_levels?.project_access_level === 'number')
    .map((project) => project.id);
}

function topGroups(associations: TokenAssociations): number[] {
  const groups = associations.groups ?? [];
  const ids = new Set(groups.map((group) => group.id));
  return groups
    .filter((group) => group.parent_id === null || group.parent_id === undefined || !ids.has(group.parent_id))
    .map((group) => group.id);
}

/**
 * The one token the address means, with its resolved owner. `credential`: the credential's own token when the
 * caller has read it already (readCredential), so that it is read once; tokens selected by id or name are compared
 * with it to know whether the operation acts on the credential.
 */
export async function resolveToken(
  context: OperationContext,
  address: TokenAddress,
  purpose: SelectionPurpose,
  credential?: AccessToken,
): Promise<ResolvedToken> {
  const selector = address.selector;
  if (selector.kind === 'self') {
    // The credential first: what it says may make the owner unnecessary (a rotation that is not due).
    const token = credential ?? (await readCredential(context, address.owner));
    const owner = await resolveOwner(context, address.owner, token);
    return { owner, token: withResource(token, owner), isCredential: true };
  }
  const owner = await resolveOwner(context, address.owner);
  const token =
    selector.kind === 'id'
      ? await readById(context, owner, selector.id)
      : await findByName(context, owner, selector.name, purpose);
  assertOwnedBy(owner, token);
  // Whether a token chosen by id or name is the credential itself decides what the run may send afterwards.
  const own = credential ?? (await readCredential(context, address.owner));
  return { owner, token, isCredential: own.id === token.id };
}

/**
 * The credential's own token (GET /personal_access_tokens/self). Every kind of access token answers there, a
 * project's or group's bot token and a service account's too, so nothing about the owner is needed yet. Refusals
 * are explained for the kind the user named.
 */
export async function readCredential(context: OperationContext, owner: TokenOwner): Promise<AccessToken> {
  const raw = await callGitlab(
    context,
    'Reading the credential (gitlab-token)',
    () => context.api.client.get<RawToken>('personal_access_tokens/self'),
    credentialAdvice(owner),
  );
  return toAccessToken(owner.kind, raw);
}

/**
 * Every access token can read itself at GET /personal_access_tokens/self (GitLab 16.0+), so a 404 there says no
 * GitLab API answers under gitlab-url, not that a token is missing.
 */
const NO_API_AT_GITLAB_URL =
  'No GitLab API answers at this address (every access token can read itself there): check gitlab-url. It is the address GitLab is served from, such as https://gitlab.example.com, or https://example.com/gitlab when GitLab is served under a path; not /api/v4 and not the address of a page.';

/** What owns a token of each kind, as a noun ("a token of another user"). */
const OWNER_NOUN: Readonly<Record<TokenOwner['kind'], string>> = {
  personal: 'user',
  project: 'project',
  group: 'group',
  'service-account': 'service account',
};

/** What a refused credential means, by the kind of token it is said to be. */
function credentialAdvice(owner: TokenOwner): Partial<Record<AdviceKey, string>> {
  if (owner.kind !== 'project' && owner.kind !== 'group') {
    return {
      404: NO_API_AT_GITLAB_URL,
      403: 'GitLab refused the credential (gitlab-token) before looking at any token. When it says the account is blocked, an administrator must unblock its user; until then none of its tokens work.',
    };
  }
  const kind = owner.kind;
  const resource = kind === 'project' ? owner.project : owner.group;
  const where = resource === undefined ? `its ${kind}` : `${kind} ${resource}`;
  const manager = kind === 'project' ? `a Maintainer or Owner of ${where}` : `an Owner of ${where}`;
  return {
    404: NO_API_AT_GITLAB_URL,
    401: `GitLab did not accept the credential (gitlab-token), a ${kind} access token: check that it is the current token. A ${kind} access token also stops working for good when its ${kind} is deleted (then create a new token where it is needed).`,
    403: `GitLab refused the credential (gitlab-token), a ${kind} access token: when it says the account is blocked, its bot user is blocked, and none of its tokens work. An administrator must unblock the bot user, or ${manager} creates a new ${kind} access token (token-kind ${kind}, operation create).`,
    expired: `The credential (gitlab-token), a ${kind} access token, has expired, so it can no longer rotate itself. GitLab still rotates an expired token that is not revoked for ${manager}, or an administrator: run rotate once with such a credential as gitlab-token (token-kind ${kind}, ${kind} ${resource ?? '<id or path>'}, token-name <its name>), and store the new token where gitlab-token comes from.`,
  };
}

/** A bot token read through the personal endpoint does not say its resource; the owner does, once resolved. */
function withResource(token: AccessToken, owner: ResolvedOwner): AccessToken {
  if (token.resource !== null) return token;
  if (owner.kind === 'project' && typeof owner.project === 'number')
    return { ...token, resource: { kind: 'project', id: owner.project } };
  if (owner.kind === 'group' && typeof owner.group === 'number')
    return { ...token, resource: { kind: 'group', id: owner.group } };
  return token;
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
  const hidden = `Token ${id} does not exist or is not visible to the credential: GitLab answers 401 for other users' tokens unless the credential belongs to an administrator. Check token-id, or use token-name. A group service account's token is managed by the group's Owners with token-kind service-account, group and user; a project's or group's access token with token-kind project or group.`;
  const managed = `Reading the tokens of ${owner.label} needs ${tokenKindOf(owner).managers}; GitLab answers 401 to anyone else. Check the role of gitlab-token's user, and token-kind.`;
  return callGitlab(context, `Reading token ${id} of ${owner.label}`, read, {
    401: owner.kind === 'personal' ? hidden : managed,
    404: `Token ${id} does not exist${owner.kind === 'personal' ? '' : ` in ${owner.label}`}. Check token-id (a token of another ${OWNER_NOUN[owner.kind]} is not found here), or use token-name.`,
    denied: owner.kind === 'personal' ? hidden : managed,
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
 * The one token with this exact name: an active one; failing that, the one expired (not revoked) one, which GitLab
 * still shows, rotates and revokes for a credential that may manage it (the recovery after a weekend of expiries);
 * for revoke also a revoked one (revoking is then already done). Every page of both lists is read (gitlab-client.ts
 * `all`), so a token is never missed because many others share the start of its name.
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
    callGitlab(
      context,
      `Listing the ${state} tokens of ${owner.label}`,
      () => kind.list(context.api.client, ownerForList, { state, search: name }),
      listingAdvice(owner),
    );
  const active = (await list('active')).filter((token) => token.name === name && token.active);
  if (active.length === 1 && active[0]) return active[0];
  if (active.length > 1) {
    throw new UnchangedFailure(
      `${active.length} active tokens named "${name}" belong to ${owner.label}: ids ${active.map((token) => token.id).join(', ')}. Select one with token-id, or revoke the ones no longer used.`,
    );
  }
  const inactive = (await list('inactive')).filter((token) => token.name === name);
  const expired = inactive.filter((token) => !token.revoked).sort((a, b) => b.id - a.id);
  if (expired.length === 1 && expired[0]) {
    if (purpose !== 'read') {
      context.log.info(
        `No active token named "${name}" belongs to ${owner.label}; ${describeToken(expired[0])} expired on ${expired[0].expiresAt ?? '?'} and is not revoked, so GitLab lets a credential that may manage it ${purpose} it.`,
      );
    }
    return expired[0];
  }
  if (expired.length > 1) {
    throw new UnchangedFailure(
      `No active token named "${name}" belongs to ${owner.label}, and ${expired.length} expired ones do: ids ${expired.map((token) => `${token.id} (expired ${token.expiresAt ?? '?'})`).join(', ')}. Select one with token-id (the newest is ${expired[0]?.id ?? '?'}).`,
    );
  }
  const newestRevoked = inactive.filter((token) => token.revoked).sort((a, b) => b.id - a.id)[0];
  if (purpose === 'revoke' && newestRevoked) return newestRevoked;
  throw new NoSuchToken(
    `No active or expired token named "${name}" belongs to ${owner.label} on ${context.api.instanceUrl}` +
      (newestRevoked
        ? `; ${inactive.length === 1 ? 'one' : inactive.length} revoked one${inactive.length === 1 ? '' : 's'} (the newest: ${newestRevoked.id}) cannot be ${purpose === 'rotate' ? 'rotated (GitLab refuses revoked tokens)' : 'used'}.`
        : '.') +
      (owner.kind === 'personal' && owner.userId === undefined
        ? " Without user, token-name looks among the credential's own tokens: give user for another user's."
        : '') +
      ' Check token-name (it must match exactly) and whose tokens (user, project, group).',
  );
}

/**
 * What a refused token list means once the credential has worked (GitLab answers 401, not 403, to a non-administrator
 * asking for another user's tokens, and to a non-Maintainer asking for a project's): who may list them.
 */
export function listingAdvice(owner: ResolvedOwner): Partial<Record<AdviceKey, string>> {
  const who =
    owner.kind === 'personal'
      ? `Listing the tokens of ${owner.label} needs an administrator's credential (only administrators see other users' tokens), and gitlab-token's user is not one. Use an administrator's token, or leave out user to work on the credential's own tokens.`
      : `Listing the tokens of ${owner.label} needs ${tokenKindOf(owner).managers}, and gitlab-token's user is not. Use such a credential, or give that user the role.`;
  // Only a numeric user id reaches GitLab unchecked (a username was looked up first): GitLab says 404 for no user.
  const unknownUser =
    owner.kind === 'personal' ? { 404: `GitLab knows no ${owner.label}: check the user input.` } : {};
  return { denied: who, 403: who, ...unknownUser };
}

async function callerToken(context: OperationContext): Promise<AccessToken> {
  return readCredential(context, { kind: 'personal', user: undefined });
}

export function describeSelector(selector: TokenSelector): string {
  return selector.kind === 'self'
    ? 'token-id self'
    : selector.kind === 'id'
      ? `token-id ${selector.id}`
      : `token-name "${selector.name}"`;
}
