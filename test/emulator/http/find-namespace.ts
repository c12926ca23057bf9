/**
 * GitLab's `user_project` and `user_group` helpers (lib/api/helpers.rb, find_project! and find_group!): the
 * `:id` path parameter is an id or a URL-encoded full path; a project or group that does not exist, or that the
 * caller may not see, is the same 404, so nobody learns a private path exists.
 */
import type { EmuGroup, EmuProject } from '../namespaces.js';
import { notFound } from './gitlab-errors.js';
import type { RequestContext } from './route.js';

export function userProject(ctx: RequestContext): EmuProject {
  const project = ctx.state.namespaces.findProjectForApi(ctx.pathParams['id'] ?? '');
  if (!project || !ctx.state.namespaces.canReadProject(ctx.caller?.user, project)) throw notFound('Project');
  return project;
}

export function userGroup(ctx: RequestContext): EmuGroup {
  const group = ctx.state.namespaces.findGroup(ctx.pathParams['id'] ?? '');
  if (!group || !ctx.state.namespaces.canReadGroup(ctx.caller?.user, group)) throw notFound('Group');
  return group;
}
