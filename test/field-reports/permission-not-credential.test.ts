/**
 * Issue 8, kind 6: a permission problem reported as a bad credential. Once GitLab has accepted the credential in a
 * run (any earlier request succeeded: RunCredential in gitlab-client.ts), a 401 or 403 is about what it may do, and
 * the message says who may (an administrator, a role); only a credential that never worked is called invalid.
 */
import { describe, expect, it } from 'vitest';
import { describeGitlabError } from '../../src/core/gitlab/describe-error.js';
import { GitlabHttpError } from '../../src/core/gitlab/request.js';
import { ExitCode } from '../../src/core/errors.js';
import { runCore, type CoreRun } from '../support/run-core.js';
import { runCli } from '../support/run-dist.js';
import { PROJECT, useIssueSeed } from './issue-seed.js';

const seed = useIssueSeed();
const exitCodeOf = (run: CoreRun) => (run.error ? ((run.error as { exitCode?: number }).exitCode ?? -1) : 0);
const INVALID = 'check that it is a valid, unexpired token';

function nonAdmin() {
  seed.gitlab.addUser({ username: 'alice' });
  return seed.gitlab.issueToken({ user: 'alice', name: 'laptop', scopes: ['api'], expiresAt: '2027-01-10' });
}

describe("a non-administrator's credential, accepted earlier in the run", () => {
  it('list --user root: says an administrator is needed, not that the token is invalid', async () => {
    const alice = nonAdmin();
    const run = await runCli(['list', '--user', 'root'], seed.env(alice.token));
    expect(run.exitCode).toBe(ExitCode.failedUnchanged);
    expect(run.stderr).toContain('Listing the tokens of user root on');
    expect(run.stderr).toContain('GitLab answered 401');
    expect(run.stderr).toContain(
      'GitLab accepts this credential (another request of this run succeeded with it)',
    );
    expect(run.stderr).toContain("needs an administrator's credential");
    expect(run.stderr).not.toContain(INVALID);
  });

  it('revoke --user root --token-name automation: the same, and nothing is revoked', async () => {
    const alice = nonAdmin();
    const run = await runCli(
      ['revoke', '--user', 'root', '--token-name', 'automation'],
      seed.env(alice.token),
    );
    expect(run.exitCode).toBe(ExitCode.failedUnchanged);
    expect(run.stderr).toContain('Listing the active tokens of user root');
    expect(run.stderr).toContain("needs an administrator's credential");
    expect(run.stderr).not.toContain(INVALID);
    expect(seed.gitlab.token(seed.admin.id)?.revoked).toBe(false);
  });

  it("a project's tokens, refused on the first request: one read of the credential tells it is a permission", async () => {
    const alice = nonAdmin();
    seed.gitlab.addMember({ project: PROJECT }, 'alice', 30);
    const run = await runCore(seed.gitlab, {
      operation: 'list',
      'gitlab-token': alice.token,
      'token-kind': 'project',
      project: PROJECT,
    });
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(run.error?.message).toContain('answered 401');
    expect(run.error?.message).toContain(
      'GitLab accepts this credential (another request of this run succeeded with it)',
    );
    expect(run.error?.message).toContain(
      'Listing the tokens of project platform/deployer needs a Maintainer or Owner of the project, or an administrator',
    );
    expect(seed.gitlab.requests.map((request) => `${request.path} ${request.status}`)).toEqual([
      '/api/v4/projects/platform%2Fdeployer/access_tokens 401',
      '/api/v4/personal_access_tokens/self 200',
    ]);
  });

  it('rotating a project token as a Developer: the credential was read first, so the message names the role', async () => {
    const alice = nonAdmin();
    seed.gitlab.addMember({ project: PROJECT }, 'alice', 30);
    const bot = seed.gitlab.issueResourceToken({ project: PROJECT, name: 'deploy', scopes: ['api'] });
    const run = await runCore(seed.gitlab, {
      'gitlab-token': alice.token,
      'token-kind': 'project',
      project: PROJECT,
      'token-name': 'deploy',
    });
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(run.error?.message).toContain(
      'GitLab accepts this credential (another request of this run succeeded with it)',
    );
    expect(run.error?.message).toContain('a Maintainer or Owner of the project, or an administrator');
    expect(run.error?.message).not.toContain(INVALID);
    expect(seed.gitlab.token(bot.id)?.revoked).toBe(false);
  });

  it('writing a variable without the role: names the role after the credential was accepted', async () => {
    const alice = nonAdmin();
    seed.gitlab.addMember({ project: PROJECT }, 'alice', 30);
    const run = await runCore(seed.gitlab, {
      'gitlab-token': alice.token,
      'variable-key': 'LAPTOP_TOKEN',
      'variable-project': PROJECT,
    });
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(run.error?.message).toContain('needs the Maintainer role');
    expect(run.error?.message).toContain(
      'GitLab accepts this credential (another request of this run succeeded with it)',
    );
    expect(seed.changes()).toEqual([]);
  });
});

describe('a credential GitLab never accepted', () => {
  it('is called what it is: not accepted', async () => {
    const run = await runCli(['list', '--user', 'root'], seed.env('glpat-NeverIssuedTokenValue0000'));
    expect(run.exitCode).toBe(ExitCode.failedUnchanged);
    expect(run.stderr).toContain('GitLab did not accept the credential (gitlab-token)');
    expect(run.stderr).not.toContain('GitLab accepts this credential');
  });

  it('an administrator whose token was revoked is told so', async () => {
    const revoked = seed.gitlab.issueToken({ user: 'root', name: 'old', scopes: ['api'], revoked: true });
    const run = await runCli(['list', '--user', 'svc-deploy'], seed.env(revoked.token));
    expect(run.exitCode).toBe(ExitCode.failedUnchanged);
    expect(run.stderr).toContain('has been revoked');
  });
});

describe('describing a 401 or 403', () => {
  const refused = (status: number, accepted: boolean) => {
    const error = new GitlabHttpError(
      'GET',
      '/personal_access_tokens',
      status,
      { message: `${status}` },
      undefined,
      undefined,
    );
    error.credentialAccepted = accepted;
    return error;
  };
  const context = { doing: 'Listing', instanceUrl: 'https://gitlab.example.com' };

  it.each([401, 403])(
    "%d after the credential worked: what it may do, with the call site's advice",
    (status) => {
      const text = describeGitlabError(refused(status, true), {
        ...context,
        advice: { denied: 'Only administrators may.', 401: 'Check the token.' },
      });
      expect(text).toContain(`so this ${status} is about what it may do`);
      expect(text).toContain('Only administrators may.');
      expect(text).not.toContain('Check the token.');
    },
  );

  it('401 before the credential ever worked: the call site\'s 401 advice, or "not accepted"', () => {
    expect(
      describeGitlabError(refused(401, false), { ...context, advice: { 401: 'Check the token.' } }),
    ).toContain('Check the token.');
    expect(describeGitlabError(refused(401, false), context)).toContain(
      'GitLab did not accept the credential',
    );
  });
});
