/**
 * Groups, projects and memberships, and the access rules GitLab derives from them (app/policies/group_policy.rb,
 * app/policies/project_policy.rb, app/models/members/*): membership is inherited down the group tree, a
 * project's members include the members of its namespace group and that group's ancestors, and the highest
 * level wins. Administrators may do everything (self-managed without admin mode).
 */
import { randomBytes } from 'node:crypto';

/** Gitlab::Access: the levels a membership can have. */
export const ACCESS_LEVELS = {
  minimal: 5,
  guest: 10,
  planner: 15,
  reporter: 20,
  developer: 30,
  maintainer: 40,
  owner: 50,
} as const;

const VALID_ACCESS_LEVELS: readonly number[] = Object.values(ACCESS_LEVELS);

export type Visibility = 'private' | 'internal' | 'public';

export interface EmuMember {
  readonly userId: number;
  readonly accessLevel: number;
  readonly createdAt: string;
  readonly createdById: number | null;
  readonly expiresAt: string | null;
}

export interface EmuGroup {
  readonly id: number;
  readonly name: string;
  readonly path: string;
  /** `parent/child`: the parent's full path, a slash, then `path`. */
  readonly fullPath: string;
  readonly parentId: number | null;
  readonly description: string;
  readonly visibility: Visibility;
  readonly createdAt: string;
  readonly runnersToken: string;
  /** Direct memberships only; see NamespaceDirectory.groupAccess for the effective level. */
  readonly members: readonly EmuMember[];
}

/** A project lives in a group, or in a user's personal namespace. */
export type ProjectNamespace =
  { readonly kind: 'group'; readonly groupId: number } | { readonly kind: 'user'; readonly userId: number };

export interface EmuProject {
  readonly id: number;
  readonly name: string;
  readonly path: string;
  /** `group/sub/app`. */
  readonly pathWithNamespace: string;
  readonly namespace: ProjectNamespace;
  readonly description: string;
  readonly visibility: Visibility;
  readonly createdAt: string;
  readonly creatorId: number | null;
  readonly defaultBranch: string;
  readonly runnersToken: string;
  readonly members: readonly EmuMember[];
}

export interface MemberSpec {
  user: string | number;
  accessLevel: number;
}

export interface AddGroupSpec {
  path: string;
  /** Explicit id; later automatic ids continue after the highest one. */
  id?: number;
  /** Default: the path. */
  name?: string;
  /** The parent group, by id or full path. */
  parent?: string | number;
  members?: readonly MemberSpec[];
  description?: string;
  /** Default: private. */
  visibility?: Visibility;
  createdAt?: string;
}

export interface AddProjectSpec {
  /**
   * The full path, `group/sub/app`. A namespace that does not exist yet is created as (nested) groups, unless it
   * is a single segment naming a user: then the project is that user's personal project, owned by them.
   */
  path: string;
  id?: number;
  /** Default: the last path segment. */
  name?: string;
  members?: readonly MemberSpec[];
  description?: string;
  visibility?: Visibility;
  createdAt?: string;
  /** Who created it (id or username); default: the personal namespace's owner, else the first member given. */
  creator?: string | number;
  defaultBranch?: string;
}

/** Who is asking, as far as access is concerned. */
export interface Actor {
  readonly id: number;
  readonly admin: boolean;
}

/** A group or project named by id or (case-insensitive) full path, as in a control-API call. */
export type MembershipTarget = { project: string | number } | { group: string | number };

/** A project or group by kind and id: what a bot token belongs to, or which namespace owns a service account. */
export interface ResourceRef {
  readonly kind: 'project' | 'group';
  readonly id: number;
}

/** What deleting a group took with it: the group, its subgroups and every project in them. */
export interface DeletedNamespaces {
  readonly groups: readonly EmuGroup[];
  readonly projects: readonly EmuProject[];
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer U)[] ? U[] : T[K] };
type MutableGroup = Mutable<EmuGroup>;
type MutableProject = Mutable<EmuProject>;

/** What the directory needs to know of users, without depending on the user store. */
export interface UserLookup {
  findUser(idOrUsername: string | number): { readonly id: number; readonly username: string } | undefined;
  namespaceIdOf(userId: number): number | undefined;
}

