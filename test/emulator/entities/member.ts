/**
 * API::Entities::Member with its EE additions (lib/api/entities/member.rb, ee/lib/ee/api/entities/member.rb):
 * the member's UserBasic fields, then the membership. `created_by` is left out when unknown, `email` is shown to
 * administrators only, and memberships are always active here (no pending invitations or seat limits).
 */
import type { EmuMember } from '../namespaces.js';
import type { EmuUser } from '../state.js';
import { userBasicEntity } from './user.js';

export function memberEntity(
  baseUrl: string,
  member: EmuMember,
  user: EmuUser,
  createdBy: EmuUser | undefined,
  viewer: EmuUser,
): Record<string, unknown> {
  return {
    ...userBasicEntity(baseUrl, user),
    access_level: member.accessLevel,
    created_at: member.createdAt,
    ...(createdBy ? { created_by: userBasicEntity(baseUrl, createdBy) } : {}),
    expires_at: member.expiresAt,
    ...(viewer.admin ? { email: user.email } : {}),
    membership_state: 'active',
  };
}
