/**
 * The GitLab REST client every token kind and destination uses: JSON requests through the one request handler
 * (request.ts: idempotent calls retried within a budget, POSTs sent once), pagination that reads every page, and a
 * credential held per run. The credential is read on every request, so after a self-rotation the very next request
 * already carries the new token, and no other run's client is touched.
 *
 * Token endpoints and CI/CD variables go through this client rather than gitbeaker's resources: one interface serves
 * four token kinds where gitbeaker covers two and a half (it lacks service-account token list and revoke), its own
 * requester retries POSTs (a retried rotate revokes the new token), its listing is sequential and capped by
 * `maxPages`, and loading it costs a cold start about 25 ms. gitbeaker's `Users` serves user lookups (gitlab-api.ts).
 */
import pLimit from 'p-limit';
import { GitlabHttpError, type GitbeakerResponse, type RequestHandler } from './request.js';

/**
 * The credential of one run. A self-rotation replaces it here; nothing else holds the token. It also remembers
 * whether GitLab has accepted it in this run (any answer other than an error): after that, a 401 or 403 is about
 * what the credential may do (an administrator's, a role's or a scope's business), not about the credential.
 */
export class RunCredential {
  #token: string;
  #accepted = false;
  constructor(token: string) {
    this.#token = token;
  }
  get token(): string {
    return this.#token;
  }
  /** GitLab answered a request made with the current token with success. */
  get accepted(): boolean {
    return this.#accepted;
  }
  /** A request sent with `token` succeeded; counts only while `token` is still the credential. */
  markAccepted(token: string): void {
    if (token === this.#token) this.#accepted = true;
  }
  /** From now on, authenticate with this token (the old one was rotated away and must never be sent again). */
  replace(token: string): void {
    this.#token = token;
    this.#accepted = false;
  }
}

/**
 * The run's request handler as seen by one credential: every success marks the credential accepted, and every HTTP
 * error says whether it had been accepted before (GitlabHttpError.credentialAccepted), so that describe-error.ts
 * can tell "GitLab does not know this token" from "this token may not do that". Every request of the client goes
 * through it, so a user lookup counts as much as a token read.
 */
export function credentialAwareHandler(handler: RequestHandler, credential: RunCredential): RequestHandler {
  return async (endpoint, options) => {
    const sent = sentToken(options.headers) ?? credential.token;
    try {
      const response = await handler(endpoint, options);
      credential.markAccepted(sent);
      return response;
    } catch (error) {
      if (error instanceof GitlabHttpError && sent === credential.token && credential.accepted) {
        error.credentialAccepted = true;
      }
      throw error;
    }
  };
}

function sentToken(headers: Readonly<Record<string, string>> | undefined): string | undefined {
  if (!headers) return undefined;
  const name = Object.keys(headers).find((key) => key.toLowerCase() === 'private-token');
  return name === undefined ? undefined : headers[name];
}

/**
 * A list that could not be read to its end: one page failed after others were read. Nothing is returned instead,
 * because a list that silently misses its tail (the newest tokens, a variable on page 3) is worse than none.
 * `cause` is the page's own error (GitlabHttpError or GitlabNetworkError), for the status and GitLab's text.
 */
export class IncompleteListError extends Error {
  override readonly name = 'IncompleteListError';
  constructor(
    override readonly cause: unknown,
    /** The page that failed (1-based). */
    readonly failedPage: number,
    /** Pages read before the run gave up. */
    readonly pagesRead: number,
    /** Items on those pages. */
    readonly itemsRead: number,
    /** From `x-total-pages`, when GitLab said (it does not above 10,000 rows). */
    readonly totalPages: number | undefined,
  ) {
    super(
      `reading page ${failedPage}${totalPages !== undefined ? ` of ${totalPages}` : ''} failed after ${pagesRead} page${pagesRead === 1 ? '' : 's'} (${itemsRead} items) had been read`,
    );
  }
}

export type Query = Readonly<Record<string, string | number | boolean | undefined>>;

/** One page of a list, with what GitLab said about the rest (`x-total-pages` is omitted above 10,000 rows). */
export interface Page<T> {
  readonly items: T[];
  readonly nextPage: number | undefined;
  readonly totalPages: number | undefined;
}

export interface GitlabClient {
  /** The instance URL, for messages. */
  readonly instanceUrl: string;
  /** GET, retried on 429/5xx and lost answers. `path` is relative to /api/v4, without a leading slash. */
  get<T>(path: string, query?: Query): Promise<T>;
  /** One page of a list endpoint (100 per page). */
  page<T>(path: string, query: Query, page: number): Promise<Page<T>>;
  /**
   * Every item of a list endpoint, however many pages: pages 2..N at once (bounded) when page 1 says how many there
   * are, else one after another by `x-next-page`. Fails (never truncates) when a page cannot be read.
   */
  all<T>(path: string, query?: Query): Promise<T[]>;
  /**
   * Every page of a list endpoint, in order, each as soon as it and those before it arrived, for callers that
   * process rows as they come (audit) so that memory holds a few pages, not the whole list. As `all`: pages 2..N
   * at most `concurrency` at once when page 1 says how many there are, else one after another by `x-next-page`.
   */
  pages<T>(path: string, query?: Query, concurrency?: number): AsyncGenerator<T[], void, undefined>;
  /** Sent once: never retried by any layer, whatever the answer. */
  post<T>(path: string, body: Record<string, unknown>): Promise<T>;
  /** PUT, retried (a whole-value write is idempotent). */
  put<T>(path: string, body: Record<string, unknown>, query?: Query): Promise<T>;
  /** DELETE, retried. */
  delete(path: string): Promise<void>;
  /** The same instance, transport and clock, with another credential (verification, recovery). */
  withCredential(credential: RunCredential): GitlabClient;
}

export interface GitlabClientConfig {
  readonly instanceUrl: string;
  readonly credential: RunCredential;
  /**
   * The run's one request handler (createRequestHandler), shared by every client of the run (withCredential); the
   * client wraps it with credentialAwareHandler for its own credential.
   */
  readonly handler: RequestHandler;
  /** Pages of one list read at once; default PAGE_CONCURRENCY. */
  readonly pageConcurrency?: number;
}

const PER_PAGE = 100;

/**
 * Pages of one list in flight at once, by default. With 50 ms between us and GitLab a 10,000-token list takes 0.20x
 * the time of reading its pages one after another at 8, 0.32x at 4 (npm run bench, list-paging, against the
 * emulator, which answers one request at a time; GitLab's many workers gain more from it). It stays well inside
 * GitLab.com's 2,000 requests a minute for any one list; a page answered 429 keeps its place (and so one of the 8)
 * until its Retry-After has passed, so a rate-limited list slows down rather than piling on requests.
 */
export const PAGE_CONCURRENCY = 8;

/** `a/b` -> `a%2Fb`: GitLab takes a full path wherever it takes a numeric `:id`. */
export function pathSegment(ref: number | string): string {
  return encodeURIComponent(String(ref));
}

export function createGitlabClient(config: GitlabClientConfig): GitlabClient {
  const handle = credentialAwareHandler(config.handler, config.credential);
  const prefixUrl = `${config.instanceUrl}/api/v4/`;
  const limit = pLimit(config.pageConcurrency ?? PAGE_CONCURRENCY);

  const send = (
    method: string,
    path: string,
    query?: Query,
    body?: Record<string, unknown>,
  ): Promise<GitbeakerResponse> =>
    handle(path, {
      method,
      prefixUrl,
      searchParams: searchParams(query),
      headers: {
        'private-token': config.credential.token,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : null,
    });

  const page = async <T>(path: string, query: Query, number: number): Promise<Page<T>> => {
    const response = await send('GET', path, { ...query, per_page: PER_PAGE, page: number });
    return {
      items: Array.isArray(response.body) ? (response.body as T[]) : [],
      nextPage: positiveInteger(response.headers['x-next-page']),
      totalPages: positiveInteger(response.headers['x-total-pages']),
    };
  };

  return {
    instanceUrl: config.instanceUrl,
    async get<T>(path: string, query?: Query) {
      return (await send('GET', path, query)).body as T;
    },
    page,
    async all<T>(path: string, query: Query = {}) {
      // The first page fails as itself (its status is what callers advise on); a later one says how far we got.
      const first = await page<T>(path, query, 1);
      const totalPages = first.totalPages;
      let pagesRead = 1;
      let itemsRead = first.items.length;
      let stopped: IncompleteListError | undefined;
      const read = async (number: number): Promise<Page<T>> => {
        if (stopped) throw stopped;
        try {
          const current = await page<T>(path, query, number);
          pagesRead += 1;
          itemsRead += current.items.length;
          return current;
        } catch (error) {
          // Pages still queued are not requested once one failed: the list is lost anyway.
          stopped ??= new IncompleteListError(error, number, pagesRead, itemsRead, totalPages);
          throw stopped;
        }
      };
      if (totalPages !== undefined && totalPages > 1) {
        const rest = await Promise.all(
          Array.from({ length: totalPages - 1 }, (_, index) => limit(() => read(index + 2))),
        );
        return [first, ...rest].flatMap((each) => each.items);
      }
      const items = [...first.items];
      for (let next = first.nextPage; next !== undefined;) {
        const current = await read(next);
        items.push(...current.items);
        next = current.nextPage;
      }
      return items;
    },
    async *pages<T>(path: string, query: Query = {}, concurrency = config.pageConcurrency ?? 4) {
      const first = await page<T>(path, query, 1);
      const total = first.totalPages;
      if (total === undefined) {
        // Without totals only x-next-page says what comes next: ask for it before handing this page on, so that
        // GitLab works on the next page while the caller works on this one.
        for (let current = first; ;) {
          const next = current.nextPage === undefined ? undefined : page<T>(path, query, current.nextPage);
          next?.catch(() => undefined);
          yield current.items;
          if (next === undefined) return;
          current = await next;
        }
      }
      // A window of pages in flight, consumed in order; each one consumed makes room for the next.
      const inFlight: Promise<Page<T>>[] = [];
      let next = 2;
      const start = () => {
        const number = next;
        const pending = limit(() => page<T>(path, query, number));
        // Awaited in order below; a failure is thrown there, not reported as unhandled meanwhile.
        pending.catch(() => undefined);
        inFlight.push(pending);
        next += 1;
      };
      while (inFlight.length < Math.max(1, concurrency) && next <= total) start();
      yield first.items;
      for (let current = inFlight.shift(); current !== undefined; current = inFlight.shift()) {
        const done = await current;
        if (next <= total) start();
        yield done.items;
      }
    },
    async post<T>(path: string, body: Record<string, unknown>) {
      return (await send('POST', path, undefined, body)).body as T;
    },
    async put<T>(path: string, body: Record<string, unknown>, query?: Query) {
      return (await send('PUT', path, query, body)).body as T;
    },
    async delete(path: string) {
      await send('DELETE', path);
    },
    withCredential(credential) {
      return createGitlabClient({ ...config, credential });
    },
  };
}

function searchParams(query: Query | undefined): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined) params.set(name, String(value));
  }
  return params.toString();
}

function positiveInteger(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+$/.test(text.trim())) return undefined;
  const number = Number(text.trim());
  return number > 0 ? number : undefined;
}
