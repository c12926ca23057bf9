/**
 * Every request the emulator received, in arrival order, including faulted ones and those answered 401: the
 * evidence tests use to prove what went over the wire (e.g. "rotate was sent exactly once").
 */
export interface RecordedRequest {
  method: string;
  /** Without the query, still URL-encoded, e.g. '/api/v4/personal_access_tokens/self/rotate'. */
  path: string;
  query: Record<string, string>;
  /** The status actually answered; 0 if the connection was dropped or the request never answered. */
  status: number;
  /**
   * The id of the token the request presented (PRIVATE-TOKEN, Bearer or private_token), when it is a token the
   * emulator issued, also when GitLab rejected it (expired, revoked).
   */
  authTokenId?: number;
  /** The parsed JSON or form body. */
  body?: unknown;
  faulted?: boolean;
  /** Emulated-clock time of arrival, ISO 8601. */
  at: string;
}

export class RequestLog {
  private entries: RecordedRequest[] = [];

  /** Starts an entry; the returned object is completed as the request is answered. */
  open(entry: RecordedRequest): RecordedRequest {
    this.entries.push(entry);
    return entry;
  }

  snapshot(): RecordedRequest[] {
    return this.entries.map((entry) => ({ ...entry, query: { ...entry.query } }));
  }

  clear(): void {
    this.entries = [];
  }
}
