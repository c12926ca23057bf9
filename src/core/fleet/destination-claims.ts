/**
 * One place holds one token: no two entries of a sync deliver to the same CI/CD variable (destination or fallback),
 * or the second one's new token overwrites the first one's, which is then lost while both report where it is.
 * read-inventory.ts refuses what the file's text shows; this is the part only GitLab can tell: a project or group
 * named by path in one entry and by id in another (or the token's own project or group, for an entry that rotates
 * the credential itself). Before any entry runs, the owners that could be the same are resolved to their ids (one
 * cached read per path, and only where another entry names the same key and environment scope by id), and every
 * entry that would deliver where an earlier entry (in file order) already does is refused: it changes nothing, the
 * earlier one runs. The token's own project or group is known only when the entry runs: its variables are checked
 * then, before their preflight, so before any change.
 */
import pLimit from 'p-limit';
import type { Destination, PreflightFacts } from '../destinations/destination.js';
import { UnchangedFailure } from '../errors.js';
import { describeGitlabError } from '../gitlab/describe-error.js';
import type { GitlabApi, VariableOwner } from '../gitlab/gitlab-api.js';
import type { VariableTarget } from '../options/parse-options.js';
import type { InventoryEntry } from './read-inventory.js';

/** One variable an entry may write: a destination, or the fallback of one. */
interface Slot {
  readonly entry: InventoryEntry;
  readonly target: VariableTarget;
  readonly key: string;
  readonly role: 'destination' | 'fallback';
  /** `variables[0]`, `variables[0].fallback-key`. */
  readonly where: string;
}

interface Holder {
  readonly label: string;
  readonly where: string;
  readonly role: Slot['role'];
  readonly description: string;
}

export interface DestinationClaims {
  /** Entries refused before they run, by key: they would deliver where an earlier entry does. */
  readonly refused: ReadonlyMap<string, UnchangedFailure>;
  /**
   * The destination, or for a variable in the token's own project or group, one that checks before its preflight
   * (or prepare) that no other entry delivers there.
   */
  guard(
    entry: InventoryEntry,
    target: VariableTarget,
    role: Slot['role'],
    destination: Destination,
  ): Destination;
}

const isId = (ref: number | string) => typeof ref === 'number' || /^\d+$/.test(ref);

const describeSlot = (owner: VariableOwner, key: string, scope: string) =>
  `CI/CD variable ${key} in ${owner.kind} ${owner.ref} (environment scope ${scope})`;

