/**
 * GitLab's error answers, with its exact bodies. Two families exist: the API helpers (`{"message": ...}`, from
 * lib/api/helpers.rb: unauthorized!, forbidden!, bad_request!, not_found!) and Grape/OAuth answers
 * (`{"error": ...}`: parameter validation, unknown routes, and the token errors of lib/api/api_guard.rb).
 */
export class GitlabError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, string>,
    readonly headers: Record<string, string> = {},
  ) {
    super(`${status} ${JSON.stringify(body)}`);
  }
}

export function unauthorized(): GitlabError {
  return new GitlabError(401, { message: '401 Unauthorized' });
}

export function forbidden(reason?: string): GitlabError {
  return new GitlabError(403, { message: reason ? `403 Forbidden - ${reason}` : '403 Forbidden' });
}

export function badRequest(reason?: string): GitlabError {
  return new GitlabError(400, { message: reason ? `400 Bad request - ${reason}` : '400 Bad request' });
}

/** `not_found!('User')` answers "404 User Not Found"; a bare `not_found!` answers "404 Not Found". */
export function notFound(resource?: string): GitlabError {
  return new GitlabError(404, { message: resource ? `404 ${resource} Not Found` : '404 Not Found' });
}

/** ActiveRecord::RecordNotFound, rescued in lib/api/api.rb: note the lower-case "found". */
export function recordNotFound(): GitlabError {
  return new GitlabError(404, { message: '404 Not found' });
}

/** `conflict!(message)`: the message as is. */
export function conflict(message: string): GitlabError {
  return new GitlabError(409, { message });
}

export function methodNotAllowed(): GitlabError {
  return new GitlabError(405, { message: '405 Method Not Allowed' });
}

/** `render_api_error!(message, status)`: the message as is, no status prefix. */
export function apiError(status: number, message: string): GitlabError {
  return new GitlabError(status, { message });
}

/** Grape parameter validation: all failures joined, e.g. "name is missing, scopes is missing". */
export function invalidParameters(messages: readonly string[]): GitlabError {
  return new GitlabError(400, { error: messages.join(', ') });
}

/** The catch-all route at the end of lib/api/api.rb. */
export function unknownRoute(): GitlabError {
  return new GitlabError(404, { error: '404 Not Found' });
}

export function malformedBody(): GitlabError {
  return new GitlabError(400, { error: 'message body does not match declared format' });
}

export const TOKEN_EXPIRED_DESCRIPTION =
  'Token is expired. You can either do re-authorization or token refresh.';
export const TOKEN_REVOKED_DESCRIPTION = 'Token was revoked. You have to re-authorize from the user.';
const INSUFFICIENT_SCOPE_DESCRIPTION =
  'The request requires higher privileges than provided by the access token.';

export function tokenExpired(): GitlabError {
  return new GitlabError(401, { error: 'invalid_token', error_description: TOKEN_EXPIRED_DESCRIPTION });
}

export function tokenRevoked(): GitlabError {
  return new GitlabError(401, { error: 'invalid_token', error_description: TOKEN_REVOKED_DESCRIPTION });
}

/** `scope` lists every scope registered for the endpoint, endpoint class first, then API-wide ones. */
export function insufficientScope(scopes: readonly string[]): GitlabError {
  return new GitlabError(403, {
    error: 'insufficient_scope',
    error_description: INSUFFICIENT_SCOPE_DESCRIPTION,
    scope: scopes.join(' '),
  });
}

/** ActiveModel's `errors.full_messages.to_sentence`. */
export function toSentence(messages: readonly string[]): string {
  if (messages.length <= 1) return messages[0] ?? '';
  if (messages.length === 2) return `${messages[0]} and ${messages[1]}`;
  return `${messages.slice(0, -1).join(', ')}, and ${messages.at(-1)}`;
}
