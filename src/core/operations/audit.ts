/**
 * `audit`: every token the credential can see, or those of one user, group or project, each with its findings
 * (report/findings.ts). What "can see" means follows GitLab's rules:
 * - an administrator: `GET /personal_access_tokens` without `user_id` lists every token on the instance, bot and
 *   service-account tokens included (as the personal tokens of their users, which they are underneath);
 * - anyone else: their own tokens, plus for each group they own (`GET /groups?min_access_level=50`) its group
 *   access tokens, its service accounts' tokens and its projects' access tokens.
 * Pages are read as they arrive and reduced at once to a report row, so memory holds rows, never raw pages.
 */
import pLimit from 'p-limit';
import { ExitCode, PatError, UnchangedFailure } from '../errors.js';
import type { InventoryEntry } from '../fleet/read-inventory.js';
import { describeGitlabError, httpStatus } from '../gitlab/describe-error.js';
import { pathSegment } from '../gitlab/gitlab-client.js';
import type { AuditReport, AuditTokenReport } from '../report/fleet-report.js';
import { FINDINGS, findingsEvaluator, type Finding } from '../report/findings.js';
import { daysBetween, utcDate } from '../time/expiry.js';
import { resolveOwner, resolveToken } from '../tokens/resolve-token.js';
import type { ResolvedOwner } from '../tokens/token-kind.js';
import { tokenKindOf } from '../tokens/token-kinds.js';
import { callGitlab, type OperationContext } from './operation-context.js';
import type { OperationResult } from './result.js';

/** One list to read: whose tokens, and whether failing to read it fails the audit. */
interface Source {
  readonly owner: ResolvedOwner;
  /** A list the credential may be refused without the audit being wrong (a Free group's service accounts). */
  readonly optional: boolean;
}

const OWNER = 50;

export async function auditTokens(
  context: OperationContext,
  inventory: readonly InventoryEntry[] | undefined,
): Promise<OperationResult> {
  const { options, log } = context;
  const fleet = options.fleet;
  if (!fleet) throw new Error('audit needs the fleet options (the option rules guarantee them)');
  const { sources, scope, adminWide } = await auditSources(context);
  const managed = inventory ? await managedTokens(context, inventory) : undefined;

  const rows: AuditTokenReport[] = [];
  const seen = new Set<number>();
  let today: string | undefined;
  let evaluate: ReturnType<typeof findingsEvaluator> | undefined;
  const daysLeftBy = new Map<string, number>();
  for (const source of sources) {
    const kind = tokenKindOf(source.owner);
    try {
      for await (const page of kind.pages(context.api.client, source.owner, {}, fleet.concurrency)) {
        // After the first answer the clock follows GitLab's.
        today ??= utcDate(context.clock.now());
        evaluate ??= findingsEvaluator(fleet, today);
        for (const token of page) {
          if (token.revoked || seen.has(token.id)) continue;
          seen.add(token.id);
          const managedBy = managed?.get(`${token.userId}:${token.name}`) ?? null;
          let left: number | null = null;
          if (token.expiresAt !== null) {
            left = daysLeftBy.get(token.expiresAt) ?? daysBetween(today, token.expiresAt);
            daysLeftBy.set(token.expiresAt, left);
          }
          rows.push({
            'token-kind': token.kind,
            'token-id': token.id,
            'token-name': token.name,
            owner:
              adminWide || source.owner.kind === 'personal' ? `user ${token.userId}` : source.owner.label,
            'expires-at': token.expiresAt,
            'days-left': left,
            'last-used-at': token.lastUsedAt,
            scopes: token.scopes,
            findings: evaluate(token, managed ? managedBy !== null : undefined),
            'managed-by': managedBy,
          });
        }
      }
    } catch (error) {
      if (error instanceof PatError) throw error;
      const description = describeGitlabError(error, {
        doing: `Listing the tokens of ${source.owner.label}`,
        instanceUrl: context.api.instanceUrl,
      });
      if (!source.optional) throw new UnchangedFailure(description);
      log.debug(`${description} Skipped.`);
    }
  }
  today ??= utcDate(context.clock.now());
  rows.sort(byExpiry);

  const failOn = new Set<Finding>(fleet.failOn);
  const counts = Object.fromEntries(FINDINGS.map((finding) => [finding, 0])) as Record<Finding, number>;
  let failing = 0;
  for (const row of rows) {
    for (const finding of row.findings) counts[finding] += 1;
    if (row.findings.some((finding) => failOn.has(finding))) failing += 1;
  }
  const report: AuditReport = {
    operation: 'audit',
    'dry-run': options.dryRun,
    scope,
    today,
    'fail-on': fleet.failOn,
    summary: { total: rows.length, failing, ...counts },
    tokens: rows,
  };
  const parts = [
    `${counts.expired} expired`,
    `${counts.expiring} expiring within ${fleet.expiresWithin.text}`,
    `${counts['never-expires']} never expiring`,
    `${counts.unused} unused for ${fleet.unusedFor.text}`,
    ...(managed ? [`${counts.unmanaged} unmanaged`] : []),
    `${counts['admin-scopes']} with admin scopes`,
  ];
  const verdict =
    fleet.failOn.length === 0
      ? 'fail-on is none'
      : failing === 0
        ? `none has a finding fail-on names (${fleet.failOn.join(', ')})`
        : `${failing} ha${failing === 1 ? 's' : 've'} a finding fail-on names (${fleet.failOn.join(', ')})`;
  return {
    operation: 'audit',
    dryRun: options.dryRun,
    headline: `Audited ${rows.length} token${rows.length === 1 ? '' : 's'} of ${scope}: ${parts.join(', ')}; ${verdict}.`,
    report,
    exitCode: failing > 0 ? ExitCode.auditFindings : ExitCode.ok,
  };
}

