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
import { ALL_AVAILABLE_SCOPES } from '../scopes.js';
import type { EmuToken, EmuUser } from '../state.js';

const DEFAULT_ROTATION_DAYS = 7;
const MAX_DESCRIPTION_LENGTH = 255;
/** POST /user/personal_access_tokens only hands out narrow tokens. */
const SELF_SERVICE_SCOPES = ['k8s_proxy', 'self_rotate'];

type TokenSort = (a: EmuToken, b: EmuToken) => number;

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
  const revoked = reader.optionalBoolean('revoked');
  const state = reader.optionalChoice('state', ['active', 'inactive'] as const);
  const createdBefore = reader.optionalDateTime('created_before');
  const createdAfter = reader.optionalDateTime('created_after');
  const lastUsedBefore = reader.optionalDateTime('last_used_before');
  const lastUsedAfter = reader.optionalDateTime('last_used_after');
  const expiresBefore = reader.optionalDate('expires_before');
  const expiresAfter = reader.optionalDate('expires_after');
  const search = reader.optionalString('search');
  const sort = reader.optionalString('sort');
  const pageRequest = readPageRequest(reader);
  reader.finish();

  let tokens = ctx.state.allTokens();
  if (caller.user.admin) {
    if (userId !== undefined) {
      if (!ctx.state.findUser(userId)) throw notFound();
      tokens = tokens.filter((token) => token.userId === userId);
    } else if (reader.has('user_id')) {
      throw notFound();
    }
  } else {
    tokens = tokens.filter((token) => token.userId === caller.user.id);
  }

  const isActive = (token: EmuToken) => ctx.state.isActive(token);
  if (state === 'active') tokens = tokens.filter(isActive);
  if (state === 'inactive') tokens = tokens.filter((token) => !isActive(token));
  if (revoked !== undefined) tokens = tokens.filter((token) => token.revoked === revoked);
  if (createdBefore)
    tokens = tokens.filter((token) => Date.parse(token.createdAt) <= createdBefore.getTime());
  if (createdAfter) tokens = tokens.filter((token) => Date.parse(token.createdAt) >= createdAfter.getTime());
  if (lastUsedBefore) tokens = tokens.filter((token) => usedAt(token) <= lastUsedBefore.getTime());
  if (lastUsedAfter) tokens = tokens.filter((token) => usedAt(token) >= lastUsedAfter.getTime());
  if (expiresBefore)
    tokens = tokens.filter((token) => token.expiresAt !== null && token.expiresAt < expiresBefore);
  if (expiresAfter)
    tokens = tokens.filter((token) => token.expiresAt !== null && token.expiresAt >= expiresAfter);
  if (search !== undefined) tokens = tokens.filter((token) => matchesSearch(token.name, search));
  tokens.sort(SORTS[sort ?? ''] ?? byId);

  const page = paginate(ctx, pageRequest, tokens);
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

