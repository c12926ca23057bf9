import { describe, expect, it } from 'vitest';
import { chooseExpiry, describeSpan, lifetimeOf } from '../../src/core/time/choose-expiry.js';
import { InputError } from '../../src/core/errors.js';
import {
  addDuration,
  daysLeft,
  expiresWithin,
  isCalendarDate,
  parseDuration,
} from '../../src/core/time/expiry.js';
import type { AccessToken } from '../../src/core/tokens/access-token.js';

const duration = (text: string) => parseDuration(text) ?? expect.fail(`bad duration ${text}`);

describe('durations', () => {
  it.each([
    ['30d', 30, 'd'],
    ['12w', 12, 'w'],
    ['6m', 6, 'm'],
    ['1y', 1, 'y'],
    [' 7D ', 7, 'd'],
  ])('parses %j', (text, amount, unit) => {
    expect(parseDuration(text)).toMatchObject({ amount, unit });
  });

  it.each(['', '0d', '-1d', '30', 'd', '5x', '1.5d', '30 d', '99999d'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it.each([
    ['2026-01-31', '1m', '2026-02-28'],
    ['2028-01-31', '1m', '2028-02-29'],
    ['2028-02-29', '1y', '2029-02-28'],
    ['2026-12-31', '1d', '2027-01-01'],
    ['2026-12-31', '2w', '2027-01-14'],
    ['2026-11-27', '12m', '2027-11-27'],
  ])('adds calendar time in UTC: %s + %s = %s', (from, text, expected) => {
    expect(addDuration(from, duration(text))).toBe(expected);
  });
});

describe('calendar dates', () => {
  it.each(['2027-02-29', '2026-13-01', '2026-00-10', '2026-1-1', '20260101', '2026-04-31'])(
    'rejects %s',
    (text) => {
      expect(isCalendarDate(text)).toBe(false);
    },
  );
  it.each(['2028-02-29', '2026-12-31'])('accepts %s', (text) => {
    expect(isCalendarDate(text)).toBe(true);
  });
});

describe('days left and rotate-before windows', () => {
  it('counts whole days to the expiry date, which is the first day the token no longer works', () => {
    expect(daysLeft('2026-11-28', '2026-11-27')).toBe(1);
    expect(daysLeft('2026-11-27', '2026-11-27')).toBe(0);
    expect(daysLeft(null, '2026-11-27')).toBeNull();
  });
  it('is due when the expiry falls on or before today + window', () => {
    expect(expiresWithin('2026-12-27', duration('30d'), '2026-11-27')).toBe(true);
    expect(expiresWithin('2026-12-28', duration('30d'), '2026-11-27')).toBe(false);
    expect(expiresWithin(null, duration('30d'), '2026-11-27')).toBe(false);
  });
});

describe('choosing the expiry sent to GitLab', () => {
  const at = (instant: string) => ({ now: new Date(instant), maxLifetimeDays: 365 });
  const morning = at('2026-11-27T06:00:00Z');
  const promise = (text: string) => ({ duration: duration(text), rule: 'at-least' as const });
  const cadence = (text: string) => ({ duration: duration(text), rule: 'calendar' as const });
  const asked = (text: string) => ({ kind: 'in' as const, duration: duration(text) });

  it('rounds a lifetime up to the next midnight UTC, so that 1d at 23:59:30 lasts a day (issue 8)', () => {
    const choice = chooseExpiry(asked('1d'), promise('30d'), at('2026-11-30T23:59:30Z'));
    expect(choice.expiresAt).toBe('2026-12-02');
    expect(choice.endsAt.toISOString()).toBe('2026-12-02T00:00:00.000Z');
    expect(choice.note).toBeUndefined();
  });

  it.each([
    ['2026-11-30T00:00:00Z', '1d', '2026-12-01'],
    ['2026-11-30T00:00:01Z', '1d', '2026-12-02'],
    ['2026-11-30T12:00:00Z', '1d', '2026-12-02'],
    ['2026-11-27T06:00:00Z', '90d', '2027-02-26'],
    ['2026-11-27T06:00:00Z', '2w', '2026-12-12'],
    ['2027-01-31T10:00:00Z', '1m', '2027-03-01'],
    ['2028-02-29T23:59:59Z', '1d', '2028-03-02'],
    ['2026-12-31T23:00:00Z', '1d', '2027-01-02'],
  ])('at %s, expires-in %s is at least that long: %s', (now, text, expected) => {
    const choice = chooseExpiry(asked(text), promise('30d'), at(now));
    expect(choice.expiresAt).toBe(expected);
    expect(choice.endsAt.getTime() - new Date(now).getTime()).toBeGreaterThanOrEqual(
      Math.min(duration(text).amount, 1) * 86_400_000,
    );
  });

  it('clamps a lifetime beyond the maximum, and warns that the token ends sooner than asked', () => {
    const choice = chooseExpiry(asked('2y'), promise('30d'), morning);
    expect(choice.expiresAt).toBe('2027-11-27');
    expect(choice.note).toContain('clamped to 2027-11-27');
    expect(choice.note).toContain(
      'works until 2027-11-27 00:00 UTC, 364 days 18 h from now: shorter than asked',
    );
  });

  it('warns for 365d, which a token made after midnight can never quite have', () => {
    const choice = chooseExpiry(asked('365d'), promise('30d'), morning);
    expect(choice.expiresAt).toBe('2027-11-27');
    expect(choice.note).toMatch(
      /365d from now would end the token at 2027-11-27 06:00 UTC.*shorter than asked/,
    );
  });

  it('gives 365d without a warning at midnight exactly', () => {
    const choice = chooseExpiry(asked('365d'), promise('30d'), at('2026-11-27T00:00:00Z'));
    expect(choice).toMatchObject({ expiresAt: '2027-11-27', note: undefined });
  });

  it('clamps 1y in a leap year to 365 days', () => {
    const choice = chooseExpiry(asked('1y'), promise('30d'), at('2027-03-01T00:00:00Z'));
    expect(choice.expiresAt).toBe('2028-02-29');
  });

  it('allows up to 400 days when the instance does', () => {
    const choice = chooseExpiry(asked('399d'), promise('30d'), {
      ...morning,
      maxLifetimeDays: 400,
    });
    expect(choice.expiresAt).toBe('2028-01-01');
    expect(choice.note).toBeUndefined();
  });

  it('uses the fallback when nothing was asked: create promises at least 30 days', () => {
    expect(chooseExpiry(undefined, promise('30d'), morning).expiresAt).toBe('2026-12-28');
  });

  it("keeps a rotation's calendar cadence: the old lifetime in calendar days, whatever the hour", () => {
    expect(chooseExpiry(undefined, cadence('90d'), morning).expiresAt).toBe('2027-02-25');
    expect(chooseExpiry(undefined, cadence('90d'), at('2026-11-27T23:59:30Z')).expiresAt).toBe('2027-02-25');
    expect(chooseExpiry(undefined, cadence('2d'), at('2026-11-27T23:59:30Z')).expiresAt).toBe('2026-11-29');
  });

  it('gives a one-day cadence one more day rather than a token that ends within seconds', () => {
    expect(chooseExpiry(undefined, cadence('1d'), at('2026-11-27T23:59:30Z')).expiresAt).toBe('2026-11-29');
    expect(chooseExpiry(undefined, cadence('1d'), at('2026-11-27T00:00:00Z')).expiresAt).toBe('2026-11-28');
  });

  it('clamps a cadence beyond the maximum and says so', () => {
    const choice = chooseExpiry(undefined, cadence('400d'), morning);
    expect(choice.expiresAt).toBe('2027-11-27');
    expect(choice.note).toContain('400d from 2026-11-27 is 2028-01-01, beyond the 365-day maximum');
  });

  it('rejects an explicit date that would make a token expired from the start, or one beyond the maximum', () => {
    expect(() => chooseExpiry({ kind: 'at', date: '2026-11-27' }, promise('30d'), morning)).toThrow(
      InputError,
    );
    expect(() => chooseExpiry({ kind: 'at', date: '2027-11-28' }, promise('30d'), morning)).toThrow(/beyond/);
    expect(chooseExpiry({ kind: 'at', date: '2027-11-27' }, promise('30d'), morning).expiresAt).toBe(
      '2027-11-27',
    );
  });

  it('warns when an explicit date ends the token within a day, and says when', () => {
    const choice = chooseExpiry(
      { kind: 'at', date: '2026-12-01' },
      promise('30d'),
      at('2026-11-30T23:59:30Z'),
    );
    expect(choice.expiresAt).toBe('2026-12-01');
    expect(choice.note).toContain('ends the token at 2026-12-01 00:00 UTC, 30 s from now');
    expect(chooseExpiry({ kind: 'at', date: '2026-12-02' }, promise('30d'), morning).note).toBeUndefined();
  });

  it("gives a rotated token its predecessor's lifetime in calendar days", () => {
    const token = { createdAt: '2026-08-29T10:00:00Z', expiresAt: '2026-11-27' } as AccessToken;
    expect(lifetimeOf(token, 365)).toMatchObject({ duration: { amount: 90, unit: 'd' }, rule: 'calendar' });
    expect(lifetimeOf({ ...token, expiresAt: null }, 365)).toMatchObject({ duration: { amount: 365 } });
  });
});

describe('describing when a token ends', () => {
  it.each([
    [30_000, '30 s'],
    [90_000, '1 min 30 s'],
    [3_600_000 * 5 + 60_000 * 3, '5 h 3 min'],
    [86_400_000 + 30_000, '1 day'],
    [86_400_000 + 3_600_000 * 2, '1 day 2 h'],
    [86_400_000 * 89 + 3_600_000 * 18, '89 days 18 h'],
  ])('%d ms reads as %s', (ms, text) => {
    expect(describeSpan(ms)).toBe(text);
  });
});
