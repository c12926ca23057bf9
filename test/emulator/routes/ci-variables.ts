/**
 * Project and group CI/CD variables: list, get, create, update, delete.
 *
 * What GitLab does, read in its source (gitlabhq/gitlabhq; paths are in that repository):
 *
 * Access (lib/api/ci/variables.rb, lib/api/group_variables.rb; app/policies/project_policy.rb, group_policy.rb):
 * - `authenticate!`, then `authorize! :admin_cicd_variables` on the project (Maintainer and up) or the group
 *   (Owner only), both before parameter validation: a missing or invisible project/group is 404 "404 Project Not
 *   Found" / "404 Group Not Found", a visible one without the role is 403 "403 Forbidden". Only the API-wide
 *   scopes apply: `api`, or `read_api` for GETs; otherwise 403 insufficient_scope.
 *
 * Finding one variable (lib/api/helpers/variables_helpers.rb#find_variable, app/finders/ci/variables_finder.rb):
 * - By exact key, narrowed by `filter[environment_scope]` when that is present and not blank. `filter` may come
 *   in the query or in the JSON body (Grape merges both); gitbeaker's `edit` sends it in the body.
 * - More than one match: 409 `{"message":"There are multiple variables with provided parameters. Please use
 *   'filter[environment_scope]'"}`. None: 404 "404 Variable Not Found" (projects), "404 GroupVariable Not Found"
 *   (groups).
 * - Group PUT is different on purpose (MR 136475, kept for compatibility): without `filter` it updates the first
 *   variable with that key in any scope, never 409; with a `filter` that matches nothing it also falls back to
 *   the first variable with that key (Ci::ChangeVariableService#find_variable). Group GET and DELETE read
 *   `filter` although they do not declare it, so they behave like the project endpoints.
 *
 * Writing (app/services/ci/change_variable_service.rb, app/models/ci/variable.rb and its concerns):
 * - POST answers 201; PUT 200; DELETE 204. Grape parameter failures are 400 `{"error":"key is missing, ..."}`;
 *   model failures are 400 with ActiveModel's messages, e.g. `{"message":{"key":["(KEY) has already been
 *   taken"]}}` or `{"message":{"value":["is invalid"]}}` (see ../ci-variables.ts for every rule).
 * - `masked_and_hidden` (create only, 17.4+) makes the variable masked and hidden; a hidden variable's value
 *   reads back as `null` forever. PUT does not accept `masked_and_hidden` (it is ignored) and `hidden` never
 *   changes; changing `masked` on a hidden variable is 400 `{"message":{"base":["The visibility setting cannot
 *   be changed for masked and hidden variables."]}}`. An update of a hidden variable keeps it hidden.
 * - Masking: a masked value must match `^[a-zA-Z0-9_+=/@:.~-]{8,}$`, or `^\S{8,}$` when `raw` (no `$`
 *   expansion); checked on the stored value after every write, also when only `masked` changes.
 * - The group endpoints declare `protected`, `masked`, `raw` and `masked_and_hidden` as Strings, not Booleans:
 *   Grape turns JSON `true`/`false` into "true"/"false", ActiveRecord then reads "0", "f", "F", "false",
 *   "FALSE", "off" and "OFF" as false, blank as nil and any other text as true, and `masked_and_hidden` is only
 *   tested for Ruby truthiness: any value sent, even `false`, makes a group variable masked and hidden.
 * - Environment scopes: default `*`; group variables keep theirs (a Premium feature; the emulator is a licensed
 *   EE instance).
 */
import { ciVariableEntity } from '../entities/ci-variable.js';
import type { StoredVariable, VariableAttributes, VariableOwnerRef, VariableType } from '../ci-variables.js';
import { userGroup, userProject } from '../http/find-namespace.js';
import { conflict, forbidden, notFound } from '../http/gitlab-errors.js';
import { paginate, readPageRequest } from '../http/pagination.js';
import { ParamReader } from '../http/request-params.js';
import {
  callerOf,
  json,
  noContent,
  type Reply,
  type RequestContext,
  type RouteDefinition,
} from '../http/route.js';
import { ACCESS_LEVELS } from '../namespaces.js';

const VARIABLE_TYPES: readonly VariableType[] = ['env_var', 'file'];
const AMBIGUOUS =
  "There are multiple variables with provided parameters. Please use 'filter[environment_scope]'";
/** ActiveModel::Type::Boolean::FALSE_VALUES, as text. */
const ACTIVE_RECORD_FALSE = new Set(['0', 'f', 'F', 'false', 'FALSE', 'off', 'OFF']);

type Changes = Partial<Omit<VariableAttributes, 'key' | 'hidden'>>;

