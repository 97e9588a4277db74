import { describe, expect, it } from 'vitest';
import { secondsLeft, warningLeadSeconds } from './IdleLogout';

describe('idle logout timing', () => {
  it('warns a minute ahead, or a third of a short timeout', () => {
    expect(warningLeadSeconds(900)).toBe(60);
    expect(warningLeadSeconds(30)).toBe(10);
  });

  it('counts down from the last request and stops at zero', () => {
    const last = 1_000_000;
    expect(secondsLeft(900, last, last)).toBe(900);
    expect(secondsLeft(900, last, last + 899_500)).toBe(1);
    expect(secondsLeft(900, last, last + 900_000)).toBe(0);
    expect(secondsLeft(900, last, last + 5_000_000)).toBe(0);
  });
});
