/**
 * The kit every option set is built from: an option is a raw string (from `core.getInput`, a `--flag`, an
 * environment variable or an inventory entry) turned into a typed value, with a message that says what was
 * expected and what was given. The GitLab options (gitlab-options.ts), the GitHub-secret options
 * (src/github/github-secret-options.ts) and the CLI's own (src/cli/cli-options.ts) are all made of these, so every
 * front door and the docs read them the same way.
 */
import { tokenShapedParts } from '../redact.js';
import { isCalendarDate, parseDuration, type Duration } from '../time/expiry.js';

export const OPERATIONS = ['create', 'list', 'get', 'revoke', 'rotate', 'sync', 'audit'] as const;
export type Operation = (typeof OPERATIONS)[number];

export interface OptionMeta {
  /** User-facing; feeds action.yml, the CLI help, the component specs and the README. */
  readonly description: string;
  /** Operations the option applies to; giving it to another operation is an input error. Absent: all. */
  readonly operations?: readonly Operation[];
  /** Never echoed in messages, registered for redaction before anything is parsed. */
  readonly secret?: boolean;
  /** The default as users read it in docs (the parse holds the real one). */
  readonly defaultText?: string;
  /**
   * The default as a front door may declare it (action.yml `default:`): only for defaults that do not depend on
   * the operation or the environment.
   */
  readonly declaredDefault?: string;
  /** CLI: environment variables read when the flag is absent, first one set wins (after GITLAB_PAT_<NAME>). */
  readonly env?: readonly string[];
  /** CLI: a flag that takes no value. */
  readonly flag?: boolean;
}

export type Parsed<T> =
  | { ok: true; value: T }
  /** `conceal`: the given text must not be echoed (it holds a secret) even though the option is not secret. */
  | { ok: false; expected: string; problem?: string; conceal?: boolean };

export const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
export const bad = (expected: string, problem?: string): Parsed<never> =>
  problem === undefined ? { ok: false, expected } : { ok: false, expected, problem };

/**
 * Text shaped like a GitLab token (`glpat-`, `glptt-`, `gldt-`, `glrt-`, `glsoat-`, ... and instance prefixes in
 * front of them): never echoed, whatever option it was given to. A secret pasted into the wrong option is the
 * commonest way a token reaches a log.
 */
export function looksLikeToken(text: string): boolean {
  return tokenShapedParts(text).length > 0;
}

/** The parts of a text shaped like a GitLab token, for registering them as secrets before anything is parsed. */
export { tokenShapedParts };

/** Values longer than this are described, not quoted. */
const MAX_SHOWN_LENGTH = 80;

/**
 * How a given value is shown in a message: quoted whole, or not at all when it may be a secret or is too long to
 * quote. A value is never shown in part: redaction (which runs on every line written) recognises a secret only
 * whole, so the first half of a secret cut off here would be printed. Short values are quoted whole, and any secret
 * in them is then redacted; a long one is described by its length.
 */
export function describeGiven(text: string, problem?: string): string {
  if (looksLikeToken(text)) {
    return `the value given looks like a GitLab token (not shown)${problem ? `; ${problem}` : ''}`;
  }
  return `got ${quoteGiven(text)}${problem ? ` (${problem})` : ''}`;
}

/** A given value, quoted whole when it is short enough, else its length (see describeGiven). */
export function quoteGiven(text: string, maxLength = MAX_SHOWN_LENGTH): string {
  return text.length > maxLength
    ? `a value of ${text.length} characters (too long to show)`
    : JSON.stringify(text);
}

/**
 * One option: its metadata (for the docs, the help and the checks that keep them in step) and its parse, which is the
 * whole definition of what the option accepts. Plain data on purpose: every run parses its options before the first
 * request, and a schema library here cost more start-up time than the rest of the option code (issue 12: zod/mini
 * was 116 kB of a 270 kB entry, and a cold `get self` took 13 ms less CPU without it, for a loop over the given
 * names).
 */
export interface OptionSchema<T = unknown> {
  readonly meta: OptionMeta;
  /** Parses the trimmed, non-empty text given for the option. */
  readonly parse: (text: string) => Parsed<T>;
}

