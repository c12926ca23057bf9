import type { NewPersonalAccessToken, PersonalAccessToken } from '../gitlab-api.js';

/** What preflight decided: the token to replace and how. */
export interface RotationPlan {
  readonly target: PersonalAccessToken;
  /** "token 12 ("deploy")", for messages. */
  readonly label: string;
  /** The credential is the token being replaced: afterwards only the new token may be sent. */
  readonly selfRotation: boolean;
  readonly expiresAt: string;
}

export interface RotationOutcome {
  readonly token: NewPersonalAccessToken;
  readonly storedIn: readonly string[];
}
