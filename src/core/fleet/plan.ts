/**
 * Which entries a run handles and in what order. Shards follow a hash of the entry's key, so that an entry stays in
 * its shard when others are added or removed (two jobs of a matrix, even of pipelines at different commits, never
 * hold the same token); entries that manage the credential itself run last, alone.
 */
import { createHash } from 'node:crypto';
import type { Shard } from '../options/gitlab-options.js';
import type { InventoryEntry } from './read-inventory.js';

/** 1-based shard of a key among `total`: the first four bytes of its SHA-256, modulo `total`. */
export function shardOf(key: string, total: number): number {
  const digest = createHash('sha256').update(key, 'utf8').digest();
  return (digest.readUInt32BE(0) % total) + 1;
}

export interface FleetPlan {
  /** Handled concurrently (bounded, one at a time per token). */
  readonly concurrent: readonly InventoryEntry[];
  /** Entries that select the credential itself: after every other entry has finished, one at a time. */
  readonly last: readonly InventoryEntry[];
  /** Entries of other shards, left alone. */
  readonly skipped: number;
}

export function planFleet(entries: readonly InventoryEntry[], shard: Shard | undefined): FleetPlan {
  const mine = shard ? entries.filter((entry) => shardOf(entry.key, shard.total) === shard.index) : entries;
  return {
    concurrent: mine.filter((entry) => !entry.selectsCredential),
    last: mine.filter((entry) => entry.selectsCredential),
    skipped: entries.length - mine.length,
  };
}
