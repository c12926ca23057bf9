/**
 * Users (lib/api/users.rb): the current user, a user by id or username, and the user list with the filters the
 * product uses. Reading needs no token (public profiles), but a presented token must be valid; admins see the
 * admin entities.
 */
import {
  userBasicEntity,
  userDetailsWithAdminEntity,
  userEntity,
  userPublicEntity,
  userWithAdminEntity,
} from '../entities/user.js';
import { forbidden, notFound } from '../http/gitlab-errors.js';
import { paginate, readPageRequest } from '../http/pagination.js';
import { ParamReader } from '../http/request-params.js';
import {
  callerOf,
  json,
  noContent,
  type RequestContext,
  type RouteDefinition,
  type ScopeGrant,
} from '../http/route.js';
import type { EmuUser } from '../state.js';

const scopes: readonly ScopeGrant[] = [{ name: 'read_user', readOnly: true }];

/** Declared defaults of `GET /users`, which GitLab repeats in its Link URLs. */
const LIST_DEFAULTS: Readonly<Record<string, string>> = {
  active: 'false',
  admins: 'false',
  auditors: 'false',
  blocked: 'false',
  exclude_active: 'false',
  exclude_external: 'false',
  exclude_humans: 'false',
  exclude_internal: 'false',
  external: 'false',
  humans: 'false',
  order_by: 'id',
  skip_ldap: 'false',
  sort: 'desc',
  with_custom_attributes: 'false',
  without_project_bots: 'false',
  without_projects: 'false',
};

function isAdminCaller(ctx: RequestContext): boolean {
  return ctx.caller?.user.admin ?? false;
}

function currentUser(ctx: RequestContext) {
  const { user } = callerOf(ctx);
  const body = user.admin
    ? userWithAdminEntity(ctx.state, ctx.baseUrl, user, user)
    : userPublicEntity(ctx.baseUrl, user, user);
  return json(200, body);
}

function listUsers(ctx: RequestContext) {
  const reader = new ParamReader(ctx.params);
  const username = reader.optionalString('username');
  const search = reader.optionalString('search');
  const active = reader.optionalBoolean('active');
  const blocked = reader.optionalBoolean('blocked');
  const pageRequest = readPageRequest(reader);
  reader.finish();

  let users: EmuUser[] = ctx.state.allUsers().reverse();
  if (username !== undefined)
    users = users.filter((user) => user.username.toLowerCase() === username.toLowerCase());
  if (search !== undefined && search !== '') {
    const needle = search.toLowerCase();
    users = users.filter((user) =>
      [user.username, user.name, user.email].some((field) => field.toLowerCase().includes(needle)),
    );
  }
  if (active) users = users.filter((user) => user.state === 'active');
  if (blocked) users = users.filter((user) => user.state === 'blocked');

  const page = paginate(ctx, pageRequest, users, LIST_DEFAULTS);
  const admin = isAdminCaller(ctx);
  const body = page.items.map((user) =>
    admin
      ? userWithAdminEntity(ctx.state, ctx.baseUrl, user, ctx.caller?.user)
      : userBasicEntity(ctx.baseUrl, user),
  );
  return json(200, body, page.headers);
}

function showUser(ctx: RequestContext) {
  const user = ctx.state.findUser(ctx.pathParams['id'] ?? '');
  if (!user) throw notFound('User');
  const body = isAdminCaller(ctx)
    ? userDetailsWithAdminEntity(ctx.state, ctx.baseUrl, user, ctx.caller?.user)
    : userEntity(ctx.baseUrl, user, ctx.caller?.user);
  return json(200, body);
}

/**
 * `DELETE /users/:id` (administrators): 403 "403 Forbidden" for others, 404 "404 User Not Found", else 204. GitLab
 * deletes in the background (DeleteUserWorker); the emulator deletes at once, with the user's tokens.
 */
function deleteUser(ctx: RequestContext) {
  if (!callerOf(ctx).user.admin) throw forbidden();
  const user = ctx.state.findUser(ctx.pathParams['id'] ?? '');
  if (!user) throw notFound('User');
  ctx.state.deleteUser(user.id);
  return noContent();
}

export const userRoutes: readonly RouteDefinition[] = [
  { method: 'GET', path: '/api/v4/user', auth: 'required', scopes, handle: currentUser },
  { method: 'GET', path: '/api/v4/users', auth: 'optional', scopes, handle: listUsers },
  { method: 'GET', path: '/api/v4/users/:id', auth: 'optional', scopes, handle: showUser },
  { method: 'DELETE', path: '/api/v4/users/:id', auth: 'required', scopes: [], handle: deleteUser },
];
