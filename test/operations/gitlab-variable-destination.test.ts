/** The CI/CD variable destination beyond the rotation scenarios: groups, creation races, masking, input rules. */
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/errors.js';
import { exitCodeOf, MAINTAINER, PROJECT, useRotationFixture } from '../support/rotation-fixture.js';

const f = useRotationFixture();
const OWNER = 50;

describe('group variables', () => {
  it('are written by an Owner of the group', async () => {
    f.gitlab.addMember({ group: 'platform' }, 'svc-deploy', OWNER);
    // A key of its own: the project's DEPLOY_TOKEN would override a new group DEPLOY_TOKEN (test/field-reports).
    const run = await f.rotateIntoVariable({
      'variable-project': '',
      'variable-group': 'platform',
      'variable-key': 'GROUP_DEPLOY_TOKEN',
    });
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    const [variable] = f.gitlab.variables({ group: 'platform' });
    expect(variable).toMatchObject({
      key: 'GROUP_DEPLOY_TOKEN',
      hidden: true,
      masked: true,
      protected: true,
    });
    expect(f.gitlab.tokenByValue(variable?.value ?? '')?.revoked).toBe(false);
  });

  it('are refused to a Maintainer of the group before anything changes', async () => {
    f.gitlab.addMember({ group: 'platform' }, 'svc-deploy', MAINTAINER);
    const run = await f.rotateIntoVariable({ 'variable-project': '', 'variable-group': 'platform' });
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(run.error?.message).toContain('needs the Owner role');
    expect(f.requests('POST', '/rotate')).toEqual([]);
  });
});

describe('creating a variable', () => {
  it('does not make a duplicate when GitLab created it but its answer was a 502', async () => {
    f.gitlab.faults.inject({
      method: 'POST',
      path: '/api/v4/projects/*/variables',
      afterCommit: { status: 502, body: { message: '502 Bad Gateway' } },
    });
    const run = await f.rotateIntoVariable({ 'variable-key': 'FRESH_TOKEN' });
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    const fresh = f.gitlab
      .variables({ project: PROJECT })
      .filter((variable) => variable.key === 'FRESH_TOKEN');
    expect(fresh).toHaveLength(1);
    expect(f.gitlab.tokenByValue(fresh[0]?.value ?? '')?.revoked).toBe(false);
    expect(f.requests('POST', '/variables')).toHaveLength(1);
    expect(f.requests('PUT', '/variables/FRESH_TOKEN')).toHaveLength(1);
  });

  it('waits as GitLab asks when creating is rate-limited, then creates it once', async () => {
    f.gitlab.faults.inject({
      method: 'POST',
      path: '/api/v4/projects/*/variables',
      respond: { status: 429, headers: { 'retry-after': '3' }, body: { message: 'Retry later' } },
    });
    const run = await f.rotateIntoVariable({ 'variable-key': 'FRESH_TOKEN' });
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    expect(run.sleeps).toContain(3_000);
    expect(f.requests('POST', '/variables').map((request) => request.status)).toEqual([429, 201]);
  });

  it('makes an existing unmasked variable masked when updating it', async () => {
    f.gitlab.setVariable({ project: PROJECT }, { key: 'PLAIN', value: 'not-a-secret-yet', masked: false });
    const run = await f.rotateIntoVariable({ 'variable-key': 'PLAIN' });
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    expect(f.variable('PLAIN')).toMatchObject({ masked: true });
    expect(run.lines.join('\n')).toContain('exists but is not masked; the update makes it masked');
  });

  it('leaves an existing variable unprotected unless variable-protected says otherwise', async () => {
    f.gitlab.setVariable({ project: PROJECT }, { key: 'OPEN', value: 'placeholder-value', masked: true });
    const kept = await f.rotateIntoVariable({ 'variable-key': 'OPEN' });
    expect(exitCodeOf(kept), kept.error?.message).toBe(0);
    expect(f.variable('OPEN')).toMatchObject({ protected: false });

    const asked = await f.rotateIntoVariable({
      'gitlab-token': f.variable('OPEN')?.value ?? '',
      'variable-key': 'OPEN',
      'variable-protected': 'true',
    });
    expect(exitCodeOf(asked), asked.error?.message).toBe(0);
    expect(f.variable('OPEN')).toMatchObject({ protected: true });
    expect(asked.lines.join('\n')).toContain('is not protected; the update makes it protected');
  });

  it('says so when GitLab made the new variable masked but not hidden (before 17.4)', async () => {
    f.gitlab.faults.inject({
      method: 'POST',
      path: '/api/v4/projects/*/variables',
      afterCommit: {
        status: 201,
        body: { key: 'OLDER', masked: true, protected: true, environment_scope: '*' },
      },
    });
    const run = await f.rotateIntoVariable({ 'variable-key': 'OLDER' });
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    expect(run.lines.join('\n')).toContain('was created masked but not hidden');
  });

  it('keeps protection as asked', async () => {
    const run = await f.rotateIntoVariable({ 'variable-key': 'OPEN_TOKEN', 'variable-protected': 'false' });
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    expect(f.variable('OPEN_TOKEN')).toMatchObject({ protected: false, masked: true, hidden: true });
  });
});

describe('input rules', () => {
  it('needs a project or group outside GitLab CI', async () => {
    const run = await f.rotateIntoVariable({ 'variable-project': '' });
    expect(exitCodeOf(run)).toBe(ExitCode.badInput);
    expect(run.error?.message).toContain('needs variable-project or variable-group');
    expect(f.gitlab.requests).toEqual([]);
  });

  it('rejects a key GitLab would refuse, naming it', async () => {
    const run = await f.rotateIntoVariable({ 'variable-key': 'DEPLOY-TOKEN' });
    expect(exitCodeOf(run)).toBe(ExitCode.badInput);
    expect(run.error?.message).toContain('Input variable-key: expected a CI/CD variable key');
    expect(f.gitlab.requests).toEqual([]);
  });

  it('rejects variable options without variable-key', async () => {
    const run = await f.run({ 'gitlab-token': f.service.token, 'variable-project': PROJECT });
    expect(exitCodeOf(run)).toBe(ExitCode.badInput);
    expect(run.error?.message).toContain('variable-project needs variable-key');
  });
});
