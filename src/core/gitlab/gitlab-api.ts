/**
 * The GitLab API surface the core uses: the REST client for token endpoints (the token kinds build on it) and CI/CD
 * variables, and users through gitbeaker's `Users` resource (gitbeaker-resources.ts, loaded on the first lookup).
 * One per run, over one request handler: one retry policy, one clock, one connection pool, one credential.
 *
 * Why not everything through gitbeaker: it covers two and a half of the four token kinds (gitlab-client.ts), and
 * its variable update touches the FormData global, which loads undici (about 25 ms of a cold start) for a request
 * this client makes the same way. Why users through it: it is the well-kept client for GitLab's API that the
 * project is designed around, and a lookup by name is plain REST it already does well; its ~370 kB load only on
 * runs that name a user (create, a service account's token, list --user), about 25 ms of CPU once per run, never
 * on `get`, a rotation that is not due, or a self-rotation.
 */
import { gitbeakerResources } from './gitbeaker-resources.js';
import {
  createGitlabClient,
  credentialAwareHandler,
  pathSegment,
  RunCredential,
  type GitlabClient,
} from './gitlab-client.js';
import {
  createRequestHandler,
  GitlabHttpError,
  type RequestEnvironment,
  type RequestHandler,
} from './request.js';

export interface GitlabUser {
  readonly id: number;
  readonly username: string;
  readonly name: string;
  /** Only present when the caller may see it (administrators, or the user themself). */
  readonly isAdmin: boolean | undefined;
  /** Project and group bot users and service accounts. */
  readonly bot: boolean;
}

/** Where a CI/CD variable lives. */
export interface VariableOwner {
  readonly kind: 'project' | 'group';
  /** Numeric id or full path. */
  readonly ref: number | string;
}

export interface CiVariable {
  readonly key: string;
  readonly environmentScope: string;
  readonly protected: boolean;
  readonly masked: boolean;
  readonly hidden: boolean;
  readonly raw: boolean;
  readonly variableType: string;
}

export interface VariableWrite {
  readonly key: string;
  readonly value: string;
  readonly environmentScope: string;
  readonly protected: boolean;
  readonly description?: string;
}

export interface GitlabApi {
  /** The instance URL, for messages. */
  readonly instanceUrl: string;
  /** Token endpoints of every kind, and anything gitbeaker lacks. */
  readonly client: GitlabClient;
  /** The run's credential: a self-rotation replaces it here. */
  readonly credential: RunCredential;
  /** GET /user. */
  currentUser(): Promise<GitlabUser>;
  /** GET /users/:id, or GET /users?username= (exact match); undefined when there is no such user. */
  user(idOrUsername: number | string): Promise<GitlabUser | undefined>;
  /** GET /projects/:id/variables or /groups/:id/variables, every page (needs the role that may also write them). */
  variables(owner: VariableOwner): Promise<CiVariable[]>;
  /**
   * POST, sent once: creates the variable masked and hidden (GitLab 17.4+), so its value can never be shown again.
   * Returns whether GitLab made it hidden (before 17.4 it ignores the request and makes it masked only).
   */
  createHiddenVariable(owner: VariableOwner, variable: VariableWrite): Promise<{ hidden: boolean }>;
  /** PUT (retried): value and protection in place, always masked, in exactly this environment scope. */
  updateVariable(owner: VariableOwner, variable: VariableWrite): Promise<void>;
  /**
   * The groups above a project or group, outermost first, by full path: whose CI/CD variables its jobs inherit
   * (GET /projects/:id or /groups/:id; a project in a user's namespace has none).
   */
  ancestorGroups(owner: VariableOwner): Promise<string[]>;
  /**
   * Every project and subgroup below a group, by full path, every page (GET /groups/:id/projects with
   * include_subgroups, GET /groups/:id/descendant_groups): whose variables override the group's in their jobs.
   */
  descendants(group: number | string): Promise<VariableOwner[]>;
  /**
   * The numeric id of a project or group named by id or full path: a numeric ref is its own id (no request); a path
   * costs GET /projects/:id or /groups/:id once per run, the same read ancestorGroups makes (each answer serves both).
   */
  ownerId(owner: VariableOwner): Promise<number>;
  /** A second API on the same instance and connections with another credential (verification, recovery). */
  withCredential(token: string): GitlabApi;
}

export interface GitlabApiConfig {
  readonly instanceUrl: string;
  readonly token: string;
  readonly environment: RequestEnvironment;
  /** Pages of one list read at once (sync and audit: their concurrency); default 4. */
  readonly pageConcurrency?: number;
}

interface RawVariable {
  key: string;
  environment_scope?: string;
  protected?: boolean;
  masked?: boolean;
  hidden?: boolean;
  raw?: boolean;
  variable_type?: string;
}

/** GET /projects/:id or /groups/:id, the fields read. */
interface RawOwner {
  id?: number;
  /** Groups. */
  full_path?: string;
  /** Projects. */
  namespace?: { kind?: string; full_path?: string };
}

interface RawUser {
  id: number;
  username: string;
  name: string;
  is_admin?: boolean;
  bot?: boolean;
}

function toVariable(raw: RawVariable): CiVariable {
  return {
    key: raw.key,
    environmentScope: raw.environment_scope ?? '*',
    protected: raw.protected === true,
    masked: raw.masked === true,
    hidden: raw.hidden === true,
    raw: raw.raw === true,
    variableType: raw.variable_type ?? 'env_var',
  };
}

function toUser(raw: RawUser): GitlabUser {
  return {
    id: raw.id,
    username: raw.username,
    name: raw.name,
    isAdmin: typeof raw.is_admin === 'boolean' ? raw.is_admin : undefined,
    bot: raw.bot === true,
  };
}

