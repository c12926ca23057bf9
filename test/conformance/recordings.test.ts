/**
 * Conformance: replays the requests real GitLab instances (17.11.7, 18.11.5, 19.0.2) answered in the Vault
 * GitLab plugin's integration tests (recordings/, copied from the shared recordings, MIT) against the emulator, and
 * compares status codes, JSON field names and types, and error bodies exactly. See replay.ts for how each
 * request's credential is inferred.
 *
 * Skipped:
 *
 * | what                                                                  | why                                              |
 * |-----------------------------------------------------------------------|--------------------------------------------------|
 * | requests to deploy tokens and pipeline triggers                       | not token kinds the product manages (skipped per |
 * |                                                                       | request, the rest of the recording is replayed)  |
 * | `self` lookups and revocations with a token such a request created     | the token cannot exist in the emulator           |
 *
 * Every token kind is replayed: personal access tokens, project and group access tokens (create, revoke, 401 and
 * 404 bodies), group, project and instance service accounts and their tokens, and `DELETE /users/:id`. Tokens
 * and users the recordings create get the emulator's ids and generated usernames; replay.ts maps later requests
 * to them. Groups and projects (`GET /groups/:id`, `GET /projects/:id`) are replayed against groups, projects and
 * memberships inferred from the answers (recorded-namespaces.ts). No recording covers CI/CD variables, rotation
 * of project, group or service-account tokens, or `members/all`; the emulator's own tests check those against
 * GitLab's source.
 *
 * Differences between versions (the emulator answers like 19.0.2):
 *
 * | version | difference                                                                                           |
 * |---------|------------------------------------------------------------------------------------------------------|
 * | 17.11.7 | tokens have no `granular` and `self` no `last_used_ips`; users have `skype` and                       |
 * |         | `email_reset_offered_at` but no `github` or `preferred_language`; groups lack `archived`,            |
 * |         | `show_diff_preview_in_email`, `marked_for_deletion_on`, `duo_namespace_access_rules`,                |
 * |         | `service_access_tokens_expiration_enforced`; projects lack `marked_for_deletion_at/_on`,             |
 * |         | `package_registry_access_level`, `show_diff_preview_in_email`,                                       |
 * |         | `resource_group_default_process_mode`, `protect_merge_request_pipelines`,                            |
 * |         | `ci_display_pipeline_variables` and `mr_default_title_template`                                      |
 * | 18.11.5 | projects lack `mr_default_title_template`                                                            |
 * | all     | users' `last_sign_in_at`/`current_sign_in_at` are set after a web sign-in, which the emulator does not |
 * |         | model: null is accepted where the recording has a time                                               |
 *
 * Field order is compared for 19.0.2 only.
 */
import { describe, expect, it } from 'vitest';
import { describeInstance, type RecordedInstance } from './recorded-instance.js';
import { loadRecordings } from './recordings.js';
import { replayRecording, type InteractionOutcome } from './replay.js';
import type { ShapeTolerance } from './shape-comparison.js';

const EMULATED_VERSION = '19.0.2';

const UNMODELED_STATE = ['last_sign_in_at', 'current_sign_in_at'];

/** Project fields added in 19.0. */
const NEW_IN_19_0 = ['mr_default_title_template'];

const TOLERANCE: Record<string, ShapeTolerance> = {
  '17.11.7': {
    onlyInRecording: ['skype', 'email_reset_offered_at'],
    onlyInEmulator: [
      ...['granular', 'last_used_ips', 'github', 'preferred_language', 'public_email'],
      ...['archived', 'show_diff_preview_in_email', 'marked_for_deletion_on', 'duo_namespace_access_rules'],
      ...[
        'service_access_tokens_expiration_enforced',
        'marked_for_deletion_at',
        'package_registry_access_level',
      ],
      ...[
        'resource_group_default_process_mode',
        'protect_merge_request_pipelines',
        'ci_display_pipeline_variables',
      ],
      ...NEW_IN_19_0,
    ],
    nullableInEmulator: UNMODELED_STATE,
  },
  '18.11.5': { onlyInEmulator: NEW_IN_19_0, nullableInEmulator: UNMODELED_STATE },
  [EMULATED_VERSION]: { nullableInEmulator: UNMODELED_STATE, checkOrder: true },
};

const recordings = loadRecordings();
const instances = new Map<string, RecordedInstance>();
for (const version of new Set(recordings.map((recording) => recording.version))) {
  instances.set(version, describeInstance(recordings.filter((recording) => recording.version === version)));
}
const outcomes = new Map<string, InteractionOutcome[]>();

describe('the emulator answers like the recorded GitLab', () => {
  it.each(recordings.map((recording) => [recording.file, recording] as const))(
    '%s',
    async (_file, recording) => {
      const instance = instances.get(recording.version);
      if (!instance) throw new Error(`no instance for ${recording.version}`);
      const results = await replayRecording(recording, instance, TOLERANCE[recording.version] ?? {});
      outcomes.set(recording.file, results);

      const mismatches = results
        .filter((result) => result.problems.length > 0)
        .map((result) => `#${result.index} ${result.line}: ${result.problems.join('; ')}`);
      expect(mismatches).toEqual([]);
    },
  );

  it('replays everything the recordings show of tokens, service accounts, users, metadata, groups and projects', () => {
    const all = [...outcomes.values()].flat();
    const replayed = all.filter((outcome) => outcome.skipped === undefined);
    const byReason = new Map<string, number>();
    for (const outcome of all) {
      if (outcome.skipped) byReason.set(outcome.skipped, (byReason.get(outcome.skipped) ?? 0) + 1);
    }
    console.log(
      `conformance: ${recordings.length} recordings, ${all.length} interactions, ${replayed.length} replayed; skipped:`,
      Object.fromEntries(byReason),
    );
    expect(outcomes.size).toBe(recordings.length);
    expect(byReason.get('no credential can be inferred') ?? 0).toBe(0);
    expect(byReason.get('uses a token created by a skipped request') ?? 0).toBe(0);
    const skippedKinds = all
      .filter((outcome) => outcome.skipped !== undefined)
      .map((outcome) => outcome.line.replace(/^\S+ \/api\/v4\/(projects|groups)\/[^/]+\/(\w+).*$/, '$2'));
    expect(new Set(skippedKinds)).toEqual(new Set(['deploy_tokens', 'triggers']));
    expect(replayed.length).toBeGreaterThan(all.length * 0.9);
  });
});