/** What differs between the project and the group endpoints. */
interface VariableResource {
  /** The owner, after GitLab's lookup (404) and role check (403). */
  owner(ctx: RequestContext): VariableOwnerRef;
  readonly notFound: string;
  /** Validates the parameters of GET and DELETE of one variable. */
  readLookup(reader: ParamReader): void;
  readCreate(reader: ParamReader): VariableAttributes;
  readUpdate(reader: ParamReader): Changes;
  /** The variable a PUT changes. */
  findForUpdate(ctx: RequestContext, owner: VariableOwnerRef): StoredVariable | undefined;
}

// --- The endpoints, shared -------------------------------------------------------------------------------------

function listVariables(resource: VariableResource) {
  return (ctx: RequestContext): Reply => {
    const owner = resource.owner(ctx);
    const reader = new ParamReader(ctx.params);
    const pageRequest = readPageRequest(reader);
    reader.finish();
    const page = paginate(ctx, pageRequest, ctx.state.variables.list(owner), {
      id: ctx.pathParams['id'] ?? '',
    });
    return json(200, page.items.map(ciVariableEntity), page.headers);
  };
}

function showVariable(resource: VariableResource) {
  return (ctx: RequestContext): Reply => {
    const owner = resource.owner(ctx);
    const reader = new ParamReader(ctx.params);
    resource.readLookup(reader);
    reader.finish();
    const variable = findVariable(ctx, owner);
    if (!variable) throw notFound(resource.notFound);
    return json(200, ciVariableEntity(variable));
  };
}

function createVariable(resource: VariableResource) {
  return (ctx: RequestContext): Reply => {
    const owner = resource.owner(ctx);
    const reader = new ParamReader(ctx.params);
    const attributes = resource.readCreate(reader);
    reader.finish();
    const result = ctx.state.variables.create(owner, attributes);
    if (!result.saved) return json(400, { message: result.errors });
    return json(201, ciVariableEntity(result.variable));
  };
}

function updateVariable(resource: VariableResource) {
  return (ctx: RequestContext): Reply => {
    const owner = resource.owner(ctx);
    const reader = new ParamReader(ctx.params);
    const changes = resource.readUpdate(reader);
    reader.finish();
    const variable = resource.findForUpdate(ctx, owner);
    if (!variable) throw notFound(resource.notFound);
    const result = ctx.state.variables.update(owner, variable.id, changes);
    if (!result.saved) return json(400, { message: result.errors });
    return json(200, ciVariableEntity(result.variable));
  };
}

function deleteVariable(resource: VariableResource) {
  return (ctx: RequestContext): Reply => {
    const owner = resource.owner(ctx);
    const reader = new ParamReader(ctx.params);
    resource.readLookup(reader);
    reader.finish();
    const variable = findVariable(ctx, owner);
    if (!variable) throw notFound(resource.notFound);
    ctx.state.variables.remove(owner, variable.id);
    return noContent();
  };
}

/** `find_variable`: by key and, when given, `filter[environment_scope]`; several matches are a 409. */
function findVariable(ctx: RequestContext, owner: VariableOwnerRef): StoredVariable | undefined {
  const matches = ctx.state.variables.find(owner, ctx.pathParams['key'] ?? '', filterScope(ctx));
  if (matches.length > 1) throw conflict(AMBIGUOUS);
  return matches[0];
}

/** `params.dig(:filter, :environment_scope)`; the project endpoints have already rejected a non-hash filter. */
function filterScope(ctx: RequestContext): string | undefined {
  const filter = ctx.params['filter'];
  if (filter === null || typeof filter !== 'object' || Array.isArray(filter)) return undefined;
  const scope = (filter as Record<string, unknown>)['environment_scope'];
  return typeof scope === 'string' ? scope : undefined;
}

// --- Projects (Booleans are Booleans) --------------------------------------------------------------------------

