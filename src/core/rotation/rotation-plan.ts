import type { AccessToken, NewAccessToken } from '../tokens/access-token.js';
import type { ResolvedOwner } from '../tokens/token-kind.js';

/** What preflight decided: the token to replace, whose it is, and how. */
export interface RotationPlan {
  readonly target: AccessToken;
  readonly owner: ResolvedOwner;
  /** "token 12 ("deploy")", for messages. */
  readonly label: string;
  /** The credential is the token being replaced: afterwards only the new token may be sent. */
  readonly selfRotation: boolean;
  /** Rotate through the `self` endpoint (the credential selected as token-id self) rather than by id. */
  readonly viaSelfEndpoint: boolean;
  /** `YYYY-MM-DD`, always sent. */
  readonly expiresAt: string;
}

export interface RotationOutcome {
  readonly token: NewAccessToken;
  readonly storedIn: readonly string[];
}
