/**
 * Grape-style parameter coercion and validation. Each reader method records a failure in Grape's words
 * ("is missing", "is invalid", "does not have a valid value") and `finish()` answers all of them in one 400,
 * the way GitLab does.
 */
import { invalidParameters } from './gitlab-errors.js';

export class ParamReader {
  private readonly failures: string[] = [];

  constructor(private readonly params: Readonly<Record<string, unknown>>) {}

  requiredString(name: string): string {
    const value = this.present(name);
    if (value === undefined) return this.fail(name, 'is missing', '');
    return this.coerceString(name, value) ?? '';
  }

  optionalString(name: string): string | undefined {
    const value = this.present(name);
    return value === undefined ? undefined : this.coerceString(name, value);
  }

  /** `type: Array[String], coerce_with: CommaSeparatedToArray`, optionally restricted to `values`. */
  requiredStringArray(name: string, values?: readonly string[]): string[] {
    const value = this.present(name);
    if (value === undefined) return this.fail(name, 'is missing', []);
    let items: string[];
    if (typeof value === 'string') {
      items = value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
    } else if (Array.isArray(value) && value.every((item) => ['string', 'number'].includes(typeof item))) {
      items = value.map(String);
    } else {
      return this.fail(name, 'is invalid', []);
    }
    if (values && !items.every((item) => values.includes(item)))
      return this.fail(name, 'does not have a valid value', []);
    return items;
  }

  /** `type: Integer`, optionally with `except_values` or `values`. */
  optionalInteger(
    name: string,
    options: { exceptValues?: readonly number[]; onlyValues?: readonly number[] } = {},
  ): number | undefined {
    const value = this.present(name);
    if (value === undefined) return undefined;
    const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
    if (!/^[-+]?\d+$/.test(text)) return this.fail(name, 'is invalid', undefined);
    const number = Number(text);
    if (options.exceptValues?.includes(number)) return this.fail(name, 'has a value not allowed', undefined);
    if (options.onlyValues && !options.onlyValues.includes(number))
      return this.fail(name, 'does not have a valid value', undefined);
    return number;
  }

  requiredInteger(name: string): number {
    if (this.present(name) === undefined) return this.fail(name, 'is missing', 0);
    return this.optionalInteger(name) ?? 0;
  }

  /** `type: Boolean` (dry-types' Params::Bool); an empty string counts as absent. */
  optionalBoolean(name: string): boolean | undefined {
    const value = this.present(name);
    if (value === undefined || value === '') return undefined;
    if (value === true || value === 1 || (typeof value === 'string' && TRUE_WORDS.has(value))) return true;
    if (value === false || value === 0 || (typeof value === 'string' && FALSE_WORDS.has(value))) return false;
    return this.fail(name, 'is invalid', undefined);
  }

  /** `type: Hash`: an object, or a failure for anything else. */
  optionalHash(name: string): Record<string, unknown> | undefined {
    const value = this.present(name);
    if (value === undefined) return undefined;
    if (typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    return this.fail(name, 'is invalid', undefined);
  }

  optionalChoice<T extends string>(name: string, values: readonly T[]): T | undefined {
    const value = this.optionalString(name);
    if (value === undefined) return undefined;
    if (!(values as readonly string[]).includes(value))
      return this.fail(name, 'does not have a valid value', undefined);
    return value as T;
  }

  /** `type: Date`: a calendar date, `YYYY-MM-DD` or the date part of an ISO 8601 timestamp. */
  optionalDate(name: string): string | undefined {
    const value = this.present(name);
    if (value === undefined) return undefined;
    const match = typeof value === 'string' ? /^(\d{4})-(\d{2})-(\d{2})(?:$|[T ])/.exec(value.trim()) : null;
    if (!match || !isCalendarDate(Number(match[1]), Number(match[2]), Number(match[3]))) {
      return this.fail(name, 'is invalid', undefined);
    }
    return `${match[1]}-${match[2]}-${match[3]}`;
  }

  /** `type: DateTime`: an ISO 8601 timestamp or date (a date means its midnight, UTC). */
  optionalDateTime(name: string): Date | undefined {
    const value = this.present(name);
    if (value === undefined) return undefined;
    const ms =
      typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value.trim()) ? Date.parse(value.trim()) : NaN;
    if (Number.isNaN(ms)) return this.fail(name, 'is invalid', undefined);
    return new Date(ms);
  }

  /** Throws GitLab's 400 listing every failure, if any. */
  finish(): void {
    if (this.failures.length > 0) throw invalidParameters(this.failures);
  }

  has(name: string): boolean {
    return Object.hasOwn(this.params, name);
  }

  private present(name: string): unknown {
    const value = this.params[name];
    return value === null ? undefined : value;
  }

  private coerceString(name: string, value: unknown): string | undefined {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    return this.fail(name, 'is invalid', undefined);
  }

  private fail<T>(name: string, problem: string, fallback: T): T {
    this.failures.push(`${name} ${problem}`);
    return fallback;
  }
}

const TRUE_WORDS = new Set([
  '1',
  'on',
  'On',
  'ON',
  't',
  'true',
  'True',
  'TRUE',
  'T',
  'y',
  'yes',
  'Yes',
  'YES',
  'Y',
]);
const FALSE_WORDS = new Set([
  '0',
  'off',
  'Off',
  'OFF',
  'f',
  'false',
  'False',
  'FALSE',
  'F',
  'n',
  'no',
  'No',
  'NO',
  'N',
]);

function isCalendarDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
