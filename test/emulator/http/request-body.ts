/**
 * Request bodies the way Grape reads them: JSON, or form encoding with Rails' `key[]=a&key[]=b` arrays. Query
 * strings use the same form rules.
 */
export interface ParsedBody {
  /** The parsed body; undefined when there was none. */
  readonly value: unknown;
  /** The body claimed to be JSON but is not. */
  readonly malformed: boolean;
}

export function parseBody(raw: string, contentType: string | undefined): ParsedBody {
  if (raw.trim() === '') return { value: undefined, malformed: false };
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/x-www-form-urlencoded') {
    return { value: formParams(new URLSearchParams(raw)), malformed: false };
  }
  if (type === 'application/json' || type === '' || type.endsWith('+json')) {
    try {
      return { value: JSON.parse(raw) as unknown, malformed: false };
    } catch {
      return { value: raw, malformed: true };
    }
  }
  return { value: raw, malformed: false };
}

/**
 * Rack's nested query parsing, to the depth GitLab's endpoints use: `a=1&b[]=x&b[]=y&f[scope]=z` to
 * `{ a: '1', b: ['x', 'y'], f: { scope: 'z' } }`; a repeated plain key keeps its last value, as Rack does.
 */
export function formParams(search: URLSearchParams): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of search) {
    const nested = /^([^[\]]+)\[([^[\]]+)\](\[\])?$/.exec(key);
    if (nested?.[1] !== undefined && nested[2] !== undefined) {
      const [, name, child, array] = nested;
      const existing = result[name];
      const hash: Record<string, unknown> =
        existing !== null && typeof existing === 'object' && !Array.isArray(existing)
          ? (existing as Record<string, unknown>)
          : {};
      hash[child] = array ? [...asArray(hash[child]), value] : value;
      result[name] = hash;
    } else if (key.endsWith('[]')) {
      const name = key.slice(0, -2);
      result[name] = [...asArray(result[name]), value];
    } else {
      result[key] = value;
    }
  }
  return result;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : [];
}
