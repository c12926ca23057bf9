/**
 * Project and group access tokens: `/projects/:id/access_tokens` and `/groups/:id/access_tokens` (list, get,
 * create, revoke, rotate by id) and their self-rotation (`.../access_tokens/self/rotate`).
 *
 * What GitLab does, read in its source (gitlabhq/gitlabhq; paths are in that repository):
 *
 * A token is the personal access token of a bot user made for it (app/services/resource_access_tokens/
 * create_service.rb): username `project_<id>_bot_<32 hex>` or `group_<id>_bot_<32 hex>`, named after the token,
 * address `<username>@noreply.<host>`, and one membership of the project or group at `access_level` (default
 * 40). Rotation keeps the bot (RotateService creates the successor for `token.user`); revocation keeps it too
 * since 17.9 (inactive tokens stay listed), so `state=inactive` lists revoked and expired tokens.
 *
 * Who may (app/policies/project_policy.rb, group_policy.rb; `project_bot_access` prevents bots from creating or
 * managing tokens, not from reading or revoking them):
 * - read and revoke: Maintainer+ on a project, Owner of a group, administrators;
 * - create and rotate by id: the same, but no bot; a bot token may self-rotate (api or self_rotate scope).
 *
 * The endpoints (lib/api/resource_access_tokens.rb, lib/api/resource_access_tokens/self_rotation.rb), in
 * GitLab's order: authentication (401), Grape parameter validation (400 `{"error": ...}`), the project or group
 * (404 "404 Project Not Found" / "404 Group Not Found"), then:
 * - GET list and GET one: not a reader: 401 "401 Unauthorized"; unknown token: 404 "404 project Access Token Not
 *   Found" (lower-case kind, as recorded). `GET .../access_tokens/self` answers the calling bot's own token
 *   (MR 196399); any other caller gets that 404.
 * - DELETE: unknown token (also `self`, which the route reads as an id that matches nothing): 404 as above; not
 *   allowed: 400 "400 Bad request - <caller's name> cannot delete <bot's name>"; revoking twice is fine (204).
 * - POST create: no permission: 400 "400 Bad request - User does not have permission to create project access
 *   token"; an access level above the caller's own (admins count as Owner; bots are not checked): 400 "400 Bad
 *   request - Access level of the token contains permissions not held by the creating user"; model failures
 *   (blank name, expiry beyond the maximum, ...): 400 "400 Bad request - <sentence>". `expires_at` left out means
 *   the instance maximum. Answers 201 ResourceAccessTokenWithToken.
 * - POST rotate by id: not a manager, or unknown token: 404 "404 Not Found" for administrators, 401 "401
 *   Unauthorized" for others; a token whose access level is above the caller's: 400 "400 Bad request - Not
 *   eligible to rotate tokens with permissions not held by the user"; then RotateService (see token-services.ts).
 * - POST self/rotate: a caller that is not a project or group bot: 405 "405 Method Not Allowed"; a bot of
 *   another project or group: 401; then RotateService.
 * Reuse detection (a revoked token presented to any `.../rotate`) happens in authentication, as for PATs.
 */
import {
  resourceAccessTokenEntity,
  resourceAccessTokenWithTokenEntity,
} from '../entities/personal-access-token.js';
import { userGroup, userProject } from '../http/find-namespace.js';
import { badRequest, methodNotAllowed, notFound, toSentence, unauthorized } from '../http/gitlab-errors.js';
import { ParamReader } from '../http/request-params.js';
import {
  callerOf,
  json,
  noContent,
  type Reply,
  type RequestContext,
  type RouteDefinition,
  type ScopeGrant,
} from '../http/route.js';
import { ACCESS_LEVELS, type ResourceRef } from '../namespaces.js';
import { RESOURCE_BOT_SCOPES } from '../scopes.js';
import type { EmuToken, EmuUser, EmulatorState } from '../state.js';
import { listTokenPage, newTokenProblems, rotateToken } from './token-services.js';

type ResourceKind = ResourceRef['kind'];

/** `Gitlab::Access.options_with_owner`: the levels a token may be given. */
const TOKEN_ACCESS_LEVELS: readonly number[] = [
  ACCESS_LEVELS.guest,
  ACCESS_LEVELS.planner,
  ACCESS_LEVELS.reporter,
  ACCESS_LEVELS.developer,
  ACCESS_LEVELS.maintainer,
  ACCESS_LEVELS.owner,
];

