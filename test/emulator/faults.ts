/**
 * Fault injection in front of the router: a test arms a fault for the next matching requests, and the server
 * either answers without processing (`respond`), or processes the request (state changes are committed) and then
 * answers something else, drops the connection or never answers (`afterCommit`). That is how a lost rotate
 * response, a 502 after the rotation happened, or a proxy timeout are reproduced.
 */
export interface FaultSpec {
  /** Default: any method. */
  method?: string;
  /** Exact path (still URL-encoded, without query), `*` matching one whole segment, or a RegExp on the path. */
  path: string | RegExp;
  /** How many matching requests it applies to; default 1. */
  times?: number;
  /** Answer this without processing the request: nothing changes. */
  respond?: { status: number; headers?: Record<string, string>; body?: unknown };
  /**
   * Process the request normally (its changes stay), then answer this status, drop the socket, never answer, or
   * send the real answer's status and headers and only half of its body before dropping the socket.
   */
  afterCommit?: { status: number; body?: unknown } | 'drop' | 'hang' | 'truncate';
  /** Real milliseconds to wait before handling the request; combines with the above. */
  delayMs?: number;
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
    if (spec.respond && spec.afterCommit)
      throw new Error('A fault either responds or acts after commit, not both');
    if (!spec.respond && !spec.afterCommit && spec.delayMs === undefined) {
      throw new Error('A fault needs respond, afterCommit or delayMs');
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
  take(method: string, path: string): FaultSpec | undefined {
    const fault = this.armed.find((candidate) => matches(candidate.spec, method, path));
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining === 0) this.armed = this.armed.filter((candidate) => candidate !== fault);
    return fault.spec;
  }
}

function matches(spec: FaultSpec, method: string, path: string): boolean {
  if (spec.method && spec.method.toUpperCase() !== method.toUpperCase()) return false;
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
