/**
 * Rotation, following the protocol in docs/rotation-safety: check everything, rotate exactly once, protect and use
 * the new value at once, store it everywhere, verify it. See `rotationFailure` for what happens when GitLab's
 * answer to the rotate request is lost.
 */
import { chooseExpiry, lifetimeOf } from '../choose-expiry.js';
import { deliverToken, preflightDestinations } from '../deliver-token.js';
import { credentialProblem, describeGitlabError, httpStatus } from '../describe-error.js';
import { OutcomeUnknown, UnchangedFailure } from '../errors.js';
import { daysLeft, expiresWithin, utcDate } from '../expiry.js';
import type { GitlabApi, NewPersonalAccessToken, PersonalAccessToken } from '../gitlab-api.js';
import { GitlabNetworkError } from '../gitlab-request.js';
import { describeToken, resolveToken } from '../resolve-token.js';
import { hasAnyScope, SELF_ROTATE_SCOPES } from '../scopes.js';
import { toTokenView } from '../token-view.js';
import { callGitlab, type OperationContext } from './context.js';
import type { OperationResult } from './result.js';

export async function rotateToken(context: OperationContext): Promise<OperationResult> {
  const { options, api, log } = context;

  // 1. Preflight: nothing below changes anything.
  const credential = await callGitlab(context, 'Checking the credential (gitlab-token)', () =>
    api.currentToken(),
  );
  const target = await resolveToken(context, options.target ?? { kind: 'self' }, () =>
    Promise.resolve(credential),
  );
  const label = describeToken(target);
  // The credential rotating itself: afterwards only the new token may be sent (reuse detection).
  const selfRotation = target.id === credential.id;
  assertRotatable(context, target, credential, selfRotation);

  const today = utcDate(context.clock.now());
  const left = daysLeft(target.expiresAt, today);
  if (options.rotateBefore && !expiresWithin(target.expiresAt, options.rotateBefore, today)) {
    const when =
      target.expiresAt === null ? 'never expires' : `expires ${target.expiresAt} (${left} days left)`;
    const headline = `${label} ${when}, not within ${options.rotateBefore.text}: not rotated.`;
    return {
      operation: 'rotate',
      dryRun: options.dryRun,
      headline,
      token: toTokenView(target, context.clock.now()),
      rotated: false,
    };
  }

  const expiry = chooseExpiry(options.expiry, lifetimeOf(target, options.maxLifetimeDays), {
    today,
    maxLifetimeDays: options.maxLifetimeDays,
  });
  if (expiry.note) log.warn(`Expiry: ${expiry.note}.`);
  await preflightDestinations(context);

  const plan = `${label}${target.expiresAt ? ` (expires ${target.expiresAt})` : ''} into a new token expiring ${expiry.expiresAt}`;
  if (options.dryRun) {
    const where = context.destinations.map((destination) => destination.description).join(', ');
    const headline = `Dry run: would rotate ${plan}, stored in ${where}.`;
    return {
      operation: 'rotate',
      dryRun: true,
      headline,
      token: toTokenView(target, context.clock.now()),
      rotated: false,
    };
  }

  // A second run may have rotated this token since we read it. Rotating a rotated-away token makes GitLab revoke
  // the whole family, the other run's new token included, so look once more right before the one rotate request.
  await assertStillActive(context, target, selfRotation);

  // 2. Rotate exactly once. The API layer never retries a POST.
  let rotated: NewPersonalAccessToken;
  try {
    rotated = await api.rotatePersonalAccessToken(selfRotation ? 'self' : target.id, expiry.expiresAt);
  } catch (error) {
    throw await rotationFailure(context, error, target, selfRotation);
  }

  // 3. Protect the value before anything else is written, then never send the old token again.
  log.protectSecret(rotated.token);
  if (selfRotation) api.switchCredential(rotated.token);
  log.info(`Rotated ${label}: new token ${rotated.id}, expires ${rotated.expiresAt ?? 'never'}.`);

  // 4. Store it everywhere (or at least somewhere safe, loudly).
  const storedIn = await deliverToken(context, rotated);

  // 5. Verify that GitLab accepts the new token.
  await verifyNewToken(context, rotated, selfRotation ? api : api.withCredential(rotated.token), storedIn);

  return {
    operation: 'rotate',
    dryRun: false,
    headline: `Rotated ${plan}: new id ${rotated.id}, stored in ${storedIn.join(', ')}.`,
    token: toTokenView(rotated, context.clock.now()),
    newToken: rotated,
    previousTokenId: target.id,
    rotated: true,
    storedIn,
  };
}

