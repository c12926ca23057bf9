/**
 * Service accounts (Premium and Ultimate): group service accounts and their tokens under
 * `/groups/:id/service_accounts`, the same for projects under `/projects/:id/service_accounts` (newer, behind a
 * feature flag in GitLab), and instance service accounts (`/service_accounts`, administrators only) whose tokens
 * are managed through the users and personal access token APIs.
 *
 * What GitLab does, read in its source (ee/lib/api/group_service_accounts.rb, ee/lib/api/service_accounts.rb,
 * ee/lib/api/project_service_accounts.rb, ee/app/policies/ee/group_policy.rb, ee/app/services/users/
 * service_accounts/create_service.rb and namespaces/service_accounts/create_service.rb):
 *
 * - Group endpoints: authentication (401), then the group (404 "404 Group Not Found"), then `authorize!
 *   :admin_service_accounts` before anything else: an Owner of the group or an administrator, on a licensed
 *   instance. Anyone else, and everyone on the Free tier, gets 403 "403 Forbidden". Project endpoints the same
 *   with the project (404 "404 Project Not Found") and Maintainer+ (the emulator's reading of "project
 *   owners/maintainers and admins").
 * - Creating needs more (`create_service_account`): a top-level group (and, on self-managed, the instance setting
 *   that lets top-level Owners create them; the emulator behaves like GitLab.com, where they always may).
 *   Otherwise 400 "400 Bad request - User does not have permission to create a service account in this
 *   namespace." A username or email in use: 400 "400 Bad request - Username has already been taken".
 *   Answers 201 ServiceAccount: `id, username, public_email, name, email`, username
 *   `service_account_group_<id>_<32 hex>`, name "Service account user", email `<username>@noreply.<host>`.
 * - `:user_id` must be a service account the group (or project) provisioned: otherwise 404 "404 User Not Found".
 * - Tokens: list (17.11+, the personal access token filters, PersonalAccessToken entity), create (scopes from
 *   every scope; model failures answer 422 with the sentence; `expires_at` left out means the maximum), revoke
 *   (a token of another user: 404 "404 Personal Access Token Not Found"; twice is fine), rotate (a token of
 *   another user: 404 "404 Not Found"; then RotateService, with `expires_at` since 17.9).
 * - Instance: `authenticated_as_admin!` first (403 "403 Forbidden" for others); creating on the Free tier:
 *   403 "403 Forbidden - User does not have permission to create a service account."; listing on Free: 403.
 *   Instance accounts get no membership and no provisioning namespace.
 * Group service accounts are not members of their group until someone adds them (like a human user).
 */
import {
  personalAccessTokenEntity,
  personalAccessTokenWithTokenEntity,
} from '../entities/personal-access-token.js';
import { serviceAccountEntity } from '../entities/service-account.js';
import { userGroup, userProject } from '../http/find-namespace.js';
import { apiError, badRequest, forbidden, notFound, toSentence } from '../http/gitlab-errors.js';
import { paginate, readPageRequest } from '../http/pagination.js';
import { ParamReader } from '../http/request-params.js';
import {
  callerOf,
  json,
  noContent,
  type Reply,
  type RequestContext,
  type RouteDefinition,
} from '../http/route.js';
import { ACCESS_LEVELS, type ResourceRef } from '../namespaces.js';
import { ALL_AVAILABLE_SCOPES } from '../scopes.js';
import type { EmuUser, EmulatorState } from '../state.js';
import { listTokenPage, newTokenProblems, rotateToken } from './token-services.js';

type OwnerKind = ResourceRef['kind'];

function licensed(state: EmulatorState): boolean {
  return state.tier !== 'free';
}

/**
 * The namespace of the request after the class's before-hook: found (404) and `admin_service_accounts`
 * (403). Also tells whether the caller may create accounts there.
 */
function authorizedOwner(ctx: RequestContext, kind: OwnerKind): { owner: ResourceRef; mayCreate: boolean } {
  const { user } = callerOf(ctx);
  const { namespaces } = ctx.state;
  if (kind === 'group') {
    const group = userGroup(ctx);
    const owns = user.admin || namespaces.groupAccess(user, group) >= ACCESS_LEVELS.owner;
    if (!licensed(ctx.state) || !owns) throw forbidden();
    return { owner: { kind, id: group.id }, mayCreate: group.parentId === null };
  }
  const project = userProject(ctx);
  const maintains = user.admin || namespaces.projectAccess(user, project) >= ACCESS_LEVELS.maintainer;
  if (!licensed(ctx.state) || !maintains) throw forbidden();
  return { owner: { kind, id: project.id }, mayCreate: true };
}

