/** The GitLab API emulator: everything tests, end-to-end runs and the demo use. */
export { startEmulator, type EmulatorOptions } from './emulator.js';
export type {
  AddServiceAccountSpec,
  GitlabEmulator,
  IssuedResourceToken,
  IssueResourceTokenSpec,
  SetVariableSpec,
  VariableOwner,
} from './control-api.js';
export type { EmuVariable, VariableType } from './ci-variables.js';
export {
  ACCESS_LEVELS,
  type AddGroupSpec,
  type AddProjectSpec,
  type EmuGroup,
  type EmuMember,
  type EmuProject,
  type MemberSpec,
  type ResourceRef,
  type Visibility,
} from './namespaces.js';
export type { ClockAdvance, EmulatedClock } from './clock.js';
export {
  htmlErrorPage,
  redirectAnswer,
  type FaultAnswer,
  type FaultRequest,
  type FaultSpec,
} from './faults.js';
export type { RecordedRequest } from './request-log.js';
export type {
  AddUserSpec,
  EmuToken,
  EmuUser,
  IssueTokenSpec,
  IssueTokensSpec,
  Tier,
  UserState,
} from './state.js';
export { ALL_AVAILABLE_SCOPES, RESOURCE_BOT_SCOPES } from './scopes.js';
export { loadTestCertificates, type TestCertificates } from './tls/certificates.js';