function assertRotatable(
  context: OperationContext,
  target: PersonalAccessToken,
  credential: PersonalAccessToken,
  selfRotation: boolean,
): void {
  const label = describeToken(target);
  if (target.revoked) {
    throw new UnchangedFailure(
      `${label} is revoked, so it cannot be rotated. If an earlier run rotated it, its successor has the same name: select it with token-name "${target.name}".`,
    );
  }
  if (!target.active) {
    throw new UnchangedFailure(
      `${label} expired on ${target.expiresAt ?? '?'} and can no longer be rotated by its own credential. Create a new token (or have an administrator rotate it) and store it where the old one was.`,
    );
  }
  const needed = selfRotation ? SELF_ROTATE_SCOPES : (['api'] as const);
  if (!hasAnyScope(credential.scopes, needed)) {
    throw new UnchangedFailure(
      `Rotating ${label} on ${context.api.instanceUrl} needs the ${needed.join(' or ')} scope on gitlab-token, which has ${credential.scopes.join(', ') || 'no scopes'}. Give the token one of these scopes or use a credential that has it.`,
    );
  }
}

async function assertStillActive(
  context: OperationContext,
  target: PersonalAccessToken,
  selfRotation: boolean,
): Promise<void> {
  const label = describeToken(target);
  const advice = `${label} was rotated or revoked after this run started, probably by another run. Nothing was changed by this run; the other run's token is the current one. Run rotations of one token one at a time (GitHub: concurrency; GitLab: resource_group).`;
  const current = await callGitlab(
    context,
    `Checking that ${label} is still active`,
    () => (selfRotation ? context.api.currentToken() : context.api.personalAccessToken(target.id)),
    { revoked: advice },
  );
  if (!current.active) throw new UnchangedFailure(advice);
}

/**
 * The rotate request failed. A refusal changed nothing. Without an answer (timeout, reset, 5xx) the rotation may
 * have happened: never resend it (GitLab would see the old token again and revoke the new one); look at the old
 * token instead.
 */
async function rotationFailure(
  context: OperationContext,
  error: unknown,
  target: PersonalAccessToken,
  selfRotation: boolean,
): Promise<Error> {
  const label = describeToken(target);
  const { api } = context;
  const description = describeGitlabError(error, {
    doing: `Rotating ${label}`,
    instanceUrl: api.instanceUrl,
  });
  const status = httpStatus(error);
  const answered = status !== undefined && status < 500;
  if (answered || (status === undefined && !(error instanceof GitlabNetworkError))) {
    const hint =
      credentialProblem(error) === 'revoked'
        ? " If another run rotated this token at the same moment, GitLab may have revoked that run's new token too (reuse detection): check the token list."
        : '';
    return new UnchangedFailure(`${description}${hint}`);
  }

  context.log.warn(
    `${description} Not resending the rotate request; checking whether the old token still works.`,
  );
  let oldStillActive: boolean | undefined;
  try {
    const old = selfRotation ? await api.currentToken() : await api.personalAccessToken(target.id);
    oldStillActive = old.active;
  } catch (probeError) {
    oldStillActive = credentialProblem(probeError) === 'revoked' ? false : undefined;
  }
  if (oldStillActive === true) {
    return new UnchangedFailure(
      `${description} The old ${label} still works, so GitLab did not rotate it: nothing changed. Run again later.`,
    );
  }
  const findNew = `List the active tokens named "${target.name}" of user ${target.userId} with a working credential (an administrator's, or another token of that user with the api scope).`;
  return new OutcomeUnknown(
    oldStillActive === false
      ? `${description} The old ${label} is now revoked: GitLab did rotate it, but its answer with the new value was lost. The new token works but its value is gone.`
      : `${description} Whether GitLab rotated ${label} could not be determined (the check after the failure got no answer either).`,
    [
      findNew,
      `Rotate that new token by id with that credential (operation rotate, token-id <new id>) to get a value you can store, or revoke it and create a new one.`,
      'Do not rerun this rotation with the old token: GitLab treats a rotated-away token sent to rotate as stolen and revokes the new token too.',
    ],
  );
}

async function verifyNewToken(
  context: OperationContext,
  rotated: NewPersonalAccessToken,
  asNewToken: GitlabApi,
  storedIn: readonly string[],
): Promise<void> {
  try {
    const seen = await asNewToken.currentToken();
    if (seen.id === rotated.id && seen.active) {
      context.log.info(`Verified: GitLab accepts the new token ${rotated.id}.`);
      return;
    }
  } catch (error) {
    if (credentialProblem(error) === undefined && httpStatus(error) !== 401) {
      // GitLab unreachable right now: the token is stored; a failed check is not a failed rotation.
      context.log.warn(
        `Could not verify the new token: ${describeGitlabError(error, { doing: 'Checking the new token', instanceUrl: context.api.instanceUrl })}`,
      );
      return;
    }
  }
  throw new OutcomeUnknown(
    `The new token ${rotated.id} is stored in ${storedIn.join(' and ')}, but GitLab does not accept it. GitLab revokes a whole token family when a rotated-away token is sent to rotate, so another run probably used the old token at the same time.`,
    [
      'Stop other runs that rotate this token (GitHub: concurrency; GitLab: resource_group).',
      `Have an administrator create or rotate a token for user ${rotated.userId} and store it in ${storedIn.join(' and ')}.`,
    ],
  );
}