export class NamespaceDirectory {
  private readonly groups = new Map<number, MutableGroup>();
  private readonly projects = new Map<number, MutableProject>();
  private nextNamespaceId = 1;
  private nextProjectId = 1;

  constructor(
    private readonly now: () => Date,
    private readonly users: UserLookup,
  ) {}

  /** Namespace ids are shared by groups and users' personal namespaces, as in GitLab. */
  claimNamespaceId(): number {
    return this.nextNamespaceId++;
  }

  addGroup(spec: AddGroupSpec): EmuGroup {
    validatePathSegment(spec.path, 'addGroup');
    const parent = spec.parent === undefined ? undefined : this.liveGroup(spec.parent);
    if (spec.parent !== undefined && !parent)
      throw new Error(`addGroup: no parent group ${String(spec.parent)}`);
    const fullPath = parent ? `${parent.fullPath}/${spec.path}` : spec.path;
    if (this.findNamespaceByPath(fullPath) || (!parent && this.personalNamespaceOwner(spec.path))) {
      throw new Error(`addGroup: the path ${fullPath} is taken`);
    }
    const id = claimId(spec.id, this.groups, 'group', () => this.nextNamespaceId);
    this.nextNamespaceId = Math.max(this.nextNamespaceId, id + 1);
    const group: MutableGroup = {
      id,
      name: spec.name ?? spec.path,
      path: spec.path,
      fullPath,
      parentId: parent?.id ?? null,
      description: spec.description ?? '',
      visibility: spec.visibility ?? 'private',
      createdAt: spec.createdAt ?? this.now().toISOString(),
      runnersToken: runnersToken(),
      members: [],
    };
    this.groups.set(id, group);
    for (const member of spec.members ?? []) this.addMember({ group: id }, member.user, member.accessLevel);
    return snapshotGroup(group);
  }

  addProject(spec: AddProjectSpec): EmuProject {
    const segments = spec.path.split('/');
    const path = segments.pop() ?? '';
    validatePathSegment(path, 'addProject');
    if (segments.length === 0)
      throw new Error(`addProject: ${spec.path} needs a namespace, e.g. group/${spec.path}`);
    const namespacePath = segments.join('/');
    if (this.findProjectByPath(spec.path) || this.findNamespaceByPath(spec.path)) {
      throw new Error(`addProject: the path ${spec.path} is taken`);
    }
    const namespace = this.projectNamespaceFor(namespacePath);
    const id = claimId(spec.id, this.projects, 'project', () => this.nextProjectId);
    this.nextProjectId = Math.max(this.nextProjectId, id + 1);
    const creator = spec.creator === undefined ? undefined : this.users.findUser(spec.creator);
    if (spec.creator !== undefined && !creator)
      throw new Error(`addProject: no user ${String(spec.creator)}`);
    const firstMember =
      spec.members?.[0] === undefined ? undefined : this.users.findUser(spec.members[0].user);
    const project: MutableProject = {
      id,
      name: spec.name ?? path,
      path,
      pathWithNamespace: `${namespacePath}/${path}`,
      namespace,
      description: spec.description ?? '',
      visibility: spec.visibility ?? 'private',
      createdAt: spec.createdAt ?? this.now().toISOString(),
      creatorId: creator?.id ?? (namespace.kind === 'user' ? namespace.userId : (firstMember?.id ?? null)),
      defaultBranch: spec.defaultBranch ?? 'main',
      runnersToken: runnersToken(),
      members: [],
    };
    this.projects.set(id, project);
    // GitLab makes the owner of a personal namespace an Owner member of each project in it.
    if (namespace.kind === 'user') this.addMember({ project: id }, namespace.userId, ACCESS_LEVELS.owner);
    for (const member of spec.members ?? []) this.addMember({ project: id }, member.user, member.accessLevel);
    return snapshotProject(project);
  }

