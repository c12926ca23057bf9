/**
 * API::Entities::PersonalAccessTokenAssociations (`GET /personal_access_tokens/self/associations`, 17.4+):
 * GroupAssociationDetails (BasicGroupDetails, then parent, organization, the caller's highest membership in the
 * group's hierarchy, visibility) and ProjectAssociationDetails (ProjectIdentity, the caller's project and group
 * levels, visibility, web URL, NamespaceBasic), from lib/api/entities/*_association_details.rb.
 */
import type { EmuGroup, EmuProject } from '../namespaces.js';
import { namespaceEntity, nameWithNamespace, type ProjectView } from './project.js';

export function groupAssociationEntity(view: ProjectView, group: EmuGroup): Record<string, unknown> {
  const member = view.viewer && view.state.namespaces.highestGroupMember(view.viewer.id, group);
  return {
    id: group.id,
    web_url: `${view.baseUrl}/groups/${group.fullPath}`,
    name: group.name,
    parent_id: group.parentId,
    organization_id: 1,
    access_levels: member?.accessLevel ?? null,
    visibility: group.visibility,
  };
}

export function projectAssociationEntity(view: ProjectView, project: EmuProject): Record<string, unknown> {
  const { namespaces } = view.state;
  const viewerId = view.viewer?.id;
  const direct = project.members.find((member) => member.userId === viewerId);
  const group = namespaces.projectGroup(project);
  const inGroup =
    group && viewerId !== undefined ? namespaces.highestGroupMember(viewerId, group) : undefined;
  return {
    id: project.id,
    description: project.description,
    name: project.name,
    name_with_namespace: nameWithNamespace(view, project),
    path: project.path,
    path_with_namespace: project.pathWithNamespace,
    created_at: project.createdAt,
    access_levels: {
      project_access_level: direct?.accessLevel ?? null,
      group_access_level: inGroup?.accessLevel ?? null,
    },
    visibility: project.visibility,
    web_url: `${view.baseUrl}/${project.pathWithNamespace}`,
    namespace: namespaceEntity(view, project),
  };
}
