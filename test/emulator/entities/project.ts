/**
 * Project entities as GitLab 19.0.2 answers them (field order and types from test/conformance/recordings;
 * conditions from lib/api/entities/project.rb and basic_project_details.rb):
 * - BasicProjectDetails (anonymous callers) ends with `namespace`;
 * - Project adds the rest; its import and CI/CD settings (import_url ... runners_token) only for callers who
 *   may administer the project (Maintainer+, admins), `service_desk_address` for Reporter+, `ci_config_path`
 *   for those who can read the code, `repository_storage` for admins;
 * - ProjectWithAccess (a signed-in caller's `GET /projects/:id`) adds `permissions`, and `import_error` for
 *   Maintainer+.
 * Settings the emulator does not model hold the defaults of a fresh project.
 */
import { createHash } from 'node:crypto';
import { ACCESS_LEVELS, type EmuMember, type EmuProject } from '../namespaces.js';
import type { EmulatorState, EmuUser } from '../state.js';
import { userBasicEntity } from './user.js';

export interface ProjectView {
  readonly state: EmulatorState;
  readonly baseUrl: string;
  /** Who is looking; undefined for an anonymous request. */
  readonly viewer: EmuUser | undefined;
}

/** What `GET /projects/:id` answers this viewer. */
export function projectWithAccessEntity(view: ProjectView, project: EmuProject): Record<string, unknown> {
  if (!view.viewer) return basicProjectDetailsEntity(view, project);
  const canAdmin = view.state.namespaces.hasProjectAccess(view.viewer, project, ACCESS_LEVELS.maintainer);
  return {
    ...projectEntity(view, project, { showImportError: canAdmin }),
    permissions: {
      project_access: accessEntity(project.members.find((member) => member.userId === view.viewer?.id)),
      group_access: accessEntity(groupMembership(view, project)),
    },
  };
}

export function basicProjectDetailsEntity(view: ProjectView, project: EmuProject): Record<string, unknown> {
  const url = new URL(view.baseUrl);
  const webUrl = `${view.baseUrl}/${project.pathWithNamespace}`;
  return {
    id: project.id,
    description: project.description,
    name: project.name,
    name_with_namespace: nameWithNamespace(view, project),
    path: project.path,
    path_with_namespace: project.pathWithNamespace,
    created_at: project.createdAt,
    default_branch: project.defaultBranch,
    tag_list: [],
    topics: [],
    ssh_url_to_repo: `ssh://git@${url.hostname}:2222/${project.pathWithNamespace}.git`,
    http_url_to_repo: `${webUrl}.git`,
    web_url: webUrl,
    readme_url: null,
    forks_count: 0,
    avatar_url: null,
    star_count: 0,
    last_activity_at: project.createdAt,
    visibility: project.visibility,
    namespace: namespaceEntity(view, project),
    ...(view.viewer?.admin ? { repository_storage: 'default' } : {}),
  };
}

/** API::Entities::Project: also what a group's `projects` list holds (without `import_error`). */
export function projectEntity(
  view: ProjectView,
  project: EmuProject,
  options: { showImportError?: boolean } = {},
): Record<string, unknown> {
  const { namespaces } = view.state;
  const api = `${view.baseUrl}/api/v4/projects/${project.id}`;
  const canAdmin = namespaces.hasProjectAccess(view.viewer, project, ACCESS_LEVELS.maintainer);
  const isReporter = namespaces.hasProjectAccess(view.viewer, project, ACCESS_LEVELS.reporter);
  const canReadCode = isReporter || (view.viewer !== undefined && project.visibility !== 'private');
  const owner = project.namespace.kind === 'user' ? view.state.findUser(project.namespace.userId) : undefined;
  return {
    ...basicProjectDetailsEntity(view, project),
    _links: {
      self: api,
      issues: `${api}/issues`,
      merge_requests: `${api}/merge_requests`,
      repo_branches: `${api}/repository/branches`,
      labels: `${api}/labels`,
      events: `${api}/events`,
      members: `${api}/members`,
      cluster_agents: `${api}/cluster_agents`,
    },
    marked_for_deletion_at: null,
    marked_for_deletion_on: null,
    packages_enabled: true,
    empty_repo: true,
    archived: false,
    ...(owner ? { owner: userBasicEntity(view.baseUrl, owner) } : {}),
    resolve_outdated_diff_discussions: false,
    container_expiration_policy: {
      cadence: '1d',
      enabled: false,
      keep_n: 10,
      older_than: '90d',
      name_regex: '.*',
      name_regex_keep: null,
      next_run_at: new Date(Date.parse(project.createdAt) + 86_400_000).toISOString(),
    },
    repository_object_format: 'sha1',
    issues_enabled: true,
    merge_requests_enabled: true,
    wiki_enabled: true,
    jobs_enabled: true,
    snippets_enabled: true,
    container_registry_enabled: true,
    service_desk_enabled: false,
    ...(isReporter ? { service_desk_address: null } : {}),
    can_create_merge_request_in: namespaces.hasProjectAccess(view.viewer, project, ACCESS_LEVELS.developer),
    issues_access_level: 'enabled',
    repository_access_level: 'enabled',
    merge_requests_access_level: 'enabled',
    forking_access_level: 'enabled',
    wiki_access_level: 'enabled',
    builds_access_level: 'enabled',
    snippets_access_level: 'enabled',
    pages_access_level: 'private',
    analytics_access_level: 'enabled',
    container_registry_access_level: 'enabled',
    security_and_compliance_access_level: 'private',
    releases_access_level: 'enabled',
    environments_access_level: 'enabled',
    feature_flags_access_level: 'enabled',
    infrastructure_access_level: 'enabled',
    monitor_access_level: 'enabled',
    model_experiments_access_level: 'enabled',
    model_registry_access_level: 'enabled',
    package_registry_access_level: 'enabled',
    emails_disabled: false,
    emails_enabled: true,
    show_diff_preview_in_email: true,
    shared_runners_enabled: true,
    lfs_enabled: true,
    creator_id: project.creatorId,
    ...(canAdmin ? { import_url: null, import_type: null } : {}),
    import_status: 'none',
    ...(options.showImportError ? { import_error: null } : {}),
    open_issues_count: 0,
    description_html: descriptionHtml(project.description),
    updated_at: project.createdAt,
    ...(canAdmin ? ciSettings(project) : {}),
    ...(canReadCode ? { ci_config_path: null } : {}),
    public_jobs: true,
    shared_with_groups: [],
    only_allow_merge_if_pipeline_succeeds: false,
    allow_merge_on_skipped_pipeline: null,
    request_access_enabled: true,
    only_allow_merge_if_all_discussions_are_resolved: false,
    remove_source_branch_after_merge: true,
    printing_merge_request_link_enabled: true,
    merge_method: 'merge',
    squash_option: 'default_off',
    enforce_auth_checks_on_uploads: true,
    suggestion_commit_message: null,
    merge_commit_template: null,
    squash_commit_template: null,
    mr_default_title_template: null,
    issue_branch_template: null,
    warn_about_potentially_unwanted_characters: true,
    autoclose_referenced_issues: true,
    max_artifacts_size: null,
    requirements_enabled: false,
    requirements_access_level: 'enabled',
    security_and_compliance_enabled: true,
    compliance_frameworks: [],
  };
}

