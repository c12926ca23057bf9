/**
 * Personal access tokens: list, get, `self`, associations, rotate, revoke, and the two create endpoints.
 *
 * What GitLab does, read in its source (gitlabhq/gitlabhq mirror; paths are in that repository):
 *
 * Reuse detection (lib/gitlab/auth/auth_finders.rb, `validate_and_save_access_token!` and
 * `revoke_token_family`; app/services/personal_access_tokens/revoke_token_family_service.rb;
 * spec/requests/api/personal_access_tokens/self_rotation_spec.rb "with a rotated token ... revokes token family"):
 * - It happens during authentication, not in the rotate endpoint: when the token presented as the credential is
 *   revoked AND the request path matches `access_tokens/(\d+|self)/rotate$`, GitLab revokes every active token
 *   rotated (directly or transitively) from it, then answers 401 "Token was revoked. You have to re-authorize
 *   from the user.". Any rotate path triggers it: `/personal_access_tokens/self/rotate`,
 *   `/personal_access_tokens/:id/rotate` (whatever the id), and the project/group/service-account rotate paths.
 * - Plain GETs, DELETEs and other POSTs with a rotated-away token do NOT revoke the family; they just get the 401.
 * - Expiry is checked before revocation (app/services/access_token_validation_service.rb), so a rotated-away
 *   token that has also expired gets "Token is expired..." and triggers nothing.
 * - Rotating an already-revoked token by id with another, valid credential (owner's other token or an admin)
 *   is not reuse: PersonalAccessTokens::RotateService answers 400 `{"message":"400 Bad request - Token already
 *   revoked"}` and revokes nothing (app/services/personal_access_tokens/rotate_service.rb).
 *
 * Rotation (app/services/personal_access_tokens/rotate_service.rb, lib/api/helpers/personal_access_tokens_helpers.rb):
 * - One transaction: revoke the old token, create the new one (same name, description, scopes, user;
 *   `previous_personal_access_token_id` = old id). If creating fails the revocation is rolled back.
 * - `expires_at` omitted: today + 7 days. Beyond the instance maximum (today + 365, or 400 with
 *   `buffered_token_expiration_limit`): 400 "Expiration date must be before YYYY-MM-DD" (the model's
 *   `expires_at_before_instance_max_expiry_date`). GitLab does not reject a date in the past: the new token is
 *   simply born expired. Neither does create (the recordings create tokens expiring today).
 * - `POST /personal_access_tokens/self/rotate` accepts scope `api` or `self_rotate` (lib/api/personal_access_tokens/
 *   self_rotation.rb); `POST /personal_access_tokens/:id/rotate` needs `api` (owner or admin; otherwise 401 for
 *   non-admins and 404 for admins, lib/api/personal_access_tokens.rb).
 *
 * Other answers: `GET/DELETE .../self` and associations accept any scope (self_information.rb).
 * `DELETE /personal_access_tokens/:id` finds the token first (missing: 404 "404 Not found", lower-case, from
 * ActiveRecord::RecordNotFound), then RevokeService: not the owner nor an admin gives 400 "Not permitted to revoke";
 * an already-revoked token is revoked again without complaint (204). `GET /personal_access_tokens` with `user_id`:
 * admins get 404 for an unknown user, non-admins 401 for anyone but themselves (restrict_non_admins!).
 * `POST /users/:user_id/personal_access_tokens` is admin-only (403 "403 Forbidden"); model validation failures
 * answer 422 with the sentence as `message` (lib/api/users.rb, app/services/personal_access_tokens/create_service.rb).
 */
import {
  personalAccessTokenWithLastUsedIpsEntity,
  personalAccessTokenWithTokenEntity,
} from '../entities/personal-access-token.js';
import { groupAssociationEntity, projectAssociationEntity } from '../entities/token-associations.js';
import { addDays, utcDate } from '../clock.js';
import {
  apiError,
  badRequest,
  forbidden,
  notFound,
  recordNotFound,
  toSentence,
  unauthorized,
} from '../http/gitlab-errors.js';
import { paginate, readPageRequest } from '../http/pagination.js';
import { ParamReader } from '../http/request-params.js';
import {
  callerOf,
  json,
  noContent,
  type Caller,
  type Reply,
  type RequestContext,
  type RouteDefinition,
  type ScopeGrant,
} from '../http/route.js';
import { ACCESS_LEVELS } from '../namespaces.js';
import { ALL_AVAILABLE_SCOPES } from '../scopes.js';
import type { EmuToken, EmuUser } from '../state.js';
import { listTokenPage, newTokenProblems, rotateToken, type NewToken } from './token-services.js';

/** POST /user/personal_access_tokens only hands out narrow tokens. */
const SELF_SERVICE_SCOPES = ['k8s_proxy', 'self_rotate'];

// --- API::PersonalAccessTokens (API-wide scopes only) -------------------------------------------------------

