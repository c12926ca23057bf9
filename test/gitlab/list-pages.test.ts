/**
 * How a long list is read (gitlab-client.ts `all`): once page 1 says how many pages there are, the rest at once but
 * never more than PAGE_CONCURRENCY in flight, every one of them; a page answered 429 waits out GitLab's Retry-After
 * and is read again, in its place. Against a bare server that counts the requests in flight (the emulator answers
 * too fast to overlap reliably).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createGitlabApi } from '../../src/core/gitlab/gitlab-api.js';
import { PAGE_CONCURRENCY } from '../../src/core/gitlab/gitlab-client.js';
import { createLogger } from '../../src/core/logger.js';
import { SecretRegistry } from '../../src/core/redact.js';
import { DEFAULT_RETRY_POLICY } from '../../src/core/retry-policy.js';
import { sendJson, startRecordingServer, type LoopbackServer } from './loopback-servers.js';

const PAGES = 30;

let server: LoopbackServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A list endpoint of PAGES pages of 100 items, each answer `delayMs` late; counts the answers owed at once. */
async function startListServer(options: { delayMs: number; refuseOnce?: number }) {
  let inFlight = 0;
  let mostInFlight = 0;
  let refused = false;
  server = await startRecordingServer((req, res) => {
    const page = Number(new URL(req.url ?? '/', 'http://list.invalid').searchParams.get('page'));
    inFlight += 1;
    mostInFlight = Math.max(mostInFlight, inFlight);
    setTimeout(() => {
      inFlight -= 1;
      if (page === options.refuseOnce && !refused) {
        refused = true;
        return sendJson(res, 429, { message: 'Retry later' }, { 'retry-after': '2' });
      }
      const items = Array.from({ length: 100 }, (_, index) => ({ id: (page - 1) * 100 + index + 1 }));
      sendJson(res, 200, items, {
        'x-page': String(page),
        'x-next-page': page < PAGES ? String(page + 1) : '',
        'x-total-pages': String(PAGES),
      });
    }, options.delayMs);
  });
  return { mostInFlight: () => mostInFlight };
}

function listClient(instanceUrl: string, sleeps: number[]) {
  return createGitlabApi({
    instanceUrl,
    token: 'glpat-credential-0123456789abcdef',
    environment: {
      policy: DEFAULT_RETRY_POLICY,
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
      nowMs: () => 0,
      random: () => 0.5,
      log: createLogger(
        { info: () => {}, warn: () => {}, error: () => {}, debug: () => {}, mask: () => {} },
        new SecretRegistry(),
      ),
    },
  }).client;
}

const pagesAsked = () =>
  (server?.requests ?? []).map((request) =>
    Number(new URL(request.url, 'http://list.invalid').searchParams.get('page')),
  );

describe('a counted list', () => {
  it(`reads page 1, then the other pages ${PAGE_CONCURRENCY} at a time, and every one of them`, async () => {
    const counted = await startListServer({ delayMs: 100 });
    const items = await listClient(server?.url ?? '', []).all<{ id: number }>('things');
    expect(items.map((item) => item.id)).toEqual(
      Array.from({ length: PAGES * 100 }, (_, index) => index + 1),
    );
    expect(counted.mostInFlight()).toBe(PAGE_CONCURRENCY);
    expect(pagesAsked()[0]).toBe(1);
    expect([...pagesAsked()].sort((a, b) => a - b)).toEqual(Array.from({ length: PAGES }, (_, i) => i + 1));
  });

  it("reads a page answered 429 again once GitLab's Retry-After has passed, and still every page", async () => {
    await startListServer({ delayMs: 1, refuseOnce: 5 });
    const sleeps: number[] = [];
    const items = await listClient(server?.url ?? '', sleeps).all<{ id: number }>('things');
    expect(items).toHaveLength(PAGES * 100);
    expect(sleeps).toEqual([2_000]);
    expect(pagesAsked().filter((page) => page === 5)).toHaveLength(2);
  });
});