/** The block GitLab shows only to those who may administer the project. */
function ciSettings(project: EmuProject): Record<string, unknown> {
  return {
    ci_default_git_depth: 20,
    ci_delete_pipelines_in_seconds: null,
    ci_forward_deployment_enabled: true,
    ci_forward_deployment_rollback_allowed: true,
    ci_job_token_scope_enabled: false,
    ci_separated_caches: true,
    ci_allow_fork_pipelines_to_run_in_parent_project: true,
    ci_id_token_sub_claim_components: ['project_path', 'ref_type', 'ref'],
    build_git_strategy: 'fetch',
    keep_latest_artifact: true,
    restrict_user_defined_variables: false,
    ci_pipeline_variables_minimum_override_role: 'developer',
    runner_token_expiration_interval: null,
    group_runners_enabled: true,
    resource_group_default_process_mode: 'unordered',
    auto_cancel_pending_pipelines: 'enabled',
    build_timeout: 3600,
    auto_devops_enabled: true,
    auto_devops_deploy_strategy: 'continuous',
    ci_push_repository_for_job_token_allowed: false,
    protect_merge_request_pipelines: true,
    ci_display_pipeline_variables: false,
    runners_token: project.runnersToken,
  };
}

/** API::Entities::NamespaceBasic of a project's namespace. */
export function namespaceEntity(view: ProjectView, project: EmuProject): Record<string, unknown> {
  const id = view.state.namespaces.namespaceIdOf(project);
  if (project.namespace.kind === 'user') {
    const owner = view.state.findUser(project.namespace.userId);
    const username = owner?.username ?? '';
    return {
      id,
      name: owner?.name ?? username,
      path: username,
      kind: 'user',
      full_path: username,
      parent_id: null,
      avatar_url: `https://www.gravatar.com/avatar/${sha256((owner?.email ?? '').toLowerCase())}?s=80&d=identicon`,
      web_url: `${view.baseUrl}/${username}`,
    };
  }
  const group = view.state.namespaces.projectGroup(project);
  return {
    id,
    name: group?.name ?? '',
    path: group?.path ?? '',
    kind: 'group',
    full_path: group?.fullPath ?? '',
    parent_id: group?.parentId ?? null,
    avatar_url: null,
    web_url: `${view.baseUrl}/groups/${group?.fullPath ?? ''}`,
  };
}

/** `Group#full_name` style: each namespace's name, joined with " / ". */
export function nameWithNamespace(view: ProjectView, project: EmuProject): string {
  const { namespaces } = view.state;
  const group = namespaces.projectGroup(project);
  const owner = project.namespace.kind === 'user' ? view.state.findUser(project.namespace.userId) : undefined;
  const names = group
    ? namespaces
        .groupChain(group)
        .reverse()
        .map((link) => link.name)
    : [owner?.name ?? ''];
  return [...names, project.name].join(' / ');
}

/** `project.group.highest_group_member(user)`: the highest membership in the project's group hierarchy. */
function groupMembership(view: ProjectView, project: EmuProject): EmuMember | undefined {
  const group = view.state.namespaces.projectGroup(project);
  if (!group || !view.viewer) return undefined;
  return view.state.namespaces.highestGroupMember(view.viewer.id, group);
}

/** ProjectAccess / GroupAccess: the level, and the notification level "global" (3). */
function accessEntity(member: EmuMember | undefined): Record<string, unknown> | null {
  return member ? { access_level: member.accessLevel, notification_level: 3 } : null;
}

/** GitLab's Markdown rendering of a one-line description. */
function descriptionHtml(description: string): string {
  if (description === '') return '';
  const escaped = description
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
  return `<p data-sourcepos="1:1-1:${description.length}" dir="auto">${escaped}</p>`;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
