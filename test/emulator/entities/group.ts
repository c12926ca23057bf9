/**
 * API::Entities::GroupDetail as GitLab 19.0.2 answers `GET /groups/:id` (field order and types from
 * test/conformance/recordings; conditions from lib/api/entities/group_detail.rb and its EE additions):
 * `runners_token` for those who may administer the group (Owner, admins); `enabled_git_access_protocol` and
 * `duo_namespace_access_rules` for them on top-level groups only; `prevent_sharing_groups_outside_hierarchy`
 * and `service_access_tokens_expiration_enforced` on top-level groups only. `projects` lists the projects
 * directly in the group that the caller can see, as API::Entities::Project.
 */
import { ACCESS_LEVELS, type EmuGroup } from '../namespaces.js';
import { projectEntity, type ProjectView } from './project.js';

/** At most this many projects are listed (GroupProjectsFinder::DEFAULT_PROJECTS_LIMIT). */
const PROJECTS_LIMIT = 100;

export function groupDetailEntity(view: ProjectView, group: EmuGroup): Record<string, unknown> {
  const { namespaces } = view.state;
  const canAdmin = namespaces.hasGroupAccess(view.viewer, group, ACCESS_LEVELS.owner);
  const root = group.parentId === null;
  const projects = namespaces
    .projectsInGroup(group)
    .filter((project) => namespaces.canReadProject(view.viewer, project))
    .slice(0, PROJECTS_LIMIT)
    .map((project) => projectEntity(view, project));
  return {
    id: group.id,
    web_url: `${view.baseUrl}/groups/${group.fullPath}`,
    name: group.name,
    path: group.path,
    description: group.description,
    visibility: group.visibility,
    share_with_group_lock: false,
    require_two_factor_authentication: false,
    two_factor_grace_period: 48,
    project_creation_level: 'developer',
    auto_devops_enabled: null,
    subgroup_creation_level: 'maintainer',
    emails_disabled: false,
    emails_enabled: true,
    show_diff_preview_in_email: true,
    mentions_disabled: null,
    lfs_enabled: true,
    archived: false,
    math_rendering_limits_enabled: true,
    lock_math_rendering_limits_enabled: false,
    default_branch: null,
    default_branch_protection: 2,
    default_branch_protection_defaults: {
      allowed_to_push: [{ access_level: ACCESS_LEVELS.maintainer }],
      allow_force_push: false,
      allowed_to_merge: [{ access_level: ACCESS_LEVELS.maintainer }],
      developer_can_initial_push: false,
    },
    avatar_url: null,
    request_access_enabled: true,
    full_name: namespaces
      .groupChain(group)
      .reverse()
      .map((link) => link.name)
      .join(' / '),
    full_path: group.fullPath,
    created_at: group.createdAt,
    parent_id: group.parentId,
    organization_id: 1,
    shared_runners_setting: 'enabled',
    max_artifacts_size: null,
    marked_for_deletion_on: null,
    ldap_cn: null,
    ldap_access: null,
    wiki_access_level: 'enabled',
    ...(root && canAdmin ? { duo_namespace_access_rules: [] } : {}),
    shared_with_groups: [],
    ...(canAdmin ? { runners_token: group.runnersToken } : {}),
    ...(root && canAdmin ? { enabled_git_access_protocol: 'all' } : {}),
    ...(root ? { prevent_sharing_groups_outside_hierarchy: false } : {}),
    projects,
    shared_projects: [],
    shared_runners_minutes_limit: null,
    extra_shared_runners_minutes_limit: null,
    prevent_forking_outside_group: null,
    ...(root ? { service_access_tokens_expiration_enforced: true } : {}),
    membership_lock: false,
  };
}
