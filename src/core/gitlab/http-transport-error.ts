/**
 * Why an HTTP exchange produced no usable answer. Built only from codes, statuses, host names and paths: never from
 * request headers or bodies (the credential, a new token), never from a response body, never with the user name or
 * password of a proxy URL or a query string, so that any caller may put its message in front of a user.
 */

/**
 * - `timeout`: no complete answer within the attempt's time (connect, proxy tunnel, TLS, headers and body).
 * - `connection`: the connection failed or broke off, or the answer could not be read whole. The request may or may
 *   not have been processed.
 * - `tls`: the server's certificate was not accepted (untrusted CA, expired, wrong host name) or the server does not
 *   speak TLS there. Nothing was sent.
 * - `proxy`: the proxy could not be reached or refused the request (407 proxy authentication, 403, 502 on CONNECT),
 *   or the proxy setting itself is unusable. Nothing reached the server.
 * - `redirect`: the server answered 3xx; redirects are never followed.
 */
export type HttpFailureReason = 'timeout' | 'connection' | 'tls' | 'proxy' | 'redirect';

export interface HttpFailureDetails {
  /** A short, safe detail: an error code such as ECONNREFUSED or CERT_HAS_EXPIRED, or a phrase. */
  readonly detail: string;
  /** The Node.js or OpenSSL error code, when there was one. */
  readonly code?: string;
  /** `tls`: the kind of certificate problem, for advice. */
  readonly tlsProblem?: TlsProblem;
  /** The proxy the request went through, as `http://host:port` (never its credentials). */
  readonly proxy?: string;
  /** `proxy`: the status the proxy answered, when it answered (407, 403, 502 ...). */
  readonly proxyStatus?: number;
  /** `redirect`: the 3xx status. */
  readonly status?: number;
  /** `redirect`: where the server pointed, origin and path only; undefined when it gave no usable Location. */
  readonly location?: string;
}

/**
 * - `untrusted`: the chain ends in a CA that Node.js does not trust (a private CA, a TLS-inspecting proxy).
 * - `expired`: the certificate expired or is not yet valid (or this machine's clock is wrong).
 * - `host-name`: the certificate is valid but not for the host name in the URL.
 * - `not-tls`: the server answered something other than TLS (usually plain HTTP on that port).
 * - `other`: any other handshake failure.
 */
export type TlsProblem = 'untrusted' | 'expired' | 'host-name' | 'not-tls' | 'other';

export class HttpTransportError extends Error {
  override readonly name = 'HttpTransportError';
  readonly detail: string;
  readonly code: string | undefined;
  readonly tlsProblem: TlsProblem | undefined;
  readonly proxy: string | undefined;
  readonly proxyStatus: number | undefined;
  readonly status: number | undefined;
  readonly location: string | undefined;

  constructor(
    readonly reason: HttpFailureReason,
    details: HttpFailureDetails,
  ) {
    super(`${reason}: ${details.detail}`);
    this.detail = details.detail;
    this.code = details.code;
    this.tlsProblem = details.tlsProblem;
    this.proxy = details.proxy;
    this.proxyStatus = details.proxyStatus;
    this.status = details.status;
    this.location = details.location;
  }
}

const UNTRUSTED_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REJECTED',
  'INVALID_CA',
]);
const EXPIRED_CODES = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);
const HOST_NAME_CODES = new Set(['ERR_TLS_CERT_ALTNAME_INVALID', 'HOSTNAME_MISMATCH']);
const NOT_TLS_CODES = new Set(['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_HTTP_REQUEST', 'EPROTO']);

/** The certificate or handshake problem an error code stands for; undefined when the code is not about TLS. */
export function tlsProblemOf(code: string): TlsProblem | undefined {
  if (UNTRUSTED_CODES.has(code)) return 'untrusted';
  if (EXPIRED_CODES.has(code)) return 'expired';
  if (HOST_NAME_CODES.has(code)) return 'host-name';
  if (NOT_TLS_CODES.has(code)) return 'not-tls';
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || code.startsWith('CERT_')) return 'other';
  return undefined;
}

/**
 * A URL as it may be shown: scheme, host, port and path. The user name, password, query and fragment are dropped
 * (a redirect's Location or a proxy URL may carry credentials there). Capped at `maxLength`, so that a hostile
 * server cannot fill a log line; a URL that may hold a secret in its path (a Location a server chose) is left whole
 * here and shortened only after redaction, since a secret cut in two is no longer recognisable.
 */
export function showableUrl(url: URL, withPath = true, maxLength = 200): string {
  const shown = `${url.protocol}//${url.host}${withPath ? url.pathname : ''}`;
  return shown.length > maxLength ? `${shown.slice(0, maxLength)}...` : shown;
}
