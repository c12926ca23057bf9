import type { AccessToken, NewAccessToken } from '../tokens/access-token.js';
import type { ResolvedOwner } from '../tokens/token-kind.js';

/** What preflight decided: the token to replace, whose it is, and how. */
export interface RotationPlan {
  readonly target: AccessToken;
  readonly owner: ResolvedOwner;
  /** "token 12 ("deploy")", for messages. */
  readonly label: string;
  /**
   * The credential is the token being replaced, however it was selected: it rotates through its kind's `self`
   * endpoint, and afterwards only the new token may be sent.
   */
  readonly selfRotation: boolean;
  /** `YYYY-MM-DD`, always sent. */
  readonly expiresAt: string;
}

export interface RotationOutcome {
  readonly token: NewAccessToken;
  readonly storedIn: readonly string[];
}