async function auditSources(
  context: OperationContext,
): Promise<{ sources: Source[]; scope: string; adminWide: boolean }> {
  const scope = context.options.fleet?.scope ?? { kind: 'visible' };
  switch (scope.kind) {
    case 'user': {
      const owner = await resolveOwner(context, { kind: 'personal', user: scope.user });
      return { sources: [{ owner, optional: false }], scope: owner.label, adminWide: false };
    }
    case 'project':
      return {
        sources: [
          {
            owner: { kind: 'project', project: scope.project, label: `project ${scope.project}` },
            optional: false,
          },
        ],
        scope: `project ${scope.project}`,
        adminWide: false,
      };
    case 'group':
      return {
        sources: await groupSources(context, scope.group, true),
        scope: `group ${scope.group} (its access tokens, its service accounts' and its projects')`,
        adminWide: false,
      };
    case 'visible': {
      // GET /user through the plain client: an audit never needs gitbeaker's resources, whose chunk costs ~100 ms
      // to load.
      const caller = await callGitlab(
        context,
        "Reading the credential's user",
        () => context.api.client.get<{ id: number; username: string; is_admin?: boolean }>('user'),
        { scope: 'Reading the caller needs the api, read_api or read_user scope on gitlab-token.' },
      );
      if (caller.is_admin === true) {
        return {
          sources: [
            { owner: { kind: 'personal', userId: undefined, label: 'the instance' }, optional: false },
          ],
          scope: 'the whole instance (every token, as an administrator sees them)',
          adminWide: true,
        };
      }
      const sources: Source[] = [
        { owner: { kind: 'personal', userId: caller.id, label: `user ${caller.username}` }, optional: false },
      ];
      const owned: { id: number; full_path?: string }[] = [];
      await callGitlab(context, `Listing the groups ${caller.username} owns`, async () => {
        for await (const page of context.api.client.pages<{ id: number; full_path?: string }>('groups', {
          min_access_level: OWNER,
        })) {
          owned.push(...page);
        }
      });
      for (const group of owned)
        sources.push(...(await groupSources(context, group.full_path ?? group.id, false)));
      return {
        sources,
        scope: `what ${caller.username} can see (own tokens${owned.length > 0 ? `, and ${owned.length} owned group${owned.length === 1 ? '' : 's'} with their projects and service accounts` : ''})`,
        adminWide: false,
      };
    }
  }
}

/** A group's access tokens, its service accounts' tokens, and its projects' access tokens. */
async function groupSources(
  context: OperationContext,
  group: string | number,
  includeSubgroups: boolean,
): Promise<Source[]> {
  const { client } = context.api;
  const sources: Source[] = [{ owner: { kind: 'group', group, label: `group ${group}` }, optional: false }];
  try {
    for await (const page of client.pages<{ id: number; username: string }>(
      `groups/${pathSegment(group)}/service_accounts`,
    )) {
      for (const account of page) {
        sources.push({
          owner: {
            kind: 'service-account',
            group,
            userId: account.id,
            label: `service account ${account.username} of group ${group}`,
          },
          optional: true,
        });
      }
    }
  } catch (error) {
    // Free tier, a subgroup, or no Owner role at the top: the group has no service accounts we may see.
    context.log.debug(
      `No service accounts listed for group ${group} (${httpStatus(error) ?? 'no answer'}); their tokens are not audited.`,
    );
  }
  await callGitlab(context, `Listing the projects of group ${group}`, async () => {
    for await (const page of client.pages<{ id: number; path_with_namespace?: string }>(
      `groups/${pathSegment(group)}/projects`,
      { include_subgroups: includeSubgroups, simple: true },
    )) {
      for (const project of page) {
        const ref = project.path_with_namespace ?? project.id;
        sources.push({ owner: { kind: 'project', project: ref, label: `project ${ref}` }, optional: true });
      }
    }
  });
  return sources;
}

/** The tokens the inventory's entries select today, as "user id:name" (a family keeps both across rotations). */
async function managedTokens(
  context: OperationContext,
  inventory: readonly InventoryEntry[],
): Promise<Map<string, string>> {
  const managed = new Map<string, string>();
  const limit = pLimit(context.options.fleet?.concurrency ?? 4);
  await Promise.all(
    inventory.map((entry) =>
      limit(async () => {
        try {
          const { token } = await resolveToken(
            { ...context, options: entry.primary },
            entry.primary.address,
            'read',
          );
          managed.set(`${token.userId}:${token.name}`, entry.key);
        } catch (error) {
          // A missing or unreadable token is not an audit failure: it simply manages nothing that exists.
          context.log.debug(
            `${entry.label}: ${error instanceof Error ? error.message : String(error)} (nothing it manages is listed).`,
          );
        }
      }),
    ),
  );
  return managed;
}

/** Soonest expiry first (expired ones first of all); tokens that never expire last. */
function byExpiry(a: AuditTokenReport, b: AuditTokenReport): number {
  const ae = a['expires-at'];
  const be = b['expires-at'];
  if (ae === be) return a['token-id'] - b['token-id'];
  if (ae === null) return 1;
  if (be === null) return -1;
  return ae < be ? -1 : 1;
}