export function option<T>(meta: OptionMeta, parse: (text: string) => Parsed<T>): OptionSchema<T> {
  return { meta: { ...meta }, parse };
}

export type OptionShape = Readonly<Record<string, OptionSchema>>;

export function optionMeta(schema: OptionSchema): OptionMeta {
  return schema.meta;
}

/** Options as strings, by name; empty strings mean "not given" (the Action passes every input, set or not). */
export type RawOptions = Readonly<Record<string, string | undefined>>;

/** The options actually given: trimmed, empty ones dropped. */
export function givenOptions(raw: RawOptions, names: readonly string[]): Record<string, string> {
  const given: Record<string, string> = {};
  for (const name of names) {
    const value = raw[name]?.trim();
    if (value !== undefined && value !== '') given[name] = value;
  }
  return given;
}

/**
 * Parses the given options of one shape: a typed record of those that parsed, and the problems of those that did
 * not (one line each, naming the input). Callers act on the record only when there are no problems.
 * `label` names where the options came from in messages ("Input", or "tokens[3] (deploy-bot): key").
 */
export function parseShape<S extends OptionShape>(
  shape: S,
  given: Record<string, string>,
  label: (name: string) => string = (name) => `Input ${name}`,
): { input: ShapeOutput<S>; problems: string[] } {
  const input: Record<string, unknown> = {};
  const problems: string[] = [];
  // In the shape's order, so that problems are listed as the docs list the options.
  for (const [name, schema] of Object.entries(shape)) {
    const text = given[name];
    if (text === undefined) continue;
    const result = schema.parse(text);
    if (result.ok) {
      input[name] = result.value;
      continue;
    }
    const shown =
      schema.meta.secret || result.conceal
        ? (result.problem ?? 'the value given is not one')
        : describeGiven(text, result.problem);
    problems.push(`${label(name)}: expected ${result.expected}; ${shown}.`);
  }
  // With problems, the options that did parse: later checks (which options apply to the operation) need the
  // operation even when another option is wrong, and must not fall back to the default operation's rules.
  return { input: input as ShapeOutput<S>, problems };
}

/** What one option shape parses to: every option optional, typed by its parse. */
export type ShapeOutput<S extends OptionShape> = {
  readonly [K in keyof S]?: S[K] extends OptionSchema<infer O> ? O : never;
};

const MISAPPLIED = 'does not apply to operation';

/** Whether a problem is misappliedOptions' (it means nothing while the operation itself is not valid). */
export function isMisappliedProblem(problem: string): boolean {
  return problem.includes(` ${MISAPPLIED} `);
}

/** Options of a shape given to an operation they do not apply to. */
export function misappliedOptions(
  shape: OptionShape,
  given: Record<string, string>,
  operation: Operation,
): string[] {
  const problems: string[] = [];
  for (const [name, schema] of Object.entries(shape)) {
    const applies = optionMeta(schema).operations;
    if (given[name] !== undefined && applies && !applies.includes(operation)) {
      problems.push(
        `Input ${name} ${MISAPPLIED} ${operation} (it is for ${applies.join(', ')}); remove it or change the operation.`,
      );
    }
  }
  return problems;
}

/** "Inputs a, b need c" for options that only make sense together with another. */
export function orphanProblem(orphans: readonly string[], needs: string, why: string): string | undefined {
  if (orphans.length === 0) return undefined;
  const plural = orphans.length > 1;
  return `Input${plural ? 's' : ''} ${orphans.join(', ')} need${plural ? '' : 's'} ${needs}: ${why}.`;
}

// Parsers shared by several option sets.

export const parseText =
  (maxLength: number) =>
  (text: string): Parsed<string> =>
    text.length <= maxLength ? ok(text) : bad(`at most ${maxLength} characters`, `${text.length} characters`);

export function parseBoolean(text: string): Parsed<boolean> {
  if (/^(true|yes|on|1)$/i.test(text)) return ok(true);
  if (/^(false|no|off|0)$/i.test(text)) return ok(false);
  return bad('true or false');
}