/** `user_group.provisioned_users.find_by_id(params[:user_id])`, or 404 "404 User Not Found". */
function provisionedAccount(ctx: RequestContext, owner: ResourceRef): EmuUser {
  const id = ctx.pathParams['user_id'] ?? '';
  const account = /^\d+$/.test(id) ? ctx.state.findUser(Number(id)) : undefined;
  if (account?.provisionedBy?.kind !== owner.kind || account.provisionedBy.id !== owner.id)
    throw notFound('User');
  if (!account.serviceAccount) throw badRequest('User is not of type Service Account');
  return account;
}

interface AccountRequest {
  readonly name: string | undefined;
  readonly username: string | undefined;
  readonly email: string | undefined;
}

function readAccountRequest(ctx: RequestContext): AccountRequest {
  const reader = new ParamReader(ctx.params);
  const request = {
    name: reader.optionalString('name'),
    username: reader.optionalString('username'),
    email: reader.optionalString('email'),
  };
  reader.finish();
  return request;
}

function createAccount(
  ctx: RequestContext,
  request: AccountRequest,
  provisionedBy: ResourceRef | undefined,
): Reply {
  try {
    const account = ctx.state.createServiceAccount({
      ...(provisionedBy ? { provisionedBy } : {}),
      ...(request.name === undefined ? {} : { name: request.name }),
      ...(request.username === undefined ? {} : { username: request.username }),
      ...(request.email === undefined ? {} : { email: request.email }),
      createdById: callerOf(ctx).user.id,
    });
    return json(201, serviceAccountEntity(account));
  } catch (error) {
    if (error instanceof Error && /has already been taken$/.test(error.message))
      throw badRequest(error.message);
    throw error;
  }
}

/** `order_by` (id, username; default id) and `sort` (default desc), then the page. */
function listAccounts(ctx: RequestContext, accounts: readonly EmuUser[]): Reply {
  const reader = new ParamReader(ctx.params);
  const orderBy = reader.optionalChoice('order_by', ['id', 'username'] as const) ?? 'id';
  const sort = reader.optionalChoice('sort', ['asc', 'desc'] as const) ?? 'desc';
  const pageRequest = readPageRequest(reader);
  reader.finish();
  const direction = sort === 'asc' ? 1 : -1;
  const sorted = [...accounts].sort((a, b) =>
    orderBy === 'id' ? (a.id - b.id) * direction : a.username.localeCompare(b.username) * direction,
  );
  const page = paginate(ctx, pageRequest, sorted, { order_by: orderBy, sort });
  return json(200, page.items.map(serviceAccountEntity), page.headers);
}

// --- Group and project service accounts -----------------------------------------------------------------

function createNamespaceAccount(kind: OwnerKind) {
  return (ctx: RequestContext): Reply => {
    const { owner, mayCreate } = authorizedOwner(ctx, kind);
    const request = readAccountRequest(ctx);
    if (!mayCreate)
      throw badRequest('User does not have permission to create a service account in this namespace.');
    return createAccount(ctx, request, owner);
  };
}

function listNamespaceAccounts(kind: OwnerKind) {
  return (ctx: RequestContext): Reply => {
    const { owner } = authorizedOwner(ctx, kind);
    return listAccounts(ctx, ctx.state.serviceAccountsOf(owner));
  };
}

function deleteNamespaceAccount(kind: OwnerKind) {
  return (ctx: RequestContext): Reply => {
    const { owner } = authorizedOwner(ctx, kind);
    const account = provisionedAccount(ctx, owner);
    ctx.state.deleteUser(account.id);
    return noContent();
  };
}

function listAccountTokens(kind: OwnerKind) {
  return (ctx: RequestContext): Reply => {
    const { owner } = authorizedOwner(ctx, kind);
    const reader = new ParamReader(ctx.params);
    const page = listTokenPage(ctx, reader, () => {
      const account = provisionedAccount(ctx, owner);
      return ctx.state.tokensOfUsers(new Set([account.id]));
    });
    return json(
      200,
      page.items.map((token) => personalAccessTokenEntity(ctx.state, token)),
      page.headers,
    );
  };
}