export function createGitlabApi(config: GitlabApiConfig): GitlabApi {
  return apiFor(
    config.instanceUrl,
    new RunCredential(config.token),
    createRequestHandler(config.environment),
    config.pageConcurrency,
  );
}

function apiFor(
  instanceUrl: string,
  credential: RunCredential,
  runHandler: RequestHandler,
  pageConcurrency?: number,
): GitlabApi {
  const client = createGitlabClient({
    instanceUrl,
    credential,
    handler: runHandler,
    ...(pageConcurrency !== undefined ? { pageConcurrency } : {}),
  });
  // Users through gitbeaker's resource, over the same handler and credential (acceptance tracked alike).
  const resources = gitbeakerResources({
    instanceUrl,
    credential,
    handler: credentialAwareHandler(runHandler, credential),
  });
  // One read per project or group and run, whoever asks (ancestorGroups, ownerId); a failed read is not kept.
  const owners = new Map<string, Promise<RawOwner>>();
  const describeOwner = (owner: VariableOwner): Promise<RawOwner> => {
    const key = `${owner.kind}:${String(owner.ref).toLowerCase()}`;
    const known = owners.get(key);
    if (known) return known;
    const read =
      owner.kind === 'project'
        ? client.get<RawOwner>(`projects/${pathSegment(owner.ref)}`)
        : client.get<RawOwner>(`groups/${pathSegment(owner.ref)}`, { with_projects: false });
    owners.set(key, read);
    read.catch(() => {
      if (owners.get(key) === read) owners.delete(key);
    });
    return read;
  };

  return {
    instanceUrl,
    client,
    credential,
    async currentUser() {
      return toUser((await (await resources()).users.showCurrentUser()) as unknown as RawUser);
    },
    async user(idOrUsername) {
      const { users } = await resources();
      if (typeof idOrUsername === 'number') {
        try {
          return toUser((await users.show(idOrUsername)) as unknown as RawUser);
        } catch (error) {
          if (error instanceof GitlabHttpError && error.status === 404) return undefined;
          throw error;
        }
      }
      // GitLab matches username exactly but case-insensitively, and answers a list (of at most one).
      const found = (await users.all({ username: idOrUsername, maxPages: 1 })) as unknown as RawUser[];
      const exact = found.find((user) => user.username.toLowerCase() === idOrUsername.toLowerCase());
      return exact ? toUser(exact) : undefined;
    },
    async variables(owner) {
      // Every page: a key missed on page 2 would be created again beside the one that keeps a dead token. Read by
      // the client rather than gitbeaker's `all`, so that a page that fails says how far the list got.
      const raw = await client.all<RawVariable>(
        `${owner.kind === 'project' ? 'projects' : 'groups'}/${pathSegment(owner.ref)}/variables`,
      );
      return raw.map(toVariable);
    },
    async createHiddenVariable(owner, variable) {
      // gitbeaker's create does not know masked_and_hidden (GitLab 17.4+).
      const created = await client.post<{ hidden?: unknown }>(
        `${owner.kind === 'project' ? 'projects' : 'groups'}/${pathSegment(owner.ref)}/variables`,
        {
          key: variable.key,
          value: variable.value,
          masked_and_hidden: true,
          masked: true,
          protected: variable.protected,
          environment_scope: variable.environmentScope,
          ...(variable.description !== undefined ? { description: variable.description } : {}),
        },
      );
      return { hidden: created?.hidden === true };
    },
    async updateVariable(owner, variable) {
      // Through the client, as the list and the create are, and not gitbeaker's edit: its options handler asks
      // whether every PUT body is a FormData, and touching that global makes Node load undici (about 25 ms and 12 MiB
      // of a cold start) on the very runs that deliver a new token. The same request: JSON, the scope as GitLab's
      // filter[environment_scope].
      await client.put(
        `${owner.kind === 'project' ? 'projects' : 'groups'}/${pathSegment(owner.ref)}/variables/${pathSegment(variable.key)}`,
        {
          value: variable.value,
          masked: true,
          protected: variable.protected,
          filter: { environment_scope: variable.environmentScope },
        },
      );
    },
    async ancestorGroups(owner) {
      const found = await describeOwner(owner);
      const path =
        owner.kind === 'project'
          ? found.namespace?.kind === 'group'
            ? found.namespace.full_path
            : undefined
          : found.full_path?.split('/').slice(0, -1).join('/');
      if (!path) return [];
      const parts = path.split('/');
      return parts.map((_, index) => parts.slice(0, index + 1).join('/'));
    },
    async ownerId(owner) {
      if (typeof owner.ref === 'number') return owner.ref;
      if (/^\d+$/.test(owner.ref)) return Number(owner.ref);
      const { id } = await describeOwner(owner);
      if (typeof id !== 'number') {
        throw new Error(`GitLab described ${owner.kind} ${owner.ref} without its id`);
      }
      return id;
    },
    async descendants(group) {
      const [groups, projects] = await Promise.all([
        client.all<{ full_path: string }>(`groups/${pathSegment(group)}/descendant_groups`),
        client.all<{ path_with_namespace: string }>(`groups/${pathSegment(group)}/projects`, {
          include_subgroups: true,
          simple: true,
        }),
      ]);
      return [
        ...groups.map((each): VariableOwner => ({ kind: 'group', ref: each.full_path })),
        ...projects.map((each): VariableOwner => ({ kind: 'project', ref: each.path_with_namespace })),
      ];
    },
    withCredential(token) {
      return apiFor(instanceUrl, new RunCredential(token), runHandler, pageConcurrency);
    },
  };
}