  /** Adds a direct membership, or changes the level of an existing one. */
  addMember(target: MembershipTarget, user: string | number, accessLevel: number): void {
    if (!VALID_ACCESS_LEVELS.includes(accessLevel)) {
      throw new Error(`addMember: ${accessLevel} is not an access level (${VALID_ACCESS_LEVELS.join(', ')})`);
    }
    const member = this.users.findUser(user);
    if (!member) throw new Error(`addMember: no user ${String(user)}`);
    const source = 'project' in target ? this.liveProject(target.project) : this.liveGroup(target.group);
    if (!source) throw new Error(`addMember: no ${describeTarget(target)}`);
    const existing = source.members.find((candidate) => candidate.userId === member.id);
    if (existing) {
      source.members = source.members.map((candidate) =>
        candidate === existing ? { ...candidate, accessLevel } : candidate,
      );
      return;
    }
    source.members.push({
      userId: member.id,
      accessLevel,
      createdAt: this.now().toISOString(),
      createdById: null,
      expiresAt: null,
    });
  }

  /** A user's own membership of exactly this project or group (not an inherited one). */
  directMember(resource: ResourceRef, userId: number): EmuMember | undefined {
    const source =
      resource.kind === 'project' ? this.projects.get(resource.id) : this.groups.get(resource.id);
    const member = source?.members.find((candidate) => candidate.userId === userId);
    return member && { ...member };
  }

  /** A deleted user leaves no memberships behind. */
  removeMemberships(userId: number): void {
    for (const source of [...this.groups.values(), ...this.projects.values()]) {
      source.members = source.members.filter((member) => member.userId !== userId);
    }
  }

  /** Removes a project at once (GitLab's delayed deletion has run its course); returns what it was. */
  deleteProject(idOrPath: string | number): EmuProject {
    const project = this.liveProject(idOrPath);
    if (!project) throw new Error(`deleteProject: no project ${String(idOrPath)}`);
    this.projects.delete(project.id);
    return snapshotProject(project);
  }

  /** Removes a group with its subgroups and every project in them. */
  deleteGroup(idOrPath: string | number): DeletedNamespaces {
    const group = this.liveGroup(idOrPath);
    if (!group) throw new Error(`deleteGroup: no group ${String(idOrPath)}`);
    const inside = (candidate: EmuGroup) => this.groupChain(candidate).some((link) => link.id === group.id);
    const groups = [...this.groups.values()].filter(inside).map(snapshotGroup);
    const projects = [...this.projects.values()]
      .filter((project) => {
        const home = this.projectGroup(project);
        return home !== undefined && inside(home);
      })
      .map(snapshotProject);
    for (const project of projects) this.projects.delete(project.id);
    for (const removed of groups) this.groups.delete(removed.id);
    return { groups, projects };
  }

  /** By id (digits) or full path, ignoring case like GitLab's `find_by_full_path`. */
  findGroup(idOrPath: string | number): EmuGroup | undefined {
    const group = this.liveGroup(idOrPath);
    return group && snapshotGroup(group);
  }

  findProject(idOrPath: string | number): EmuProject | undefined {
    const project = this.liveProject(idOrPath);
    return project && snapshotProject(project);
  }

  /** GitLab's `find_project`: digits are an id, a path needs a slash; anything else finds nothing. */
  findProjectForApi(id: string): EmuProject | undefined {
    if (/^-?\d+$/.test(id)) return this.findProject(Number(id));
    return id.includes('/') ? this.findProject(id) : undefined;
  }

  allGroups(): EmuGroup[] {
    return [...this.groups.values()].sort((a, b) => a.id - b.id).map(snapshotGroup);
  }

  allProjects(): EmuProject[] {
    return [...this.projects.values()].sort((a, b) => a.id - b.id).map(snapshotProject);
  }

  /** The group and its ancestors, nearest first. */
  groupChain(group: EmuGroup): EmuGroup[] {
    const chain: EmuGroup[] = [];
    for (let current: EmuGroup | undefined = group; current;) {
      chain.push(current);
      current = current.parentId === null ? undefined : this.findGroup(current.parentId);
    }
    return chain;
  }