const projectVariables: VariableResource = {
  owner(ctx) {
    const caller = callerOf(ctx);
    const project = userProject(ctx);
    if (!ctx.state.namespaces.hasProjectAccess(caller.user, project, ACCESS_LEVELS.maintainer))
      throw forbidden();
    return { kind: 'project', id: project.id };
  },
  notFound: 'Variable',
  readLookup(reader) {
    reader.optionalHash('filter');
  },
  readCreate(reader) {
    const key = reader.requiredString('key');
    const value = reader.requiredString('value');
    const isProtected = reader.optionalBoolean('protected');
    const masked = reader.optionalBoolean('masked');
    const maskedAndHidden = reader.optionalBoolean('masked_and_hidden') ?? false;
    const raw = reader.optionalBoolean('raw');
    const variableType = reader.optionalChoice('variable_type', VARIABLE_TYPES);
    const environmentScope = reader.optionalString('environment_scope');
    const description = reader.optionalString('description');
    return {
      key,
      value,
      masked: maskedAndHidden || (masked ?? false),
      hidden: maskedAndHidden,
      protected: isProtected ?? false,
      environmentScope: environmentScope ?? '*',
      raw: raw ?? false,
      variableType: variableType ?? 'env_var',
      description: description ?? null,
    };
  },
  readUpdate(reader) {
    reader.optionalString('key');
    const changes: Changes = {
      value: reader.optionalString('value'),
      protected: reader.optionalBoolean('protected'),
      masked: reader.optionalBoolean('masked'),
      environmentScope: reader.optionalString('environment_scope'),
      raw: reader.optionalBoolean('raw'),
      variableType: reader.optionalChoice('variable_type', VARIABLE_TYPES),
      description: reader.optionalString('description'),
    };
    reader.optionalHash('filter');
    return withoutUndefined(changes);
  },
  findForUpdate: (ctx, owner) => findVariable(ctx, owner),
};

// --- Groups (Booleans arrive as Strings) -----------------------------------------------------------------------

const groupVariables: VariableResource = {
  owner(ctx) {
    const caller = callerOf(ctx);
    const group = userGroup(ctx);
    if (!ctx.state.namespaces.hasGroupAccess(caller.user, group, ACCESS_LEVELS.owner)) throw forbidden();
    return { kind: 'group', id: group.id };
  },
  notFound: 'GroupVariable',
  // `filter` is not declared here, yet find_variable reads it from the raw params.
  readLookup() {},
  readCreate(reader) {
    const key = reader.requiredString('key');
    const value = reader.requiredString('value');
    const isProtected = castBoolean(reader.optionalString('protected'));
    const maskedAndHidden = reader.optionalString('masked_and_hidden') !== undefined;
    const masked = castBoolean(reader.optionalString('masked'));
    const raw = castBoolean(reader.optionalString('raw'));
    const variableType = reader.optionalChoice('variable_type', VARIABLE_TYPES);
    const environmentScope = reader.optionalString('environment_scope');
    const description = reader.optionalString('description');
    return {
      key,
      value,
      masked: maskedAndHidden ? true : masked === undefined ? false : masked,
      hidden: maskedAndHidden,
      // A blank `protected` would be a NOT NULL violation in GitLab; the emulator keeps the default instead.
      protected: isProtected ?? false,
      environmentScope: environmentScope ?? '*',
      raw: raw === undefined ? false : raw,
      variableType: variableType ?? 'env_var',
      description: description ?? null,
    };
  },
  readUpdate(reader) {
    reader.optionalString('key');
    const isProtected = castBoolean(reader.optionalString('protected'));
    const changes: Changes = {
      value: reader.optionalString('value'),
      protected: isProtected === null ? undefined : isProtected,
      masked: castBoolean(reader.optionalString('masked')),
      raw: castBoolean(reader.optionalString('raw')),
      variableType: reader.optionalChoice('variable_type', VARIABLE_TYPES),
      environmentScope: reader.optionalString('environment_scope'),
      description: reader.optionalString('description'),
    };
    return withoutUndefined(changes);
  },
  findForUpdate(ctx, owner) {
    const filtered = 'filter' in ctx.params ? findVariable(ctx, owner) : undefined;
    return filtered ?? ctx.state.variables.find(owner, ctx.pathParams['key'] ?? '')[0];
  },
};

/** ActiveModel::Type::Boolean on a String parameter: blank is nil, the false words false, anything else true. */
function castBoolean(text: string | undefined): boolean | null | undefined {
  if (text === undefined) return undefined;
  if (text === '') return null;
  return !ACTIVE_RECORD_FALSE.has(text);
}

function withoutUndefined(changes: Changes): Changes {
  return Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
}

function routesFor(base: string, resource: VariableResource): RouteDefinition[] {
  const common = { auth: 'required', scopes: [] } as const;
  return [
    { ...common, method: 'GET', path: base, handle: listVariables(resource) },
    { ...common, method: 'GET', path: `${base}/:key`, handle: showVariable(resource) },
    { ...common, method: 'POST', path: base, handle: createVariable(resource) },
    { ...common, method: 'PUT', path: `${base}/:key`, handle: updateVariable(resource) },
    { ...common, method: 'DELETE', path: `${base}/:key`, handle: deleteVariable(resource) },
  ];
}

export const ciVariableRoutes: readonly RouteDefinition[] = [
  ...routesFor('/api/v4/projects/:id/variables', projectVariables),
  ...routesFor('/api/v4/groups/:id/variables', groupVariables),
];