/** The emulator has no groups or projects yet, so a token reaches none. */
function selfAssociations(ctx: RequestContext): Reply {
  callerOf(ctx);
  const reader = new ParamReader(ctx.params);
  reader.optionalInteger('min_access_level');
  const pageRequest = readPageRequest(reader);
  reader.finish();
  const projects = paginate(ctx, pageRequest, []);
  return json(200, { groups: [], projects: projects.items }, projects.headers);
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

interface CreateRequest {
  readonly name: string;
  readonly scopes: string[];
  readonly description: string | undefined;
  readonly expiresAt: string | undefined;
}

function readCreateRequest(
  reader: ParamReader,
  allowedScopes: readonly string[],
  defaultExpiry: string | undefined,
): CreateRequest {
  return {
    name: reader.requiredString('name'),
    scopes: reader.requiredStringArray('scopes', allowedScopes),
    description: reader.optionalString('description'),
    expiresAt: reader.optionalDate('expires_at') ?? defaultExpiry,
  };
}

/** PersonalAccessTokens::CreateService plus the model's validations; failures answer 422. */
function create(ctx: RequestContext, target: EmuUser, request: CreateRequest): Reply {
  const maxExpiry = ctx.state.maxExpiryDate();
  const problems: string[] = [];
  if (request.name.trim() === '') problems.push("Name can't be blank");
  if (request.scopes.length === 0) problems.push("Scopes can't be blank");
  if ((request.description ?? '').length > MAX_DESCRIPTION_LENGTH) {
    problems.push(`Description is too long (maximum is ${MAX_DESCRIPTION_LENGTH} characters)`);
  }
  if (request.expiresAt !== undefined && request.expiresAt > maxExpiry) {
    problems.push(`Expiration date must be before ${maxExpiry}`);
  }
  if (request.scopes.includes('sudo') && !target.admin)
    problems.push('Sudo can only be enabled for administrators');
  if (problems.length > 0) throw apiError(422, toSentence(problems));

  const token = ctx.state.issueToken({
    user: target.id,
    name: request.name,
    scopes: request.scopes,
    description: request.description ?? null,
    expiresAt: request.expiresAt ?? maxExpiry,
  });
  return json(201, personalAccessTokenWithTokenEntity(ctx.state, token));
}

// --- Shared services ---------------------------------------------------------------------------------------

/** PersonalAccessTokens::RotateService. */
function rotate(ctx: RequestContext, token: EmuToken, requestedExpiry: string | undefined): Reply {
  if (token.revoked) throw badRequest('Token already revoked');
  const expiresAt = requestedExpiry ?? addDays(utcDate(ctx.clock.now()), DEFAULT_ROTATION_DAYS);
  const maxExpiry = ctx.state.maxExpiryDate();
  if (expiresAt > maxExpiry) throw badRequest(`Expiration date must be before ${maxExpiry}`);
  const successor = ctx.state.rotate(token.id, expiresAt);
  return json(200, personalAccessTokenWithTokenEntity(ctx.state, successor));
}

/** PersonalAccessTokens::RevokeService: owner or admin; revoking twice is fine. */
function revoke(ctx: RequestContext, caller: Caller, token: EmuToken): Reply {
  if (!caller.user.admin && token.userId !== caller.user.id) throw badRequest('Not permitted to revoke');
  ctx.state.revoke(token.id);
  return noContent();
}

/** NaN for a token never used: SQL's NULL, which no `<=` or `>=` comparison matches. */
function usedAt(token: EmuToken): number {
  return token.lastUsedAt === null ? NaN : Date.parse(token.lastUsedAt);
}

/**
 * `fuzzy_search(query, [:name])` (Gitlab::SQL::Pattern): queries of 3+ characters match words as
 * case-insensitive substrings; shorter ones must equal the name, ignoring case.
 */
function matchesSearch(name: string, query: string): boolean {
  const haystack = name.toLowerCase();
  const needle = query.toLowerCase();
  if (needle.length < 3) return haystack === needle;
  const words = needle.split(/\s+/).filter((word) => word.length >= 3);
  return words.length === 0 ? haystack.includes(needle) : words.every((word) => haystack.includes(word));
}

const byId: TokenSort = (a, b) => a.id - b.id;

/** Postgres order: nulls last ascending, first descending; ties by id in the same direction. */
function by(key: (token: EmuToken) => string | null, direction: 1 | -1): TokenSort {
  return (a, b) => {
    const left = key(a);
    const right = key(b);
    if (left !== right) {
      if (left === null) return direction;
      if (right === null) return -direction;
      return left < right ? -direction : direction;
    }
    return (a.id - b.id) * direction;
  };
}

const SORTS: Record<string, TokenSort> = {
  id_asc: byId,
  id_desc: (a, b) => b.id - a.id,
  name_asc: by((token) => token.name, 1),
  name_desc: by((token) => token.name, -1),
  created_asc: by((token) => token.createdAt, 1),
  created_desc: by((token) => token.createdAt, -1),
  expires_asc: by((token) => token.expiresAt, 1),
  expires_desc: by((token) => token.expiresAt, -1),
  last_used_asc: by((token) => token.lastUsedAt, 1),
  last_used_desc: by((token) => token.lastUsedAt, -1),
};

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