  /** The group a project lives in, if it is not a personal project. */
  projectGroup(project: EmuProject): EmuGroup | undefined {
    return project.namespace.kind === 'group' ? this.findGroup(project.namespace.groupId) : undefined;
  }

  /** Projects directly in this group (not in its subgroups), by id. */
  projectsInGroup(group: EmuGroup): EmuProject[] {
    return this.allProjects().filter(
      (project) => project.namespace.kind === 'group' && project.namespace.groupId === group.id,
    );
  }

  /** The namespace id a project's `namespace` object shows. */
  namespaceIdOf(project: EmuProject): number {
    if (project.namespace.kind === 'group') return project.namespace.groupId;
    return this.users.namespaceIdOf(project.namespace.userId) ?? 0;
  }

  /** The highest membership in the group or its ancestors (`max_member_access_for_group`); undefined if none. */
  highestGroupMember(userId: number, group: EmuGroup): EmuMember | undefined {
    return highest(this.groupChain(group).flatMap((link) => link.members.filter((m) => m.userId === userId)));
  }

  /** Every membership that gives the user access to the project, highest first (`members/all`). */
  projectMemberships(userId: number, project: EmuProject): EmuMember[] {
    const group = this.projectGroup(project);
    const inherited = group ? this.groupChain(group).flatMap((link) => link.members) : [];
    return [...project.members, ...inherited]
      .filter((member) => member.userId === userId)
      .sort((a, b) => b.accessLevel - a.accessLevel);
  }

  /** Every membership that gives the user access to the group, highest first. */
  groupMemberships(userId: number, group: EmuGroup): EmuMember[] {
    return this.groupChain(group)
      .flatMap((link) => link.members)
      .filter((member) => member.userId === userId)
      .sort((a, b) => b.accessLevel - a.accessLevel);
  }

  groupAccess(actor: Actor | undefined, group: EmuGroup): number {
    if (!actor) return 0;
    return this.groupMemberships(actor.id, group)[0]?.accessLevel ?? 0;
  }

  projectAccess(actor: Actor | undefined, project: EmuProject): number {
    if (!actor) return 0;
    return this.projectMemberships(actor.id, project)[0]?.accessLevel ?? 0;
  }

  /**
   * `read_group`: admins, public groups, internal groups for signed-in users, members (minimal access included)
   * of the group or an ancestor, and members of anything inside it (GitLab shows a group to whoever can see one
   * of its subgroups or projects).
   */
  canReadGroup(actor: Actor | undefined, group: EmuGroup): boolean {
    if (actor?.admin || group.visibility === 'public') return true;
    if (!actor) return false;
    if (group.visibility === 'internal') return true;
    if (this.groupAccess(actor, group) > 0) return true;
    return this.hasAccessInside(actor, group);
  }

  /** `read_project`: admins, public projects, internal ones for signed-in users, guests and above. */
  canReadProject(actor: Actor | undefined, project: EmuProject): boolean {
    if (actor?.admin || project.visibility === 'public') return true;
    if (!actor) return false;
    if (project.visibility === 'internal') return true;
    return this.projectAccess(actor, project) >= ACCESS_LEVELS.guest;
  }

  /** At least this level on the project (admins always). */
  hasProjectAccess(actor: Actor | undefined, project: EmuProject, level: number): boolean {
    return (actor?.admin ?? false) || this.projectAccess(actor, project) >= level;
  }

  hasGroupAccess(actor: Actor | undefined, group: EmuGroup, level: number): boolean {
    return (actor?.admin ?? false) || this.groupAccess(actor, group) >= level;
  }

  private hasAccessInside(actor: Actor, group: EmuGroup): boolean {
    const inside = (candidate: EmuGroup) => this.groupChain(candidate).some((link) => link.id === group.id);
    for (const other of this.groups.values()) {
      if (other.id !== group.id && inside(other) && other.members.some((m) => m.userId === actor.id))
        return true;
    }
    for (const project of this.projects.values()) {
      const home = this.projectGroup(project);
      if (home && inside(home) && project.members.some((m) => m.userId === actor.id)) return true;
    }
    return false;
  }