/** `restrict_non_admins!`, the class's before-hook: a non-admin may only name themselves as `user_id`. */
function restrictNonAdmins(ctx: RequestContext, caller: Caller): void {
  if (caller.user.admin) return;
  const raw = ctx.params['user_id'];
  if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) return;
  const text = typeof raw === 'string' || typeof raw === 'number' ? String(raw).trim() : '';
  const named = /^\d+$/.test(text) ? ctx.state.findUser(Number(text)) : undefined;
  if (named?.id !== caller.user.id) throw unauthorized();
}

function listTokens(ctx: RequestContext): Reply {
  const caller = callerOf(ctx);
  restrictNonAdmins(ctx, caller);
  const reader = new ParamReader(ctx.params);
  const userId = reader.optionalInteger('user_id');
  const page = listTokenPage(ctx, reader, () => {
    const all = ctx.state.allTokens();
    if (!caller.user.admin) return all.filter((token) => token.userId === caller.user.id);
    if (userId !== undefined) {
      if (!ctx.state.findUser(userId)) throw notFound();
      return all.filter((token) => token.userId === userId);
    }
    if (reader.has('user_id')) throw notFound();
    return all;
  });
  const body = page.items.map((token) => personalAccessTokenWithLastUsedIpsEntity(ctx.state, token));
  return json(200, body, page.headers);
}

function showToken(ctx: RequestContext): Reply {
  const caller = callerOf(ctx);
  restrictNonAdmins(ctx, caller);
  const id = readTokenId(ctx);
  const token = visibleToken(ctx, caller, id);
  return json(200, personalAccessTokenWithLastUsedIpsEntity(ctx.state, token));
}

function rotateTokenById(ctx: RequestContext): Reply {
  const caller = callerOf(ctx);
  restrictNonAdmins(ctx, caller);
  const reader = new ParamReader(ctx.params);
  const id = reader.requiredInteger('id');
  const expiresAt = reader.optionalDate('expires_at');
  reader.finish();
  return rotate(ctx, visibleToken(ctx, caller, id), expiresAt);
}

function revokeTokenById(ctx: RequestContext): Reply {
  const caller = callerOf(ctx);
  restrictNonAdmins(ctx, caller);
  const id = readTokenId(ctx);
  const token = ctx.state.findToken(id);
  if (!token) throw recordNotFound();
  return revoke(ctx, caller, token);
}

function readTokenId(ctx: RequestContext): number {
  const reader = new ParamReader(ctx.params);
  const id = reader.requiredInteger('id');
  reader.finish();
  return id;
}

/** Owner or admin; "Only admins should be informed if the token doesn't exist". */
function visibleToken(ctx: RequestContext, caller: Caller, id: number): EmuToken {
  const token = ctx.state.findToken(id);
  if (token && (caller.user.admin || token.userId === caller.user.id)) return token;
  throw caller.user.admin ? notFound() : unauthorized();
}

// --- API::PersonalAccessTokens::SelfInformation (any scope) and SelfRotation (api or self_rotate) --------------

function showSelf(ctx: RequestContext): Reply {
  return json(200, personalAccessTokenWithLastUsedIpsEntity(ctx.state, callerOf(ctx).token));
}

/**
 * `GET /personal_access_tokens/self/associations` (17.4+): the groups (GroupsFinder) and projects
 * (ProjectsFinder) the token's user can see: administrators everything, others their memberships (inherited
 * ones included) and public or internal ones; `min_access_level` keeps only those where the user has at least
 * that level. Both lists are paginated with the same page; the headers describe the projects.
 */
function selfAssociations(ctx: RequestContext): Reply {
  const { user } = callerOf(ctx);
  const reader = new ParamReader(ctx.params);
  const min = reader.optionalInteger('min_access_level', {
    onlyValues: Object.values(ACCESS_LEVELS),
  });
  const pageRequest = readPageRequest(reader);
  reader.finish();
  const { namespaces } = ctx.state;
  const groups = namespaces
    .allGroups()
    .filter((group) =>
      min === undefined
        ? user.admin || group.visibility !== 'private' || namespaces.groupAccess(user, group) > 0
        : namespaces.groupAccess(user, group) >= min,
    );
  const projects = namespaces
    .allProjects()
    .filter((project) =>
      min === undefined
        ? namespaces.canReadProject(user, project)
        : namespaces.projectAccess(user, project) >= min,
    );
  const view = { state: ctx.state, baseUrl: ctx.baseUrl, viewer: user };
  const groupPage = paginate(ctx, pageRequest, groups);
  const projectPage = paginate(ctx, pageRequest, projects);
  return json(
    200,
    {
      groups: groupPage.items.map((group) => groupAssociationEntity(view, group)),
      projects: projectPage.items.map((project) => projectAssociationEntity(view, project)),
    },
    projectPage.headers,
  );
}

function revokeSelf(ctx: RequestContext): Reply {
  const caller = callerOf(ctx);
  return revoke(ctx, caller, caller.token);
}

