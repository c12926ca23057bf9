/**
 * Options only the Action has: revoke-after-job, which its post step carries out. Parsed with the GitLab and
 * GitHub-secret options so that contradictions are found before the first request.
 */
import type { OptionSet } from '../core/options/parse-options.js';
import { misappliedOptions, option, parseBoolean, parseShape } from '../core/options/option-kit.js';

export const ACTION_OPTIONS = {
  'revoke-after-job': option(
    {
      description:
        "create: revoke the new token when the job ends (the Action's post step), for tokens that only this job needs. Works for every token-kind: the post step revokes it through its project, group or service account's group, with the same gitlab-token.",
      operations: ['create'],
      defaultText: 'false',
    },
    parseBoolean,
  ),
};

export const actionOptions: OptionSet<{ readonly revokeAfterJob: boolean }> = {
  shape: ACTION_OPTIONS,
  parse(given, { operation, input: gitlab }) {
    const { input, problems } = parseShape(ACTION_OPTIONS, given);
    problems.push(...misappliedOptions(ACTION_OPTIONS, given, operation));
    const revokeAfterJob = input['revoke-after-job'] ?? false;
    if (revokeAfterJob && gitlab['variable-key'] !== undefined) {
      problems.push(
        'Inputs variable-key and revoke-after-job contradict each other: the token is revoked when this job ends, so the variable would hold a revoked token for every later job. Give only one of them.',
      );
    }
    if (revokeAfterJob && given['github-secret'] !== undefined) {
      problems.push(
        'Inputs github-secret and revoke-after-job contradict each other: the token is revoked when this job ends, so github-secret would hold a revoked token for every later job. Give only one of them.',
      );
    }
    return { value: { revokeAfterJob }, problems };
  },
};
