/**
 * `GET /groups/:id` (lib/api/groups.rb): an id or URL-encoded full path; GroupDetail with the group's projects.
 * No token needed for a public group; a presented token must be valid.
 */
import { groupDetailEntity } from '../entities/group.js';
import { userGroup } from '../http/find-namespace.js';
import { ParamReader } from '../http/request-params.js';
import { json, type RequestContext, type Reply, type RouteDefinition } from '../http/route.js';

function showGroup(ctx: RequestContext): Reply {
  const group = userGroup(ctx);
  const reader = new ParamReader(ctx.params);
  const withProjects = reader.optionalBoolean('with_projects') ?? true;
  reader.finish();
  const view = { state: ctx.state, baseUrl: ctx.baseUrl, viewer: ctx.caller?.user };
  const body = groupDetailEntity(view, group);
  if (!withProjects) {
    delete body['projects'];
    delete body['shared_projects'];
  }
  return json(200, body);
}

export const groupRoutes: readonly RouteDefinition[] = [
  { method: 'GET', path: '/api/v4/groups/:id', auth: 'optional', scopes: [], handle: showGroup },
];
