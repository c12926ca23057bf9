/**
 * Project and group CI/CD variables and the model rules GitLab validates them with (app/models/ci/variable.rb,
 * app/models/ci/group_variable.rb and their concerns Ci::HasVariable, Ci::Maskable, Ci::RawVariable,
 * Ci::HidableVariable, Ci::HasEnvironmentScope). Validation answers ActiveModel's `errors.messages`: attribute
 * to messages, in the order the validations are declared, which the API returns as `{"message": {...}}`.
 *
 * Not validated here, because GitLab does not for project and group variables: the value's length. The 10,000
 * character limit belongs to instance variables (Ci::InstanceVariable) only.
 */

export type VariableType = 'env_var' | 'file';

export interface EmuVariable {
  readonly key: string;
  /** The stored value, also for hidden variables (the API answers `null` for those). */
  readonly value: string;
  readonly masked: boolean;
  readonly hidden: boolean;
  readonly protected: boolean;
  readonly environmentScope: string;
  readonly raw: boolean;
  readonly variableType: VariableType;
  readonly description: string | null;
}

/** Where variables live; the key of the store. */
export type VariableOwnerRef = { readonly kind: 'project' | 'group'; readonly id: number };

export interface StoredVariable extends EmuVariable {
  /** Row id: lists and `find_by` without an order follow insertion order. */
  readonly id: number;
}

/**
 * Attributes as ActiveRecord would hold them before validation; `null` is a boolean the caster could not read
 * (e.g. a group's `masked: ""`), which fails the inclusion validations.
 */
export interface VariableAttributes {
  key: string;
  value: string;
  masked: boolean | null;
  hidden: boolean;
  protected: boolean;
  environmentScope: string;
  raw: boolean | null;
  variableType: VariableType;
  description: string | null;
}

export type ValidationErrors = Record<string, string[]>;

export type SaveResult =
  | { readonly saved: true; readonly variable: StoredVariable }
  | { readonly saved: false; readonly errors: ValidationErrors };

/** Ci::Maskable::REGEX: what a masked, expanded value may consist of. */
export const MASKABLE_VALUE = /^[a-zA-Z0-9_+=/@:.~-]{8,}$/u;
/** Ci::Maskable::MASK_AND_RAW_REGEX: `\S{8,}`, with Ruby's ASCII notion of whitespace. */
export const MASKABLE_RAW_VALUE = /^[^ \t\r\n\f\v]{8,}$/u;
const KEY_FORMAT = /^[a-zA-Z0-9_]+$/;
/** Gitlab::Regex.environment_scope_regex. */
const ENVIRONMENT_SCOPE_FORMAT = /^[a-zA-Z0-9_/${}. \-*]+$/;
const ENVIRONMENT_SCOPE_MESSAGE =
  "can contain only letters, digits, '-', '_', '/', '$', '{', '}', '.', '*' and spaces";
const MAX_KEY_LENGTH = 255;
const MAX_DESCRIPTION_LENGTH = 255;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export class CiVariableStore {
  private readonly rows = new Map<string, Mutable<StoredVariable>[]>();
  private nextId = 1;

  list(owner: VariableOwnerRef): StoredVariable[] {
    return (this.rows.get(ownerKey(owner)) ?? []).map((row) => ({ ...row }));
  }

  /** `VariablesFinder`: by exact key, and by environment scope when one is given (blank means none). */
  find(owner: VariableOwnerRef, key: string, environmentScope?: string): StoredVariable[] {
    return this.list(owner).filter(
      (row) =>
        row.key === key &&
        (environmentScope === undefined ||
          environmentScope === '' ||
          row.environmentScope === environmentScope),
    );
  }

  /** Validates like `variables.create` and stores on success. */
  create(owner: VariableOwnerRef, attributes: VariableAttributes): SaveResult {
    const normalized = normalize(attributes);
    const errors = validate(normalized, this.list(owner), undefined);
    if (errors) return { saved: false, errors };
    // Validation rejects unreadable booleans, so these fallbacks never apply.
    const row = {
      ...normalized,
      masked: normalized.masked ?? false,
      raw: normalized.raw ?? false,
      id: this.nextId++,
    };
    this.rows.set(ownerKey(owner), [...(this.rows.get(ownerKey(owner)) ?? []), row]);
    return { saved: true, variable: { ...row } };
  }

  /** Validates like `variable.update(changes)` and stores on success. `hidden` and `key` never change. */
  update(
    owner: VariableOwnerRef,
    id: number,
    changes: Partial<Omit<VariableAttributes, 'key' | 'hidden'>>,
  ): SaveResult {
    const rows = this.rows.get(ownerKey(owner)) ?? [];
    const row = rows.find((candidate) => candidate.id === id);
    if (!row) throw new Error(`update: no variable ${id}`);
    const next = normalize({ ...row, ...changes });
    const errors = validate(next, this.list(owner), row);
    if (errors) return { saved: false, errors };
    Object.assign(row, { ...next, masked: next.masked ?? false, raw: next.raw ?? false });
    return { saved: true, variable: { ...row } };
  }

  remove(owner: VariableOwnerRef, id: number): void {
    const key = ownerKey(owner);
    this.rows.set(
      key,
      (this.rows.get(key) ?? []).filter((row) => row.id !== id),
    );
  }

  /** The control API's direct write: insert or replace by key and scope, without GitLab's validations. */
  put(owner: VariableOwnerRef, variable: EmuVariable): void {
    const key = ownerKey(owner);
    const rows = this.rows.get(key) ?? [];
    const existing = rows.find(
      (row) => row.key === variable.key && row.environmentScope === variable.environmentScope,
    );
    if (existing) Object.assign(existing, variable);
    else rows.push({ id: this.nextId++, ...variable });
    this.rows.set(key, rows);
  }

  /** A deleted project or group takes its variables with it. */
  dropOwner(owner: VariableOwnerRef): void {
    this.rows.delete(ownerKey(owner));
  }
}

