/**
 * `GET /projects/:id/members/all/:user_id` and `GET /groups/:id/members/all/:user_id` (lib/api/members.rb): a
 * user's effective membership, inherited ones included: the highest of the direct membership and those in the
 * ancestor groups. Someone with no membership there answers 404 "404 Not found" (ActiveRecord::RecordNotFound),
 * administrators included: being an admin is not a membership.
 */
import { memberEntity } from '../entities/member.js';
import { userGroup, userProject } from '../http/find-namespace.js';
import { recordNotFound } from '../http/gitlab-errors.js';
import { ParamReader } from '../http/request-params.js';
import { callerOf, json, type RequestContext, type Reply, type RouteDefinition } from '../http/route.js';
import type { EmuMember } from '../namespaces.js';

function readUserId(ctx: RequestContext): number {
  const reader = new ParamReader(ctx.params);
  const userId = reader.requiredInteger('user_id');
  reader.finish();
  return userId;
}

function present(ctx: RequestContext, membership: EmuMember | undefined): Reply {
  const caller = callerOf(ctx);
  const user = membership && ctx.state.findUser(membership.userId);
  if (!membership || !user) throw recordNotFound();
  const createdBy = membership.createdById === null ? undefined : ctx.state.findUser(membership.createdById);
  return json(200, memberEntity(ctx.baseUrl, membership, user, createdBy, caller.user));
}

function projectMember(ctx: RequestContext): Reply {
  callerOf(ctx);
  const project = userProject(ctx);
  const userId = readUserId(ctx);
  return present(ctx, ctx.state.namespaces.projectMemberships(userId, project)[0]);
}

function groupMember(ctx: RequestContext): Reply {
  callerOf(ctx);
  const group = userGroup(ctx);
  const userId = readUserId(ctx);
  return present(ctx, ctx.state.namespaces.groupMemberships(userId, group)[0]);
}

export const memberRoutes: readonly RouteDefinition[] = [
  {
    method: 'GET',
    path: '/api/v4/projects/:id/members/all/:user_id',
    auth: 'required',
    scopes: [],
    handle: projectMember,
  },
  {
    method: 'GET',
    path: '/api/v4/groups/:id/members/all/:user_id',
    auth: 'required',
    scopes: [],
    handle: groupMember,
  },
];