/** The project or group of the request, after GitLab's lookup (404 when missing or invisible). */
function findResource(ctx: RequestContext, kind: ResourceKind): ResourceRef {
  const found = kind === 'project' ? userProject(ctx) : userGroup(ctx);
  return { kind, id: found.id };
}

/** `max_member_access_for_user`: administrators count as Owner. */
function accessLevelOn(state: EmulatorState, user: EmuUser, resource: ResourceRef): number {
  if (user.admin) return ACCESS_LEVELS.owner;
  const { namespaces } = state;
  if (resource.kind === 'project') {
    const project = namespaces.findProject(resource.id);
    return project ? namespaces.projectAccess(user, project) : 0;
  }
  const group = namespaces.findGroup(resource.id);
  return group ? namespaces.groupAccess(user, group) : 0;
}

/** `read_resource_access_tokens` / `destroy_resource_access_tokens`: `admin_project` or `admin_group`. */
function mayRead(state: EmulatorState, user: EmuUser, resource: ResourceRef): boolean {
  const needed = resource.kind === 'project' ? ACCESS_LEVELS.maintainer : ACCESS_LEVELS.owner;
  return user.admin || accessLevelOn(state, user, resource) >= needed;
}

/** `create_resource_access_tokens` / `manage_resource_access_tokens`: readers who are not bots themselves. */
function mayManage(state: EmulatorState, user: EmuUser, resource: ResourceRef): boolean {
  return mayRead(state, user, resource) && user.botOf === null;
}

function isBotOf(user: EmuUser | undefined, resource: ResourceRef): boolean {
  return user?.botOf?.kind === resource.kind && user.botOf.id === resource.id;
}

/** `find_token(resource, token_id)`: a token of one of the resource's bots, by numeric id. */
function tokenOf(state: EmulatorState, resource: ResourceRef, tokenId: string): EmuToken | undefined {
  if (!/^\d+$/.test(tokenId)) return undefined;
  const token = state.findToken(Number(tokenId));
  return token && isBotOf(state.findUser(token.userId), resource) ? token : undefined;
}

function tokenNotFound(kind: ResourceKind) {
  return notFound(`${kind} Access Token`);
}

function listTokens(kind: ResourceKind) {
  return (ctx: RequestContext): Reply => {
    const { user } = callerOf(ctx);
    const reader = new ParamReader(ctx.params);
    const page = listTokenPage(ctx, reader, () => {
      const resource = findResource(ctx, kind);
      if (!mayRead(ctx.state, user, resource)) throw unauthorized();
      const bots = new Set(ctx.state.botsOf(resource).map((bot) => bot.id));
      return ctx.state.tokensOfUsers(bots);
    });
    const body = page.items.map((token) => resourceAccessTokenEntity(ctx.state, token));
    return json(200, body, page.headers);
  };
}

function showToken(kind: ResourceKind) {
  return (ctx: RequestContext): Reply => {
    const { user } = callerOf(ctx);
    const resource = findResource(ctx, kind);
    if (!mayRead(ctx.state, user, resource)) throw unauthorized();
    const token = tokenOf(ctx.state, resource, ctx.pathParams['token_id'] ?? '');
    if (!token) throw tokenNotFound(kind);
    return json(200, resourceAccessTokenEntity(ctx.state, token));
  };
}

/** The calling bot token's own details, within its project or group. */
function showSelf(kind: ResourceKind) {
  return (ctx: RequestContext): Reply => {
    const caller = callerOf(ctx);
    const resource = findResource(ctx, kind);
    if (!isBotOf(caller.user, resource)) throw tokenNotFound(kind);
    return json(200, resourceAccessTokenEntity(ctx.state, caller.token));
  };
}

function revokeToken(kind: ResourceKind) {
  return (ctx: RequestContext): Reply => {
    const { user } = callerOf(ctx);
    const resource = findResource(ctx, kind);
    const token = tokenOf(ctx.state, resource, ctx.pathParams['token_id'] ?? '');
    if (!token) throw tokenNotFound(kind);
    const bot = ctx.state.findUser(token.userId);
    if (!mayRead(ctx.state, user, resource))
      throw badRequest(`${user.name} cannot delete ${bot?.name ?? ''}`);
    if (!ctx.state.namespaces.directMember(resource, token.userId))
      throw badRequest('Failed to find bot user');
    ctx.state.revoke(token.id);
    return noContent();
  };
}