function ownerKey(owner: VariableOwnerRef): string {
  return `${owner.kind}:${owner.id}`;
}

/** The attribute writers strip the key and the environment scope. */
function normalize(attributes: VariableAttributes): VariableAttributes {
  return { ...attributes, key: attributes.key.trim(), environmentScope: attributes.environmentScope.trim() };
}

function validate(
  next: VariableAttributes,
  siblings: readonly StoredVariable[],
  stored: StoredVariable | undefined,
): ValidationErrors | undefined {
  const errors = new ErrorCollector();

  // Ci::HasVariable
  if (next.key === '') errors.add('key', "can't be blank");
  if (next.key.length > MAX_KEY_LENGTH)
    errors.add('key', `is too long (maximum is ${MAX_KEY_LENGTH} characters)`);
  if (!KEY_FORMAT.test(next.key)) errors.add('key', "can contain only letters, digits and '_'.");

  // Ci::Maskable
  if (next.masked === null) errors.add('masked', 'is not included in the list');
  if (next.masked === true && next.raw !== true && !MASKABLE_VALUE.test(next.value))
    errors.add('value', 'is invalid');
  if (next.masked === true && next.raw === true && !MASKABLE_RAW_VALUE.test(next.value))
    errors.add('value', 'is invalid');

  // Ci::RawVariable
  if (next.raw === null) errors.add('raw', 'is not included in the list');

  // Ci::HidableVariable
  if (!stored && next.hidden && next.masked === false)
    errors.add('masked', 'should be true when variable is hidden');
  if (stored && stored.masked !== next.masked && stored.hidden) {
    errors.add('base', 'The visibility setting cannot be changed for masked and hidden variables.');
  }

  // Ci::HasEnvironmentScope
  if (next.environmentScope === '') errors.add('environment_scope', "can't be blank");
  if (!ENVIRONMENT_SCOPE_FORMAT.test(next.environmentScope))
    errors.add('environment_scope', ENVIRONMENT_SCOPE_MESSAGE);

  // Ci::Variable / Ci::GroupVariable
  if ((next.description ?? '').length > MAX_DESCRIPTION_LENGTH)
    errors.add('description', `is too long (maximum is ${MAX_DESCRIPTION_LENGTH} characters)`);
  const taken = siblings.some(
    (row) => row.id !== stored?.id && row.key === next.key && row.environmentScope === next.environmentScope,
  );
  if (taken) errors.add('key', `(${next.key}) has already been taken`);

  return errors.result();
}

/** ActiveModel::Errors#messages: insertion-ordered attributes, each with its messages. */
class ErrorCollector {
  private readonly messages = new Map<string, string[]>();

  add(attribute: string, message: string): void {
    this.messages.set(attribute, [...(this.messages.get(attribute) ?? []), message]);
  }

  result(): ValidationErrors | undefined {
    return this.messages.size === 0 ? undefined : Object.fromEntries(this.messages);
  }
}
