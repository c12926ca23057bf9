/**
 * The groups, projects and memberships a recorded instance must have had, read off its answers:
 * - every group and project GitLab showed (`GET /groups/:id`, `GET /projects/:id`, a group's `projects`, a
 *   project's `namespace`), and each group's parent, named by `parent_id`, `full_path` and `full_name`;
 * - the caller's memberships: a project's `permissions` tell the caller's direct project level and highest
 *   level in its group, and a group shown with `runners_token` to a non-admin means the caller owns it.
 * The caller of a request is the owner of the last token the recording looked up with `self`, or the
 * instance's root token before any lookup: the same inference the replay makes (see replay.ts).
 */
import { apiPath, isSelfLookup, parseJson, type Recording } from './recordings.js';

export interface RecordedGroup {
  readonly id: number;
  readonly path: string;
  readonly fullPath: string;
  readonly name: string;
  readonly parentId: number | null;
  readonly description: string;
  readonly visibility: 'private' | 'internal' | 'public';
  readonly createdAt: string | undefined;
}

export interface RecordedProject {
  readonly id: number;
  readonly pathWithNamespace: string;
  readonly name: string;
  readonly description: string;
  readonly visibility: 'private' | 'internal' | 'public';
  readonly createdAt: string;
  readonly creatorId: number | null;
  readonly defaultBranch: string;
}

export interface RecordedMembership {
  readonly userId: number;
  readonly target: { readonly group: number } | { readonly project: number };
  readonly accessLevel: number;
}

export interface RecordedNamespaces {
  readonly groups: Map<number, RecordedGroup>;
  readonly projects: Map<number, RecordedProject>;
  readonly memberships: RecordedMembership[];
}

interface NamespaceJson {
  id: number;
  name: string;
  path: string;
  kind?: string;
  full_path: string;
  full_name?: string;
  parent_id: number | null;
  description?: string;
  visibility?: 'private' | 'internal' | 'public';
  created_at?: string;
  runners_token?: string;
  projects?: ProjectJson[];
}

interface ProjectJson {
  id: number;
  name: string;
  description: string | null;
  path_with_namespace: string;
  visibility: 'private' | 'internal' | 'public';
  created_at: string;
  creator_id?: number | null;
  default_branch: string | null;
  namespace: NamespaceJson;
  permissions?: {
    project_access: { access_level: number } | null;
    group_access: { access_level: number } | null;
  };
}

/**
 * `caller(recordedCallerId)`: undefined stands for "the root token's owner, before any `self` lookup";
 * `isAdmin` tells whether a user id is an administrator.
 */
export function recordedNamespaces(
  recordings: readonly Recording[],
  rootUserId: number | undefined,
  isAdmin: (userId: number) => boolean,
): RecordedNamespaces {
  const groups = new Map<number, RecordedGroup>();
  const projects = new Map<number, RecordedProject>();
  const memberships: RecordedMembership[] = [];

  const noteGroup = (group: NamespaceJson) => {
    const known = groups.get(group.id);
    groups.set(group.id, {
      id: group.id,
      path: group.path,
      fullPath: group.full_path,
      name: group.name,
      parentId: group.parent_id,
      description: group.description ?? known?.description ?? '',
      visibility: group.visibility ?? known?.visibility ?? 'private',
      createdAt: group.created_at ?? known?.createdAt,
    });
    // A parent shown only through its child: its path and name are the child's minus the last segment.
    if (group.parent_id !== null && !groups.has(group.parent_id)) {
      const fullPath = group.full_path.split('/').slice(0, -1).join('/');
      const names = group.full_name?.split(' / ') ?? [];
      groups.set(group.parent_id, {
        id: group.parent_id,
        path: fullPath.split('/').at(-1) ?? fullPath,
        fullPath,
        name: names.at(-2) ?? fullPath.split('/').at(-1) ?? fullPath,
        parentId: null,
        description: '',
        visibility: 'private',
        createdAt: undefined,
      });
    }
  };

  const noteProject = (project: ProjectJson) => {
    if (project.namespace.kind === 'group') noteGroup(project.namespace);
    projects.set(project.id, {
      id: project.id,
      pathWithNamespace: project.path_with_namespace,
      name: project.name,
      description: project.description ?? '',
      visibility: project.visibility,
      createdAt: project.created_at,
      creatorId: project.creator_id ?? null,
      defaultBranch: project.default_branch ?? 'main',
    });
  };

  for (const recording of recordings) {
    let caller = rootUserId;
    for (const interaction of recording.interactions) {
      if (interaction.response.code !== 200 || interaction.request.method !== 'GET') continue;
      const path = apiPath(interaction);
      const body = parseJson(interaction.response.body);
      if (isSelfLookup(interaction)) {
        caller = (body as { user_id: number }).user_id;
      } else if (/^\/api\/v4\/groups\/[^/]+$/.test(path)) {
        const group = body as NamespaceJson;
        noteGroup(group);
        for (const project of group.projects ?? []) noteProject(project);
        if (caller !== undefined && !isAdmin(caller) && group.runners_token !== undefined)
          memberships.push({ userId: caller, target: { group: group.id }, accessLevel: 50 });
      } else if (/^\/api\/v4\/projects\/[^/]+$/.test(path)) {
        const project = body as ProjectJson;
        noteProject(project);
        const { project_access: direct, group_access: inGroup } = project.permissions ?? {
          project_access: null,
          group_access: null,
        };
        if (caller !== undefined && direct)
          memberships.push({
            userId: caller,
            target: { project: project.id },
            accessLevel: direct.access_level,
          });
        if (caller !== undefined && inGroup)
          memberships.push({
            userId: caller,
            target: { group: project.namespace.id },
            accessLevel: inGroup.access_level,
          });
      }
    }
  }
  return { groups, projects, memberships };
}