export function parseChoice<T extends string>(choices: readonly T[]) {
  return (text: string): Parsed<T> => {
    const lower = text.toLowerCase();
    const match = choices.find((choice) => choice === lower);
    return match ? ok(match) : bad(`one of ${choices.join(', ')}`);
  };
}

export function parseDurationText(text: string): Parsed<Duration> {
  const duration = parseDuration(text);
  if (duration) return ok(duration);
  const expected = 'a duration such as 30d, 12w, 6m or 1y (d days, w weeks, m months, y years)';
  const match = /^(\d+)\s*([A-Za-z]*)$/.exec(text.trim());
  if (match && /^[dwmy]$/i.test(match[2] ?? '') && Number(match[1]) === 0) {
    return bad(expected, 'a duration of zero');
  }
  if (match && match[2] !== '' && !/^[dwmy]$/i.test(match[2] ?? '')) {
    return bad(expected, `unknown unit "${match[2]}"`);
  }
  if (match && /^\d{5,}/.test(match[1] ?? '')) return bad(expected, 'too large');
  if (match && match[2] === '') return bad(expected, `no unit: did you mean ${match[1]}d?`);
  return bad(expected);
}

export function parseDate(text: string): Parsed<string> {
  return isCalendarDate(text) ? ok(text) : bad('a date as YYYY-MM-DD, such as 2027-03-31');
}

/** An environment variable name (the CLI's *-variable options name one; never its value). */
export function parseVariableName(text: string): Parsed<string> {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(text)
    ? ok(text)
    : bad('an environment variable name, such as DEPLOY_TOKEN');
}

/**
 * A credential goes into an HTTP header as is: a character that cannot, or one nobody can see (a zero-width space
 * from a copy-paste, a line break from a secret store), is a mistake in how the secret was stored. Found here,
 * before any request, instead of as a network error after five attempts. Never echoes the value.
 */
export function parseSecretText(kind: string, minLength: number) {
  return (text: string): Parsed<string> => {
    const expected = `${kind} (at least ${minLength} characters, no spaces, line breaks or invisible characters)`;
    const invisible = findInvisibleCharacter(text);
    if (invisible) return bad(expected, invisible);
    if (text.length < minLength) return bad(expected, `the value given has only ${text.length} characters`);
    return ok(text);
  };
}

/**
 * The first character of a secret that cannot be sent in an HTTP header or cannot be seen: its position (1-based)
 * and code point, never the value.
 */
export function findInvisibleCharacter(text: string): string | undefined {
  let position = 0;
  for (const character of text) {
    position += 1;
    const code = character.codePointAt(0) ?? 0;
    const what =
      character === '\n' || character === '\r'
        ? 'a line break'
        : /\s/u.test(character)
          ? 'a space'
          : code < 0x20 || code === 0x7f
            ? 'a control character'
            : code > 0x7e
              ? /[\p{Cf}\p{Zs}\p{Zl}\p{Zp}]/u.test(character)
                ? 'an invisible character'
                : 'a character outside printable ASCII, which cannot be sent in an HTTP header'
              : undefined;
    if (what) {
      const hex = code.toString(16).toUpperCase().padStart(4, '0');
      return `the value given contains ${what} (U+${hex}) at position ${position}`;
    }
  }
  return undefined;
}

/** The candidate closest to a mistyped name (at most 3 edits away), for "did you mean". */
export function closestName(word: string, candidates: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const distance = editDistance(word.toLowerCase(), name.toLowerCase());
    if (best === undefined || distance < best.distance) best = { name, distance };
  }
  return best !== undefined && best.distance <= Math.min(3, Math.max(1, Math.floor(word.length / 2)))
    ? best.name
    : undefined;
}

function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    let diagonal = previous[0] ?? 0;
    previous[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const above = previous[j] ?? 0;
      previous[j] = Math.min(
        above + 1,
        (previous[j - 1] ?? 0) + 1,
        diagonal + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      diagonal = above;
    }
  }
  return previous[b.length] ?? 0;
}
