/**
 * The fetch under every GitHub call (Octokit's `request.fetch`): through the proxy the runner is configured with,
 * never following a redirect, and with a time limit on each exchange.
 *
 * Proxy: HTTPS_PROXY / HTTP_PROXY (or their lower-case forms) and NO_PROXY, decided by @actions/http-client's
 * `getProxyUrl` and used through undici's ProxyAgent, which is what @actions/http-client's `getAgentDispatcher`
 * and so @actions/github's default fetch do. @actions/github decides once, at load, for GITHUB_API_URL; this decides
 * for the API root actually called. As there, loopback addresses never go through a proxy.
 *
 * Redirects: every GitHub call carries github-token, and a PUT carries the sealed token. fetch follows a redirect
 * wherever it points, resending a PUT's body on 307 and 308 and keeping the Authorization header when the host stays
 * the same, so a 3xx is never followed: it fails the call with a {@link GithubRedirectRefused} that says where it
 * pointed, for the message to say what to fix.
 */
import { getProxyUrl } from '@actions/http-client/lib/proxy';
import { fetch as undiciFetch, ProxyAgent, type Dispatcher } from 'undici';

/** A 3xx answer, not followed. Octokit wraps it (as the `cause` of its error); nothing else is kept of the answer. */
export class GithubRedirectRefused extends Error {
  override readonly name = 'GithubRedirectRefused';
  constructor(
    readonly status: number,
    /** The Location header, made absolute against the request's URL; undefined when there was none or it is no URL. */
    readonly location: string | undefined,
  ) {
    super(`answered ${status} (a redirect), which is not followed`);
  }
}

/** The proxy for one API root under the runner's rules, or undefined for a direct connection. */
export function proxyDispatcher(apiUrl: string): Dispatcher | undefined {
  const proxy = getProxyUrl(new URL(apiUrl));
  if (!proxy?.hostname) return undefined;
  // As @actions/http-client builds it: credentials in the proxy URL become Basic proxy authorization.
  const credentials =
    proxy.username || proxy.password
      ? { token: `Basic ${Buffer.from(`${proxy.username}:${proxy.password}`).toString('base64')}` }
      : {};
  return new ProxyAgent({ uri: proxy.href, pipelining: 0, ...credentials });
}

/**
 * Octokit's fetch for the API root `apiUrl`: through {@link proxyDispatcher}, each exchange limited to
 * `attemptTimeoutMs` milliseconds (counted from when it is sent, after any wait in Octokit's scheduler), and a
 * {@link GithubRedirectRefused} for every 3xx other than 304.
 */
export function createGithubFetch(
  apiUrl: string,
  attemptTimeoutMs: number,
): (url: string, init?: RequestInit) => Promise<Response> {
  const dispatcher = proxyDispatcher(apiUrl);
  return async (url, init = {}) => {
    const timeout = AbortSignal.timeout(attemptTimeoutMs);
    const response = await undiciFetch(url, {
      // Octokit passes a plain object: method, headers, a string body, redirect, signal.
      ...(init as Parameters<typeof undiciFetch>[1]),
      redirect: 'manual',
      signal: init.signal ? AbortSignal.any([init.signal, timeout]) : timeout,
      ...(dispatcher ? { dispatcher } : {}),
    });
    if (response.status >= 300 && response.status < 400 && response.status !== 304) {
      await response.body?.cancel();
      throw new GithubRedirectRefused(response.status, absolute(response.headers.get('location'), url));
    }
    return response;
  };
}

function absolute(location: string | null, base: string): string | undefined {
  if (location === null) return undefined;
  try {
    return new URL(location, base).href;
  } catch {
    return undefined;
  }
}
