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

/** `a=1&b[]=x&b[]=y` to `{ a: '1', b: ['x', 'y'] }`; a repeated plain key keeps its last value, as Rack does. */
export function formParams(search: URLSearchParams): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of search) {
    if (key.endsWith('[]')) {
      const name = key.slice(0, -2);
      const existing = result[name];
      result[name] = Array.isArray(existing) ? [...(existing as unknown[]), value] : [value];
    } else {
      result[key] = value;
    }
  }
  return result;
}