function createToken(kind: ResourceKind) {
  return (ctx: RequestContext): Reply => {
    const { user } = callerOf(ctx);
    const reader = new ParamReader(ctx.params);
    const name = reader.requiredString('name');
    const description = reader.optionalString('description');
    const scopes = reader.requiredStringArray('scopes', RESOURCE_BOT_SCOPES);
    const expiresAt = reader.optionalDate('expires_at');
    const accessLevel =
      reader.optionalInteger('access_level', { onlyValues: TOKEN_ACCESS_LEVELS }) ?? ACCESS_LEVELS.maintainer;
    reader.finish();

    const resource = findResource(ctx, kind);
    if (!mayManage(ctx.state, user, resource))
      throw badRequest(`User does not have permission to create ${kind} access token`);
    if (!user.bot && accessLevelOn(ctx.state, user, resource) < accessLevel)
      throw badRequest('Access level of the token contains permissions not held by the creating user');
    const request = { name, scopes, description, expiresAt };
    const problems = newTokenProblems(ctx.state, request, false);
    if (problems.length > 0) throw badRequest(toSentence(problems));

    const token = ctx.state.issueResourceToken({
      resource,
      name,
      scopes,
      description: description ?? null,
      expiresAt: expiresAt ?? ctx.state.maxExpiryDate(),
      accessLevel,
      createdById: user.id,
    });
    return json(201, resourceAccessTokenWithTokenEntity(ctx.state, token));
  };
}

function rotateById(kind: ResourceKind) {
  return (ctx: RequestContext): Reply => {
    const { user } = callerOf(ctx);
    const reader = new ParamReader(ctx.params);
    const expiresAt = reader.optionalDate('expires_at');
    reader.finish();
    const resource = findResource(ctx, kind);
    const token = mayManage(ctx.state, user, resource)
      ? tokenOf(ctx.state, resource, ctx.pathParams['token_id'] ?? '')
      : undefined;
    // "Only admins should be informed if the token doesn't exist".
    if (!token) throw user.admin ? notFound() : unauthorized();
    if (!token.revoked && accessLevelOn(ctx.state, user, resource) < botLevel(ctx.state, token, resource))
      throw badRequest('Not eligible to rotate tokens with permissions not held by the user');
    return json(200, resourceAccessTokenWithTokenEntity(ctx.state, rotateToken(ctx, token, expiresAt)));
  };
}

function rotateSelf(kind: ResourceKind) {
  return (ctx: RequestContext): Reply => {
    const caller = callerOf(ctx);
    const reader = new ParamReader(ctx.params);
    const expiresAt = reader.optionalDate('expires_at');
    reader.finish();
    if (caller.user.botOf === null) throw methodNotAllowed();
    const resource = findResource(ctx, kind);
    if (!isBotOf(caller.user, resource)) throw unauthorized();
    return json(
      200,
      resourceAccessTokenWithTokenEntity(ctx.state, rotateToken(ctx, caller.token, expiresAt)),
    );
  };
}

function botLevel(state: EmulatorState, token: EmuToken, resource: ResourceRef): number {
  return state.namespaces.directMember(resource, token.userId)?.accessLevel ?? 0;
}

/** Registered on API::API: the API-wide scopes only (`api`, and `read_api` for GETs). */
const API_ONLY: readonly ScopeGrant[] = [];
const SELF_ROTATION_SCOPES: readonly ScopeGrant[] = [{ name: 'api' }, { name: 'self_rotate' }];

function routesFor(kind: ResourceKind): RouteDefinition[] {
  const base = `/api/v4/${kind}s/:id/access_tokens`;
  return [
    { method: 'GET', path: base, auth: 'required', scopes: API_ONLY, handle: listTokens(kind) },
    { method: 'POST', path: base, auth: 'required', scopes: API_ONLY, handle: createToken(kind) },
    { method: 'GET', path: `${base}/self`, auth: 'required', scopes: API_ONLY, handle: showSelf(kind) },
    { method: 'GET', path: `${base}/:token_id`, auth: 'required', scopes: API_ONLY, handle: showToken(kind) },
    {
      method: 'DELETE',
      path: `${base}/:token_id`,
      auth: 'required',
      scopes: API_ONLY,
      handle: revokeToken(kind),
    },
    {
      method: 'POST',
      path: `${base}/:token_id/rotate`,
      auth: 'required',
      scopes: API_ONLY,
      handle: rotateById(kind),
    },
    {
      method: 'POST',
      path: `${base}/self/rotate`,
      auth: 'required',
      scopes: SELF_ROTATION_SCOPES,
      handle: rotateSelf(kind),
    },
  ];
}

export const resourceAccessTokenRoutes: readonly RouteDefinition[] = [
  ...routesFor('project'),
  ...routesFor('group'),
];
