/**
 * `GET /projects/:id` (lib/api/projects.rb): no token needed for a public project; a presented token must be
 * valid. Signed-in callers get ProjectWithAccess (with `permissions`), anonymous ones BasicProjectDetails.
 */
import { projectWithAccessEntity } from '../entities/project.js';
import { userProject } from '../http/find-namespace.js';
import { json, type RequestContext, type Reply, type RouteDefinition } from '../http/route.js';

function showProject(ctx: RequestContext): Reply {
  const project = userProject(ctx);
  const view = { state: ctx.state, baseUrl: ctx.baseUrl, viewer: ctx.caller?.user };
  return json(200, projectWithAccessEntity(view, project));
}

export const projectRoutes: readonly RouteDefinition[] = [
  { method: 'GET', path: '/api/v4/projects/:id', auth: 'optional', scopes: [], handle: showProject },
];
