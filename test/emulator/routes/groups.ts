/**
 * `GET /groups/:id` (lib/api/groups.rb): an id or URL-encoded full path; GroupDetail with the group's projects.
 * No token needed for a public group; a presented token must be valid.
 */
import { groupDetailEntity } from '../entities/group.js';
import { projectEntity } from '../entities/project.js';
import { paginate, readPageRequest } from '../http/pagination.js';
import type { EmuGroup } from '../namespaces.js';
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

/**
 * `GET /groups` (GroupsFinder): the groups the caller can see (administrators: all), or with `min_access_level` those
 * where the caller's effective level (inherited included) is at least that. Answers a short Group entity.
 */
function listGroups(ctx: RequestContext): Reply {
  const viewer = ctx.caller?.user;
  const reader = new ParamReader(ctx.params);
  const min = reader.optionalInteger('min_access_level');
  const pageRequest = readPageRequest(reader);
  reader.finish();
  const { namespaces } = ctx.state;
  const groups = namespaces
    .allGroups()
    .filter((group) =>
      min === undefined
        ? namespaces.canReadGroup(viewer, group)
        : viewer !== undefined && namespaces.groupAccess(viewer, group) >= min,
    );
  const page = paginate(ctx, pageRequest, groups);
  return json(200, page.items.map(shortGroupEntity), page.headers);
}

function shortGroupEntity(group: EmuGroup): Record<string, unknown> {
  return {
    id: group.id,
    name: group.name,
    path: group.path,
    full_path: group.fullPath,
    parent_id: group.parentId,
    visibility: group.visibility,
  };
}

/** `GET /groups/:id/projects` (GroupProjectsFinder): the group's projects the caller can see; `include_subgroups`. */
function listGroupProjects(ctx: RequestContext): Reply {
  const group = userGroup(ctx);
  const reader = new ParamReader(ctx.params);
  const withSubgroups = reader.optionalBoolean('include_subgroups') ?? false;
  reader.optionalBoolean('simple');
  const pageRequest = readPageRequest(reader);
  reader.finish();
  const { namespaces } = ctx.state;
  const groups = withSubgroups
    ? namespaces.allGroups().filter((each) => namespaces.groupChain(each).some((up) => up.id === group.id))
    : [group];
  const view = { state: ctx.state, baseUrl: ctx.baseUrl, viewer: ctx.caller?.user };
  const projects = groups
    .flatMap((each) => namespaces.projectsInGroup(each))
    .filter((project) => namespaces.canReadProject(view.viewer, project))
    .sort((a, b) => a.id - b.id);
  const page = paginate(ctx, pageRequest, projects);
  return json(
    200,
    page.items.map((project) => projectEntity(view, project)),
    page.headers,
  );
}

export const groupRoutes: readonly RouteDefinition[] = [
  { method: 'GET', path: '/api/v4/groups', auth: 'optional', scopes: [], handle: listGroups },
  { method: 'GET', path: '/api/v4/groups/:id', auth: 'optional', scopes: [], handle: showGroup },
  {
    method: 'GET',
    path: '/api/v4/groups/:id/projects',
    auth: 'optional',
    scopes: [],
    handle: listGroupProjects,
  },
];