  private projectNamespaceFor(namespacePath: string): ProjectNamespace {
    const group = this.findNamespaceByPath(namespacePath);
    if (group) return { kind: 'group', groupId: group.id };
    if (!namespacePath.includes('/')) {
      const owner = this.personalNamespaceOwner(namespacePath);
      if (owner) return { kind: 'user', userId: owner.id };
    }
    // Create the missing groups along the path, each inside the previous one.
    let parent: MutableGroup | undefined;
    for (const segment of namespacePath.split('/')) {
      const fullPath = parent ? `${parent.fullPath}/${segment}` : segment;
      const existing = this.findNamespaceByPath(fullPath);
      if (existing) {
        parent = existing;
        continue;
      }
      if (!parent && this.personalNamespaceOwner(segment)) {
        throw new Error(`addProject: ${segment} is a user's personal namespace, which has no subgroups`);
      }
      const created = this.addGroup({ path: segment, ...(parent ? { parent: parent.id } : {}) });
      parent = this.groups.get(created.id);
    }
    if (!parent) throw new Error(`addProject: no namespace ${namespacePath}`);
    return { kind: 'group', groupId: parent.id };
  }

  /** The user whose personal namespace has this path (their username). */
  private personalNamespaceOwner(path: string): { readonly id: number } | undefined {
    const user = /^\d+$/.test(path) ? undefined : this.users.findUser(path);
    return user && user.username.toLowerCase() === path.toLowerCase() ? user : undefined;
  }

  private findNamespaceByPath(fullPath: string): MutableGroup | undefined {
    const wanted = fullPath.toLowerCase();
    for (const group of this.groups.values()) if (group.fullPath.toLowerCase() === wanted) return group;
    return undefined;
  }

  private findProjectByPath(fullPath: string): MutableProject | undefined {
    const wanted = fullPath.toLowerCase();
    for (const project of this.projects.values())
      if (project.pathWithNamespace.toLowerCase() === wanted) return project;
    return undefined;
  }

  private liveGroup(idOrPath: string | number): MutableGroup | undefined {
    if (typeof idOrPath === 'number') return this.groups.get(idOrPath);
    if (/^\d+$/.test(idOrPath)) return this.groups.get(Number(idOrPath));
    return this.findNamespaceByPath(idOrPath);
  }

  private liveProject(idOrPath: string | number): MutableProject | undefined {
    if (typeof idOrPath === 'number') return this.projects.get(idOrPath);
    if (/^\d+$/.test(idOrPath)) return this.projects.get(Number(idOrPath));
    return this.findProjectByPath(idOrPath);
  }
}

export function describeTarget(target: MembershipTarget): string {
  return 'project' in target ? `project ${String(target.project)}` : `group ${String(target.group)}`;
}

function highest(members: readonly EmuMember[]): EmuMember | undefined {
  return [...members].sort((a, b) => b.accessLevel - a.accessLevel)[0];
}

function validatePathSegment(path: string, what: string): void {
  if (!/^[a-zA-Z0-9_.][a-zA-Z0-9_.-]*$/.test(path)) {
    throw new Error(`${what}: "${path}" is not a valid path segment (letters, digits, '_', '-', '.')`);
  }
}

function claimId(
  explicit: number | undefined,
  taken: Map<number, unknown>,
  what: string,
  next: () => number,
): number {
  if (explicit === undefined) {
    let id = next();
    while (taken.has(id)) id += 1;
    return id;
  }
  if (!Number.isInteger(explicit) || explicit < 1) throw new Error(`A ${what} id must be a positive integer`);
  if (taken.has(explicit)) throw new Error(`A ${what} with id ${explicit} already exists`);
  return explicit;
}

/** GitLab's runner registration tokens: `GR1348941` and 20 random characters. */
function runnersToken(): string {
  return `GR1348941${randomBytes(15).toString('base64url')}`;
}

function snapshotGroup(group: MutableGroup): EmuGroup {
  return { ...group, members: group.members.map((member) => ({ ...member })) };
}

function snapshotProject(project: MutableProject): EmuProject {
  return {
    ...project,
    namespace: { ...project.namespace },
    members: project.members.map((member) => ({ ...member })),
  };
}
