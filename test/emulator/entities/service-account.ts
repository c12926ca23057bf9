/**
 * API::Entities::ServiceAccount as GitLab 19.0.2 answers the create endpoints (field order from
 * test/conformance/recordings): UserSafe's fields plus the account's email. `unconfirmed_email` only appears
 * after a custom address awaits confirmation, which the emulator does not model.
 */
import type { EmuUser } from '../state.js';

export function serviceAccountEntity(user: EmuUser): Record<string, unknown> {
  return {
    id: user.id,
    username: user.username,
    public_email: null,
    name: user.name,
    email: user.email,
  };
}