function createAccountToken(kind: OwnerKind) {
  return (ctx: RequestContext): Reply => {
    const { owner } = authorizedOwner(ctx, kind);
    const reader = new ParamReader(ctx.params);
    const request = {
      name: reader.requiredString('name'),
      description: reader.optionalString('description'),
      expiresAt: reader.optionalDate('expires_at'),
      scopes: reader.requiredStringArray('scopes', ALL_AVAILABLE_SCOPES),
    };
    reader.finish();
    const account = provisionedAccount(ctx, owner);
    const problems = newTokenProblems(ctx.state, request, account.admin);
    if (problems.length > 0) throw apiError(422, toSentence(problems));
    const token = ctx.state.issueToken({
      user: account.id,
      name: request.name,
      scopes: request.scopes,
      description: request.description ?? null,
      expiresAt: request.expiresAt ?? ctx.state.maxExpiryDate(),
    });
    return json(201, personalAccessTokenWithTokenEntity(ctx.state, token));
  };
}

function revokeAccountToken(kind: OwnerKind) {
  return (ctx: RequestContext): Reply => {
    const { owner } = authorizedOwner(ctx, kind);
    const account = provisionedAccount(ctx, owner);
    const token = accountToken(ctx, account);
    if (!token) throw notFound('Personal Access Token');
    ctx.state.revoke(token.id);
    return noContent();
  };
}

function rotateAccountToken(kind: OwnerKind) {
  return (ctx: RequestContext): Reply => {
    const { owner } = authorizedOwner(ctx, kind);
    const reader = new ParamReader(ctx.params);
    const expiresAt = reader.optionalDate('expires_at');
    reader.finish();
    const account = provisionedAccount(ctx, owner);
    const token = accountToken(ctx, account);
    if (!token) throw notFound();
    return json(200, personalAccessTokenWithTokenEntity(ctx.state, rotateToken(ctx, token, expiresAt)));
  };
}

function accountToken(ctx: RequestContext, account: EmuUser) {
  const id = ctx.pathParams['token_id'] ?? '';
  const token = /^\d+$/.test(id) ? ctx.state.findToken(Number(id)) : undefined;
  return token?.userId === account.id ? token : undefined;
}

// --- Instance service accounts ----------------------------------------------------------------------------

function requireAdmin(ctx: RequestContext): void {
  if (!callerOf(ctx).user.admin) throw forbidden();
}

function createInstanceAccount(ctx: RequestContext): Reply {
  requireAdmin(ctx);
  const request = readAccountRequest(ctx);
  if (!licensed(ctx.state)) throw forbidden('User does not have permission to create a service account.');
  return createAccount(ctx, request, undefined);
}

function listInstanceAccounts(ctx: RequestContext): Reply {
  requireAdmin(ctx);
  if (!licensed(ctx.state)) throw forbidden();
  return listAccounts(
    ctx,
    ctx.state.allUsers().filter((user) => user.serviceAccount),
  );
}

function namespaceRoutes(kind: OwnerKind): RouteDefinition[] {
  const base = `/api/v4/${kind}s/:id/service_accounts`;
  const tokens = `${base}/:user_id/personal_access_tokens`;
  const route = (method: RouteDefinition['method'], path: string, handle: RouteDefinition['handle']) =>
    ({ method, path, auth: 'required', scopes: [], handle }) as const;
  return [
    route('GET', base, listNamespaceAccounts(kind)),
    route('POST', base, createNamespaceAccount(kind)),
    route('DELETE', `${base}/:user_id`, deleteNamespaceAccount(kind)),
    route('GET', tokens, listAccountTokens(kind)),
    route('POST', tokens, createAccountToken(kind)),
    route('DELETE', `${tokens}/:token_id`, revokeAccountToken(kind)),
    route('POST', `${tokens}/:token_id/rotate`, rotateAccountToken(kind)),
  ];
}

export const serviceAccountRoutes: readonly RouteDefinition[] = [
  ...namespaceRoutes('group'),
  ...namespaceRoutes('project'),
  {
    method: 'GET',
    path: '/api/v4/service_accounts',
    auth: 'required',
    scopes: [],
    handle: listInstanceAccounts,
  },
  {
    method: 'POST',
    path: '/api/v4/service_accounts',
    auth: 'required',
    scopes: [],
    handle: createInstanceAccount,
  },
];
