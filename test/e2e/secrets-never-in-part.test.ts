/**
 * Issue 7, parts 3 and 4: no secret is printed whole or in part, through the built CLI's stderr and stdout and the
 * built Action's log (`::error::`), whether GitLab (or what stands in front of it) echoes it in an error page, or a
 * user gives it to the wrong option before anything could know it is a secret.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type FaultRequest, type GitlabEmulator } from '../emulator/index.js';
import { withoutMaskCommands } from '../support/leak-scan.js';
import { runAction, runCli } from '../support/run-dist.js';

const TODAY = '2026-11-27';
const PROJECT = 'platform/deployer';
let gitlab: GitlabEmulator;
let admin: { id: number; token: string };
let service: { id: number; token: string };

beforeEach(async () => {
  gitlab = await startEmulator({ now: `${TODAY}T06:00:00Z` });
  gitlab.addUser({ username: 'root', admin: true });
  gitlab.addUser({ username: 'svc-deploy', serviceAccount: true });
  gitlab.addProject({ path: PROJECT, members: [{ user: 'svc-deploy', accessLevel: 40 }] });
  admin = gitlab.issueToken({ user: 'root', name: 'automation', scopes: ['api'], expiresAt: '2027-06-01' });
  service = gitlab.issueToken({
    user: 'svc-deploy',
    name: 'deploy',
    scopes: ['api'],
    createdAt: '2026-08-29T00:00:00Z',
    expiresAt: '2026-12-02',
  });
  gitlab.setVariable({ project: PROJECT }, { key: 'DEPLOY_TOKEN', value: service.token, hidden: true });
});
afterEach(async () => gitlab.close());

/**
 * Every piece of a secret long enough to matter: any 8 characters of its random part (a GitLab token's random part
 * is 20 characters; the issue saw 14 and 16 of them printed).
 */
function piecesOf(secret: string): string[] {
  const random = secret.replace(/^(?:[a-z]+-)*gl[a-z]+-/, '');
  return Array.from({ length: Math.max(1, random.length - 7) }, (_, index) => random.slice(index, index + 8));
}

/** The pieces of any of the secrets found in the text (GitHub's ::add-mask:: lines excepted). */
function partialLeaks(text: string, secrets: readonly string[]): string[] {
  const scanned = withoutMaskCommands(text);
  return secrets.flatMap((secret) => piecesOf(secret).filter((piece) => scanned.includes(piece)));
}

/** An HTML error page, as nginx in front of GitLab answers, with `secret` starting at character `at`. */
function pageWithSecretAt(status: number, secret: string, at: number) {
  const head = `<html><head><title>${status} Bad Gateway</title></head><body><p>upstream said: `;
  return {
    status,
    headers: { 'content-type': 'text/html', 'retry-after': '0' },
    body: `${head.padEnd(at, '.')}${secret} while reading response header from upstream</p></body></html>`,
  };
}

/** A WAF that blocks a request and quotes its body, so that the token in it starts at character `at` of the page. */
function wafEchoingTheBody(at: number, encode: (body: string) => string = (body) => body) {
  return (request: FaultRequest) => {
    const echoed = encode(request.body);
    const tokenAt = echoed.indexOf('glpat-');
    const head = '<html><body><h1>Request blocked</h1><pre>';
    return {
      status: 400,
      headers: { 'content-type': 'text/html' },
      body: `${head.padEnd(Math.max(head.length, at - tokenAt), ' ')}${echoed}</pre></body></html>`,
    };
  };
}

