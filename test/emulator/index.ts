/** The GitLab API emulator: everything tests, end-to-end runs and the demo use. */
export { startEmulator, type EmulatorOptions, type GitlabEmulator } from './emulator.js';
export type { ClockAdvance, EmulatedClock } from './clock.js';
export type { FaultSpec } from './faults.js';
export type { RecordedRequest } from './request-log.js';
export type { AddUserSpec, EmuToken, EmuUser, IssueTokenSpec, UserState } from './state.js';
export { ALL_AVAILABLE_SCOPES } from './scopes.js';
