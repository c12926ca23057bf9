import { describe, expect, it } from 'vitest';
import { chooseExpiry, lifetimeOf } from '../../src/core/time/choose-expiry.js';
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
  const limits = { today: '2026-11-27', maxLifetimeDays: 365 };

  it('clamps a duration beyond the maximum lifetime and says so', () => {
    const choice = chooseExpiry({ kind: 'in', duration: duration('2y') }, duration('30d'), limits);
    expect(choice.expiresAt).toBe('2027-11-27');
    expect(choice.note).toContain('clamped to 2027-11-27');
  });

  it('clamps 1y in a leap year to 365 days', () => {
    const choice = chooseExpiry({ kind: 'in', duration: duration('1y') }, duration('30d'), {
      today: '2027-03-01',
      maxLifetimeDays: 365,
    });
    expect(choice.expiresAt).toBe('2028-02-29');
  });

  it('allows up to 400 days when the instance does', () => {
    const choice = chooseExpiry({ kind: 'in', duration: duration('400d') }, duration('30d'), {
      ...limits,
      maxLifetimeDays: 400,
    });
    expect(choice.expiresAt).toBe('2028-01-01');
    expect(choice.note).toBeUndefined();
  });

  it('uses the fallback when nothing was asked', () => {
    expect(chooseExpiry(undefined, duration('30d'), limits).expiresAt).toBe('2026-12-27');
  });

  it('rejects an explicit date that GitLab would refuse', () => {
    expect(() => chooseExpiry({ kind: 'at', date: '2026-11-27' }, duration('30d'), limits)).toThrow(
      InputError,
    );
    expect(() => chooseExpiry({ kind: 'at', date: '2027-11-28' }, duration('30d'), limits)).toThrow(/beyond/);
    expect(chooseExpiry({ kind: 'at', date: '2027-11-27' }, duration('30d'), limits).expiresAt).toBe(
      '2027-11-27',
    );
  });

  it("gives a rotated token its predecessor's lifetime", () => {
    const token = { createdAt: '2026-08-29T10:00:00Z', expiresAt: '2026-11-27' } as AccessToken;
    expect(lifetimeOf(token, 365)).toMatchObject({ amount: 90, unit: 'd' });
    expect(lifetimeOf({ ...token, expiresAt: null }, 365)).toMatchObject({ amount: 365 });
  });
});
