/**
 * Who is calling, decided the way GitLab's API guard does it (lib/gitlab/auth/auth_finders.rb,
 * lib/api/api_guard.rb, lib/api/helpers.rb#current_user), in the same order:
 *
 * 1. The token comes from `private_token` (query or body), the `PRIVATE-TOKEN` header, or `Authorization: Bearer`.
 *    An unknown value: 401 "401 Unauthorized"; so is a token destroyed with its user (a deleted user, or the bot
 *    of a deleted project or group).
 * 2. Expired (checked first, AccessTokenValidationService): 401 invalid_token "Token is expired...".
 * 3. Revoked: 401 invalid_token "Token was revoked...". If the request path is a rotation
 *    (`access_tokens/(\d+|self)/rotate$`), GitLab first revokes every active token rotated from this one: the
 *    automatic reuse detection (RevokeTokenFamilyService).
 * 4. The token's last use is recorded (LastUsedService), then a blocked owner gets 403 "Your account has been
 *    blocked.", then the endpoint's scopes are checked: 403 insufficient_scope.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { EmulatorState } from '../state.js';
import { forbidden, insufficientScope, tokenExpired, tokenRevoked, unauthorized } from './gitlab-errors.js';
import { API_WIDE_SCOPES, type Caller, type RouteDefinition } from './route.js';

/** GitLab's `access_token_rotation_request?`: any token kind, any id or `self`. */
const ROTATION_REQUEST_PATH = /access_tokens\/(\d+|self)\/rotate$/;

export interface AuthenticationInput {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly params: Readonly<Record<string, unknown>>;
  readonly remoteAddress: string;
}

/** The token value a request presents, if any. */
export function presentedToken(
  headers: IncomingHttpHeaders,
  params: Readonly<Record<string, unknown>>,
): string | undefined {
  const fromParams = params['private_token'];
  if (typeof fromParams === 'string' && fromParams !== '') return fromParams;
  const header = headers['private-token'];
  const fromHeader = Array.isArray(header) ? header[0] : header;
  if (fromHeader) return fromHeader;
  const authorization = headers.authorization;
  const bearer = authorization ? /^Bearer\s+(\S+)\s*$/i.exec(authorization) : null;
  return bearer?.[1];
}

export function authenticate(
  state: EmulatorState,
  route: RouteDefinition,
  input: AuthenticationInput,
): Caller | undefined {
  const value = presentedToken(input.headers, input.params);
  if (value === undefined) {
    if (route.auth === 'required') throw unauthorized();
    return undefined;
  }
  const token = state.findTokenByValue(value);
  if (!token) throw unauthorized();
  if (state.isExpired(token)) throw tokenExpired();
  if (token.revoked) {
    if (ROTATION_REQUEST_PATH.test(input.path)) state.revokeDescendants(token.id);
    throw tokenRevoked();
  }
  state.recordTokenUse(token.id, input.remoteAddress);

  const user = state.findUser(token.userId);
  if (!user) throw unauthorized();
  if (user.state === 'blocked') throw forbidden('Your account has been blocked.');

  if (route.scopes !== 'any') {
    const grants = [...route.scopes, ...API_WIDE_SCOPES];
    const readOnlyRequest = input.method === 'GET' || input.method === 'HEAD';
    const allowed = grants.some(
      (grant) => (!grant.readOnly || readOnlyRequest) && token.scopes.includes(grant.name),
    );
    if (!allowed) throw insufficientScope(grants.map((grant) => grant.name));
  }

  state.recordUserActivity(user.id);
  return { token, user };
}