function rotateSelf(ctx: RequestContext): Reply {
  const caller = callerOf(ctx);
  const reader = new ParamReader(ctx.params);
  const expiresAt = reader.optionalDate('expires_at');
  reader.finish();
  return rotate(ctx, caller.token, expiresAt);
}

// --- Create (lib/api/users.rb) -------------------------------------------------------------------------------

function createForUser(ctx: RequestContext): Reply {
  const caller = callerOf(ctx);
  if (!caller.user.admin) throw forbidden();
  const reader = new ParamReader(ctx.params);
  const userId = reader.requiredInteger('user_id');
  const request = readCreateRequest(reader, ALL_AVAILABLE_SCOPES, undefined);
  reader.finish();
  const target = ctx.state.findUser(userId);
  if (!target) throw notFound('User');
  return create(ctx, target, request);
}

function createForCaller(ctx: RequestContext): Reply {
  const caller = callerOf(ctx);
  const reader = new ParamReader(ctx.params);
  const tomorrow = addDays(utcDate(ctx.clock.now()), 1);
  const request = readCreateRequest(reader, SELF_SERVICE_SCOPES, tomorrow);
  reader.finish();
  return create(ctx, caller.user, request);
}

function readCreateRequest(
  reader: ParamReader,
  allowedScopes: readonly string[],
  defaultExpiry: string | undefined,
): NewToken {
  return {
    name: reader.requiredString('name'),
    scopes: reader.requiredStringArray('scopes', allowedScopes),
    description: reader.optionalString('description'),
    expiresAt: reader.optionalDate('expires_at') ?? defaultExpiry,
  };
}

/** PersonalAccessTokens::CreateService plus the model's validations; failures answer 422. */
function create(ctx: RequestContext, target: EmuUser, request: NewToken): Reply {
  const problems = newTokenProblems(ctx.state, request, target.admin);
  if (problems.length > 0) throw apiError(422, toSentence(problems));
  const token = ctx.state.issueToken({
    user: target.id,
    name: request.name,
    scopes: request.scopes,
    description: request.description ?? null,
    expiresAt: request.expiresAt ?? ctx.state.maxExpiryDate(),
  });
  return json(201, personalAccessTokenWithTokenEntity(ctx.state, token));
}

// --- Shared services ---------------------------------------------------------------------------------------

/** PersonalAccessTokens::RotateService. */
function rotate(ctx: RequestContext, token: EmuToken, requestedExpiry: string | undefined): Reply {
  return json(200, personalAccessTokenWithTokenEntity(ctx.state, rotateToken(ctx, token, requestedExpiry)));
}

/** PersonalAccessTokens::RevokeService: owner or admin; revoking twice is fine. */
function revoke(ctx: RequestContext, caller: Caller, token: EmuToken): Reply {
  if (!caller.user.admin && token.userId !== caller.user.id) throw badRequest('Not permitted to revoke');
  ctx.state.revoke(token.id);
  return noContent();
}

const API_ONLY: readonly ScopeGrant[] = [];
const SELF_ROTATION_SCOPES: readonly ScopeGrant[] = [{ name: 'api' }, { name: 'self_rotate' }];
const USERS_API_SCOPES: readonly ScopeGrant[] = [{ name: 'read_user', readOnly: true }];
const base = '/api/v4/personal_access_tokens';

export const personalAccessTokenRoutes: readonly RouteDefinition[] = [
  { method: 'GET', path: base, auth: 'required', scopes: API_ONLY, handle: listTokens },
  { method: 'GET', path: `${base}/:id`, auth: 'required', scopes: API_ONLY, handle: showToken },
  { method: 'POST', path: `${base}/:id/rotate`, auth: 'required', scopes: API_ONLY, handle: rotateTokenById },
  { method: 'DELETE', path: `${base}/:id`, auth: 'required', scopes: API_ONLY, handle: revokeTokenById },
  { method: 'GET', path: `${base}/self`, auth: 'required', scopes: 'any', handle: showSelf },
  {
    method: 'GET',
    path: `${base}/self/associations`,
    auth: 'required',
    scopes: 'any',
    handle: selfAssociations,
  },
  { method: 'DELETE', path: `${base}/self`, auth: 'required', scopes: 'any', handle: revokeSelf },
  {
    method: 'POST',
    path: `${base}/self/rotate`,
    auth: 'required',
    scopes: SELF_ROTATION_SCOPES,
    handle: rotateSelf,
  },
  {
    method: 'POST',
    path: '/api/v4/users/:user_id/personal_access_tokens',
    auth: 'required',
    scopes: USERS_API_SCOPES,
    handle: createForUser,
  },
  {
    method: 'POST',
    path: '/api/v4/user/personal_access_tokens',
    auth: 'required',
    scopes: USERS_API_SCOPES,
    handle: createForCaller,
  },
];
