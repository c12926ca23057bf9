/** The GitLab API emulator: everything tests, end-to-end runs and the demo use. */
export {
  startEmulator,
  type EmulatorOptions,
  type GitlabEmulator,
  type SetVariableSpec,
  type VariableOwner,
} from './emulator.js';
export type { EmuVariable, VariableType } from './ci-variables.js';
export {
  ACCESS_LEVELS,
  type AddGroupSpec,
  type AddProjectSpec,
  type EmuGroup,
  type EmuMember,
  type EmuProject,
  type MemberSpec,
  type Visibility,
} from './namespaces.js';
export type { ClockAdvance, EmulatedClock } from './clock.js';
export type { FaultSpec } from './faults.js';
export type { RecordedRequest } from './request-log.js';
export type { AddUserSpec, EmuToken, EmuUser, IssueTokenSpec, UserState } from './state.js';
export { ALL_AVAILABLE_SCOPES } from './scopes.js';
