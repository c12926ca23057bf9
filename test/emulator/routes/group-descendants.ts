/**
 * What lives below a group: `GET /groups/:id/projects` (lib/api/groups.rb, GroupProjectsFinder) and
 * `GET /groups/:id/descendant_groups` (GroupsFinder with `all_available`), both paginated and limited to what the
 * caller can see. `include_subgroups=true` adds the projects of every subgroup; `simple=true` answers
 * BasicProjectDetails. The emulator sorts by id (GitLab's default is `created_at desc`; nothing here depends on
 * the order). Settings GitLab filters by and the emulator does not model (archived, starred, shared projects) are
 * accepted and ignored.
 */
import { groupDetailEntity } from '../entities/group.js';
import { basicProjectDetailsEntity, projectEntity } from '../entities/project.js';
import { userGroup } from '../http/find-namespace.js';
import { paginate, readPageRequest } from '../http/pagination.js';
import { ParamReader } from '../http/request-params.js';
import { json, type Reply, type RequestContext, type RouteDefinition } from '../http/route.js';
import type { EmuGroup } from '../namespaces.js';

/** Every group below this one, nearest first by id. */
function descendantsOf(ctx: RequestContext, group: EmuGroup): EmuGroup[] {
  const below = (parent: EmuGroup): EmuGroup[] =>
    ctx.state.namespaces
      .allGroups()
      .filter((each) => each.parentId === parent.id)
      .flatMap((child) => [child, ...below(child)]);
  return below(group).sort((a, b) => a.id - b.id);
}

function listProjects(ctx: RequestContext): Reply {
  const group = userGroup(ctx);
  const reader = new ParamReader(ctx.params);
  const includeSubgroups = reader.optionalBoolean('include_subgroups') ?? false;
  const simple = reader.optionalBoolean('simple') ?? false;
  for (const ignored of ['archived', 'with_shared', 'owned', 'starred', 'order_by', 'sort', 'search']) {
    reader.optionalString(ignored);
  }
  const pageRequest = readPageRequest(reader);
  reader.finish();
  const { namespaces } = ctx.state;
  const groups = [group, ...(includeSubgroups ? descendantsOf(ctx, group) : [])];
  const projects = groups
    .flatMap((each) => namespaces.projectsInGroup(each))
    .filter((project) => namespaces.canReadProject(ctx.caller?.user, project))
    .sort((a, b) => a.id - b.id);
  const page = paginate(ctx, pageRequest, projects);
  const view = { state: ctx.state, baseUrl: ctx.baseUrl, viewer: ctx.caller?.user };
  return json(
    200,
    page.items.map((project) =>
      simple ? basicProjectDetailsEntity(view, project) : projectEntity(view, project),
    ),
    page.headers,
  );
}

function listDescendantGroups(ctx: RequestContext): Reply {
  const group = userGroup(ctx);
  const reader = new ParamReader(ctx.params);
  for (const ignored of ['all_available', 'order_by', 'sort', 'search', 'owned', 'min_access_level']) {
    reader.optionalString(ignored);
  }
  const pageRequest = readPageRequest(reader);
  reader.finish();
  const visible = descendantsOf(ctx, group).filter((each) =>
    ctx.state.namespaces.canReadGroup(ctx.caller?.user, each),
  );
  const page = paginate(ctx, pageRequest, visible);
  const view = { state: ctx.state, baseUrl: ctx.baseUrl, viewer: ctx.caller?.user };
  return json(
    200,
    page.items.map((each) => {
      // The Group entity: GroupDetail without its project lists.
      const { projects: _projects, shared_projects: _shared, ...entity } = groupDetailEntity(view, each);
      return entity;
    }),
    page.headers,
  );
}

export const groupDescendantRoutes: readonly RouteDefinition[] = [
  { method: 'GET', path: '/api/v4/groups/:id/projects', auth: 'optional', scopes: [], handle: listProjects },
  {
    method: 'GET',
    path: '/api/v4/groups/:id/descendant_groups',
    auth: 'optional',
    scopes: [],
    handle: listDescendantGroups,
  },
];