/** Resolves what must be resolved and refuses later entries that share a place with earlier ones. */
export async function claimDestinations(
  api: GitlabApi,
  entries: readonly InventoryEntry[],
  concurrency: number,
): Promise<DestinationClaims> {
  const ordered = [...entries].sort((a, b) => a.index - b.index);
  const slots: Slot[] = ordered.flatMap((entry) =>
    entry.variables.flatMap((target, position): Slot[] => [
      { entry, target, key: target.key, role: 'destination', where: `variables[${position}]` },
      {
        entry,
        target,
        key: target.fallbackKey,
        role: 'fallback',
        where: `variables[${position}].fallback-key`,
      },
    ]),
  );

  // A key and scope that two entries name, one of them by id (or as the token's own project or group): only there
  // can two different texts be one place, and only there is a path worth a request.
  const named = new Map<string, { labels: Set<string>; byId: boolean }>();
  for (const slot of slots) {
    const { owner } = slot.target;
    if (owner === undefined) continue;
    for (const kind of owner === 'token-resource' ? (['project', 'group'] as const) : [owner.kind]) {
      const name = `${kind}|${slot.key}|${slot.target.environmentScope}`;
      const seen = named.get(name) ?? { labels: new Set<string>(), byId: false };
      seen.labels.add(slot.entry.label);
      seen.byId ||= owner === 'token-resource' || isId(owner.ref);
      named.set(name, seen);
    }
  }
  const ambiguous = (owner: VariableOwner, slot: Slot) => {
    const seen = named.get(`${owner.kind}|${slot.key}|${slot.target.environmentScope}`);
    return seen !== undefined && seen.byId && seen.labels.size > 1;
  };

  // The paths to resolve, once each.
  const reads = new Map<string, { owner: VariableOwner; id?: number; error?: unknown }>();
  for (const slot of slots) {
    const { owner } = slot.target;
    if (owner === undefined || owner === 'token-resource' || isId(owner.ref) || !ambiguous(owner, slot))
      continue;
    reads.set(`${owner.kind}:${String(owner.ref).toLowerCase()}`, { owner });
  }
  const limit = pLimit(Math.max(1, concurrency));
  await Promise.all(
    [...reads.values()].map((read) =>
      limit(async () => {
        try {
          read.id = await api.ownerId(read.owner);
        } catch (error) {
          read.error = error;
        }
      }),
    ),
  );

  const identity = (owner: VariableOwner, slot: Slot): string | { error: unknown } => {
    const where = `${slot.key}|${slot.target.environmentScope}`;
    if (isId(owner.ref)) return `${owner.kind}#${Number(owner.ref)}|${where}`;
    const read = reads.get(`${owner.kind}:${String(owner.ref).toLowerCase()}`);
    if (read?.error !== undefined) return { error: read.error };
    if (read?.id !== undefined) return `${owner.kind}#${read.id}|${where}`;
    return `${owner.kind}:${String(owner.ref).toLowerCase()}|${where}`;
  };

  const claims = new Map<string, Holder>();
  const refused = new Map<string, UnchangedFailure>();
  for (const entry of ordered) {
    const mine: [string, Holder][] = [];
    let problem: UnchangedFailure | undefined;
    for (const slot of slots.filter((each) => each.entry === entry)) {
      const { owner } = slot.target;
      if (owner === undefined || owner === 'token-resource') continue;
      const description = describeSlot(owner, slot.key, slot.target.environmentScope);
      const id = identity(owner, slot);
      if (typeof id !== 'string') {
        problem = new UnchangedFailure(
          `${entry.label} was left alone: ${describeGitlabError(id.error, {
            doing: `Finding the id of ${owner.kind} ${owner.ref} (${slot.where}), to tell whether another entry names the same ${owner.kind} by id and writes the same variable`,
            instanceUrl: api.instanceUrl,
            advice: {
              404: `${owner.kind} ${owner.ref} does not exist or the credential cannot see it: check ${slot.where}.`,
            },
          })}`,
        );
        break;
      }
      const holder = claims.get(id);
      if (holder !== undefined && holder.label !== entry.label) {
        problem = collision(entry.label, slot, description, holder, id);
        break;
      }
      mine.push([id, { label: entry.label, where: slot.where, role: slot.role, description }]);
    }
    if (problem) {
      refused.set(entry.key, problem);
      continue;
    }
    for (const [id, holder] of mine) if (!claims.has(id)) claims.set(id, holder);
  }

  return {
    refused,
    guard(entry, target, role, destination) {
      if (target.owner !== 'token-resource') return destination;
      const position = entry.variables.indexOf(target);
      const slot: Slot = {
        entry,
        target,
        key: role === 'destination' ? target.key : target.fallbackKey,
        role,
        where: role === 'destination' ? `variables[${position}]` : `variables[${position}].fallback-key`,
      };
      const check = (facts: PreflightFacts) => {
        const resource = facts.tokenResource;
        // Without its own project or group the destination's own check says what is missing.
        if (!resource) return;
        const owner: VariableOwner = { kind: resource.kind, ref: resource.id };
        const id = `${owner.kind}#${resource.id}|${slot.key}|${target.environmentScope}`;
        const description = describeSlot(owner, slot.key, target.environmentScope);
        const holder = claims.get(id);
        if (holder !== undefined && holder.label !== entry.label) {
          throw collision(entry.label, slot, description, holder, id);
        }
        claims.set(id, { label: entry.label, where: slot.where, role, description });
      };
      return {
        get description() {
          return destination.description;
        },
        durable: destination.durable,
        async preflight(facts) {
          check(facts);
          await destination.preflight(facts);
        },
        async prepare(facts) {
          check(facts);
          await destination.prepare?.(facts);
        },
        write: (token) => destination.write(token),
      };
    },
  };
}

function collision(
  label: string,
  slot: Slot,
  description: string,
  holder: Holder,
  id: string,
): UnchangedFailure {
  const [owner] = id.split('|');
  const same = owner?.includes('#') ? ` (both are ${owner.replace('#', ' id ')})` : '';
  return new UnchangedFailure(
    `${label} was left alone: its ${slot.where}, ${description}, is the same variable as ${holder.description}${same}, ${holder.role === 'fallback' ? `the fallback of ${holder.label} (${holder.where}), where its new token goes when a write fails` : `which ${holder.label} writes (${holder.where})`}. One variable holds one token: ${label} would overwrite the other's new token, which would be lost. Name the ${owner?.split(/[#:]/)[0] ?? 'project'} the same way in both entries (path or id) and give one of them another key${slot.role === 'fallback' || holder.role === 'fallback' ? ' (or fallback-key)' : ''}.`,
  );
}