describe('3. an error page that echoes a secret is redacted before it is shortened', () => {
  it('a 502 page with the credential at character 288: the CLI prints no part of it', async () => {
    gitlab.faults.inject({
      method: 'GET',
      path: '/api/v4/personal_access_tokens/self',
      times: 10,
      respond: pageWithSecretAt(502, service.token, 288),
    });
    const run = await runCli(['get', '--gitlab-url', gitlab.url], { GITLAB_TOKEN: service.token });

    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('GitLab answered 502 (<html>');
    expect(run.stderr).toContain('***');
    expect(partialLeaks(run.stderr + run.stdout, [service.token])).toEqual([]);
  });

  it('a 502 page on a create, with the credential at character 288: exit 4, no part of it printed', async () => {
    gitlab.faults.inject({
      method: 'POST',
      path: '/api/v4/users/*/personal_access_tokens',
      respond: pageWithSecretAt(502, admin.token, 288),
    });
    const run = await runCli(
      [
        'create',
        '--gitlab-url',
        gitlab.url,
        '--user',
        'svc-deploy',
        '--name',
        'ci',
        '--scopes',
        'api',
        '--print-token',
      ],
      { GITLAB_TOKEN: admin.token },
    );

    expect(run.exitCode).toBe(4);
    expect(run.stderr).toContain('GitLab answered 502');
    expect(partialLeaks(run.stderr + run.stdout, [admin.token])).toEqual([]);
  });

  it.each<[string, (body: string) => string]>([
    ['as sent', (body) => body],
    [
      'percent-encoded in lower case',
      (body) => encodeURIComponent(body).replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()),
    ],
    ['as HTML entities', (body) => body.replace(/"/g, '&quot;').replace(/:/g, '&#58;')],
  ])(
    'a WAF 400 quoting a variable write %s, new token at character 280: the CLI prints no part of it, exit 3',
    async (_, encode) => {
      gitlab.faults.inject({
        method: 'PUT',
        path: '/api/v4/projects/*/variables/DEPLOY_TOKEN',
        times: 5,
        respondWith: wafEchoingTheBody(280, encode),
      });
      const run = await runCli(
        [
          'rotate',
          '--gitlab-url',
          gitlab.url,
          '--variable-key',
          'DEPLOY_TOKEN',
          '--variable-project',
          PROJECT,
        ],
        { GITLAB_TOKEN: service.token },
      );

      expect(run.exitCode, run.stderr).toBe(3);
      expect(run.stderr).toContain('Request blocked');
      const successor = gitlab.activeTokens('svc-deploy')[0];
      expect(successor?.id).not.toBe(service.id);
      expect(partialLeaks(run.stderr + run.stdout, gitlab.issuedTokenValues())).toEqual([]);
    },
  );

  it("the same WAF page in the Action's ::error::", async () => {
    gitlab.faults.inject({
      method: 'PUT',
      path: '/api/v4/projects/*/variables/DEPLOY_TOKEN',
      times: 5,
      respondWith: wafEchoingTheBody(280),
    });
    const run = await runAction({
      'gitlab-url': gitlab.url,
      'gitlab-token': service.token,
      'variable-key': 'DEPLOY_TOKEN',
      'variable-project': PROJECT,
    });

    expect(run.exitCode).toBe(3);
    const error = run.stdout.split('\n').find((line) => line.startsWith('::error::'));
    expect(error).toContain('Request blocked');
    expect(partialLeaks(run.stdout + run.stderr, gitlab.issuedTokenValues())).toEqual([]);
    // The value itself is where it belongs: the masked output.
    expect(gitlab.tokenByValue(run.outputs.token ?? '')?.revoked).toBe(false);
  });
});

/** A credential of each kind of GitLab token, and one behind an instance prefix. */
const SHAPES = [
  'glpat-Zx9Yw8Vu7Ts6Rq5Po4Nm',
  'glptt-Zx9Yw8Vu7Ts6Rq5Po4Nm',
  'gldt-Zx9Yw8Vu7Ts6Rq5Po4Nm',
  'glrt-Zx9Yw8Vu7Ts6Rq5Po4Nm',
  'glsoat-Zx9Yw8Vu7Ts6Rq5Po4Nm',
  'mycorp-glpat-Zx9Yw8Vu7Ts6Rq5Po4Nm',
];

describe('4. a secret given to the wrong option is never echoed, before anything is parsed', () => {
  it.each(SHAPES)('gitlab-pat "$GITLAB_TOKEN" with %s', async (token) => {
    const run = await runCli([token], { GITLAB_TOKEN: token, GITLAB_URL: gitlab.url });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('Unknown operation (a value shaped like a GitLab token, not shown)');
    expect(partialLeaks(run.stderr + run.stdout, [token])).toEqual([]);
    expect(gitlab.requests).toEqual([]);
  });

  it.each([
    ['a credential that does not look like a token', 'Zx9Yw8Vu7Ts6Rq5Po4NmLk3J'],
    ['a long one (3.6 kB)', `${'Zx9Yw8Vu7Ts6Rq5Po4Nm'.repeat(180)}`],
  ])('gitlab-pat "$GITLAB_TOKEN" with %s', async (_, token) => {
    const run = await runCli([token], { GITLAB_TOKEN: token, GITLAB_URL: gitlab.url });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/Unknown operation ("\*\*\*"|a value of \d+ characters \(too long to show\))/);
    expect(withoutMaskCommands(run.stderr)).not.toContain(token.slice(0, 8));
  });

  it.each(SHAPES)('gitlab-pat list --%s', async (token) => {
    const run = await runCli(['list', `--${token}`], { GITLAB_TOKEN: service.token, GITLAB_URL: gitlab.url });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('looks like a GitLab token (not shown)');
    expect(partialLeaks(run.stderr + run.stdout, [token])).toEqual([]);
  });

  it.each(SHAPES)('--gitlab-token-variable %s (the value where its name belongs)', async (token) => {
    const run = await runCli(['get', '--gitlab-token-variable', token], { GITLAB_URL: gitlab.url });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('Input gitlab-token-variable');
    expect(partialLeaks(run.stderr + run.stdout, [token])).toEqual([]);
  });

  it('--gitlab-token-variable with a token that looks like a variable name: redacted where it is named', async () => {
    const token = 'Zx9Yw8Vu7Ts6Rq5Po4NmLk3J';
    const run = await runCli(['get', '--gitlab-token-variable', token], { GITLAB_URL: gitlab.url });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('Input gitlab-token-variable names ***');
    expect(run.stderr).not.toContain(token.slice(0, 8));
  });

  it.each(SHAPES)('--operation %s: not in the failure JSON on stdout either', async (token) => {
    const run = await runCli(['--operation', token], { GITLAB_TOKEN: service.token, GITLAB_URL: gitlab.url });
    expect(run.exitCode).toBe(2);
    expect(run.json).toMatchObject({ operation: null, 'exit-code': 2 });
    expect(partialLeaks(run.stderr + run.stdout, [token])).toEqual([]);
  });

  it.each([
    ['a token', 'glpat-Zx9Yw8Vu7Ts6Rq5Po4Nm'],
    ['a secret of no known shape', 'Zx9Yw8Vu7Ts6Rq5Po4NmLk3J'],
  ])('a gitlab-url with user:%s@ that fails to parse', async (_, secret) => {
    const run = await runCli(['get', '--gitlab-url', `https://oauth2:${secret}@gitlab example.com`], {
      GITLAB_TOKEN: service.token,
    });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('Input gitlab-url');
    expect(run.stderr).toContain('not shown');
    expect(partialLeaks(run.stderr + run.stdout, [secret])).toEqual([]);
  });

  it.each<[string, Record<string, string>]>([
    ['operation', { operation: SHAPES[0] ?? '' }],
    ['user', { operation: 'list', user: SHAPES[4] ?? '' }],
    ['gitlab-url with credentials', { 'gitlab-url': `https://oauth2:${SHAPES[5] ?? ''}@gitlab example.com` }],
    ['token-name', { operation: 'get', 'token-name': `${SHAPES[1] ?? ''}\n` }],
  ])('the Action: a token given as %s is never echoed', async (_, inputs) => {
    const run = await runAction({ 'gitlab-url': gitlab.url, 'gitlab-token': service.token, ...inputs });
    expect(run.exitCode).not.toBe(0);
    expect(run.stdout).toContain('::error::');
    expect(partialLeaks(run.stdout + run.stderr, SHAPES)).toEqual([]);
  });
});

