/**
 * Compares an emulator answer with a recorded one by shape: the same field names and the same JSON types,
 * recursively (null is its own type). Values are not compared: ids, timestamps and hosts differ by nature.
 * Known, documented differences between GitLab versions are passed in as field names to tolerate.
 */
export interface ShapeTolerance {
  /** Fields a recording may have that the emulator (which follows 19.0.2) does not. */
  readonly onlyInRecording?: readonly string[];
  /** Fields the emulator has that an older recording does not. */
  readonly onlyInEmulator?: readonly string[];
  /** Fields whose recorded value reflects state the emulator does not model; null is accepted for them. */
  readonly nullableInEmulator?: readonly string[];
  /** Also require the same field order (the emulator matches 19.0.2's order). */
  readonly checkOrder?: boolean;
}

export function compareShape(
  recorded: unknown,
  actual: unknown,
  tolerance: ShapeTolerance = {},
  at = '$',
): string[] {
  const recordedType = jsonType(recorded);
  const actualType = jsonType(actual);
  if (recordedType !== actualType) {
    const field = at.split('.').at(-1) ?? '';
    if (actualType === 'null' && tolerance.nullableInEmulator?.includes(field)) return [];
    return [`${at}: recorded ${recordedType}, emulator ${actualType}`];
  }
  if (Array.isArray(recorded) && Array.isArray(actual)) {
    if (recorded.length !== actual.length)
      return [`${at}: recorded ${recorded.length} items, emulator ${actual.length}`];
    return recorded.flatMap((item, index) => compareShape(item, actual[index], tolerance, `${at}[${index}]`));
  }
  if (recordedType !== 'object') return [];
  const left = recorded as Record<string, unknown>;
  const right = actual as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(left)) {
    if (!(key in right)) {
      if (!tolerance.onlyInRecording?.includes(key)) problems.push(`${at}.${key}: missing in the emulator`);
      continue;
    }
    problems.push(...compareShape(left[key], right[key], tolerance, `${at}.${key}`));
  }
  for (const key of Object.keys(right)) {
    if (!(key in left) && !tolerance.onlyInEmulator?.includes(key))
      problems.push(`${at}.${key}: not in the recording`);
  }
  if (tolerance.checkOrder && problems.length === 0) {
    const recordedOrder = Object.keys(left).join(',');
    const actualOrder = Object.keys(right).join(',');
    if (recordedOrder !== actualOrder)
      problems.push(`${at}: field order ${actualOrder}, recorded ${recordedOrder}`);
  }
  return problems;
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
