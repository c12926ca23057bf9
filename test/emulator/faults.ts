/**
 * Fault injection in front of the router: a test arms a fault for the next matching requests, and the server
 * either answers without processing (`respond`), or processes the request (state changes are committed) and then
 * answers something else, drops the connection or never answers (`afterCommit`). That is how a lost rotate
 * response, a 502 after the rotation happened, or a proxy timeout are reproduced. `headers` changes any answer
 * (e.g. a wrong `Date`), and htmlErrorPage / redirectAnswer are the answers a proxy, WAF or moved instance gives.
 */

/** An answer a fault sends instead of GitLab's: a string body is sent as is, anything else as JSON. */
export interface FaultAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** The request a `respondWith` function sees: as it arrived, its body as sent (still encoded). */
export interface FaultRequest {
  readonly method: string;
  /** With the query string, as sent. */
  readonly url: string;
  readonly body: string;
}

export interface FaultSpec {
  /** Default: any method. */
  method?: string;
  /** Exact path (still URL-encoded, without query), `*` matching one whole segment, or a RegExp on the path. */
  path: string | RegExp;
  /** Only requests whose query has these parameters with these values, e.g. `{ page: '30' }` for one page. */
  query?: Readonly<Record<string, string>>;
  /** How many matching requests it applies to; default 1. */
  times?: number;
  /** Answer this without processing the request: nothing changes. */
  respond?: FaultAnswer;
  /**
   * Like `respond`, built from the request as it arrived: a WAF or proxy page that quotes what was sent (the body
   * of a variable write is a token). GitLab emulator only.
   */
  respondWith?: (request: FaultRequest) => FaultAnswer;
  /**
   * Process the request normally (its changes stay), then answer this instead, drop the socket, never answer,
   * or send the real answer's status and headers and only half of its body before dropping the socket.
   */
  afterCommit?: FaultAnswer | 'drop' | 'hang' | 'truncate';
  /** Real milliseconds to wait before handling the request; combines with the above. */
  delayMs?: number;
  /**
   * Headers set on whatever is answered (GitLab's answer or the fault's), replacing GitLab's: e.g.
   * `{ date: 'Fri, 31 Dec 1999 23:59:59 GMT' }` for one answer from a server with a wrong clock.
   */
  headers?: Record<string, string>;
}

/**
 * A redirect, as a moved instance or a proxy answers: `respond: redirectAnswer(308, 'https://new.example/api/v4/…')`.
 * Nothing is processed; fetch-based clients follow it (re-sending the body for 307 and 308).
 */
export function redirectAnswer(status: 301 | 302 | 303 | 307 | 308, location: string): FaultAnswer {
  return { status, headers: { location, 'content-type': 'text/html; charset=utf-8' }, body: '' };
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Time-out',
};

/**
 * The HTML page a reverse proxy or WAF answers in GitLab's place (nginx's default error page, or a
 * Cloudflare-style block page): use as `respond` (never reached GitLab) or `afterCommit` (GitLab acted, the
 * client only sees the page). No JSON body, so a client must not assume one.
 */
export function htmlErrorPage(
  status: number,
  options: { server?: 'nginx' | 'cloudflare' } = {},
): FaultAnswer {
  const reason = REASONS[status] ?? 'Error';
  if (options.server === 'cloudflare') {
    return {
      status,
      headers: {
        'content-type': 'text/html; charset=UTF-8',
        server: 'cloudflare',
        'cf-ray': '8d2f0c1a2b3c4d5e-FRA',
      },
      body:
        '<!DOCTYPE html>\n<html lang="en-US"><head><title>Attention Required! | Cloudflare</title></head>\n' +
        `<body><div id="cf-wrapper"><h1>Sorry, you have been blocked</h1><p>Error ${status}: ${reason}</p>` +
        '</div></body></html>\n',
    };
  }
  return {
    status,
    headers: { 'content-type': 'text/html', server: 'nginx' },
    body:
      `<html>\r\n<head><title>${status} ${reason}</title></head>\r\n<body>\r\n` +
      `<center><h1>${status} ${reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`,
  };
}

interface ArmedFault {
  readonly spec: FaultSpec;
  remaining: number;
}

export class FaultInjector {
  private armed: ArmedFault[] = [];

  inject(spec: FaultSpec): void {
    const times = spec.times ?? 1;
    if (!Number.isInteger(times) || times < 1)
      throw new Error('A fault applies to at least one request (times >= 1)');
    const responds = spec.respond !== undefined || spec.respondWith !== undefined;
    if (responds && spec.afterCommit)
      throw new Error('A fault either responds or acts after commit, not both');
    if (spec.respond && spec.respondWith) throw new Error('A fault has respond or respondWith, not both');
    if (!responds && !spec.afterCommit && spec.delayMs === undefined && !spec.headers) {
      throw new Error('A fault needs respond, respondWith, afterCommit, delayMs or headers');
    }
    this.armed.push({ spec, remaining: times });
  }

  clear(): void {
    this.armed = [];
  }

  /** Requests still to be faulted, over all armed faults. */
  pending(): number {
    return this.armed.reduce((sum, fault) => sum + fault.remaining, 0);
  }

  /** The first armed fault matching this request, counted as used. */
  take(method: string, path: string, query?: URLSearchParams): FaultSpec | undefined {
    const fault = this.armed.find((candidate) => matches(candidate.spec, method, path, query));
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining === 0) this.armed = this.armed.filter((candidate) => candidate !== fault);
    return fault.spec;
  }
}

function matches(spec: FaultSpec, method: string, path: string, query?: URLSearchParams): boolean {
  if (spec.method && spec.method.toUpperCase() !== method.toUpperCase()) return false;
  for (const [name, value] of Object.entries(spec.query ?? {})) {
    if (query?.get(name) !== value) return false;
  }
  if (spec.path instanceof RegExp) {
    spec.path.lastIndex = 0;
    return spec.path.test(path);
  }
  if (!spec.path.includes('*')) return spec.path === path;
  const wanted = spec.path.split('/');
  const actual = path.split('/');
  return (
    wanted.length === actual.length &&
    wanted.every((segment, index) => segment === '*' || segment === actual[index])
  );
}