describe("the CLI's failure output is written from the error's message, never the error object", () => {
  /** What an error object printed raw (console.error, util.inspect, String) would add to the output. */
  const RAW_ERROR = [
    /^\s+at /m,
    /\[cause\]/,
    /(GitlabHttpError|GitlabNetworkError|UnchangedFailure|DestinationFailure|OutcomeUnknown|InputError)\b/,
    /\b(answer|retryAfterSeconds|changedToken|steps): /,
    /private-token/i,
  ];

  it.each<[string, () => void, string[], number]>([
    [
      'a variable write refused after the rotation',
      () =>
        gitlab.faults.inject({
          method: 'PUT',
          path: '/api/v4/projects/*/variables/DEPLOY_TOKEN',
          times: 5,
          respond: { status: 403, body: { message: '403 Forbidden' } },
        }),
      ['rotate', '--variable-key', 'DEPLOY_TOKEN', '--variable-project', PROJECT],
      3,
    ],
    // Token 1 is the administrator's, which the service account may not see.
    ['GitLab refusing the credential', () => undefined, ['get', '--token-id', '1'], 1],
    ['a bad input', () => undefined, ['get', '--token-id', 'abc'], 2],
  ])('%s', async (_, arrange, args, exitCode) => {
    arrange();
    const run = await runCli([...args, '--gitlab-url', gitlab.url, '--debug'], {
      GITLAB_TOKEN: service.token,
    });
    expect(run.exitCode).toBe(exitCode);
    const errors = run.stderr.split('\n').filter((line) => line.startsWith('error: '));
    expect(errors.length).toBeGreaterThan(0);
    for (const pattern of RAW_ERROR) expect(run.stderr + run.stdout).not.toMatch(pattern);
    expect(run.json).toMatchObject({ 'exit-code': exitCode });
  });
});
