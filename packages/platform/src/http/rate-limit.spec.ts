import { RateLimiter } from './rate-limit';

describe('the rate limit', () => {
  let clock: number;
  const limiter = () => new RateLimiter(3, 60_000, () => clock);

  beforeEach(() => {
    clock = 120_000;
  });

  it('lets a client make its allowance in a window, then says when to come back', () => {
    const limit = limiter();
    expect([1, 2, 3].map(() => limit.hit('10.0.0.1').allowed)).toEqual([true, true, true]);
    clock += 15_000;
    expect(limit.hit('10.0.0.1')).toEqual({ allowed: false, retryAfter: 45 });
  });

  it('counts each client on its own', () => {
    const limit = limiter();
    for (let i = 0; i < 3; i++) limit.hit('10.0.0.1');
    expect(limit.hit('10.0.0.2').allowed).toBe(true);
    expect(limit.hit('10.0.0.1').allowed).toBe(false);
  });

  it('starts afresh in the next window', () => {
    const limit = limiter();
    for (let i = 0; i < 4; i++) limit.hit('10.0.0.1');
    clock += 60_000;
    expect(limit.hit('10.0.0.1').allowed).toBe(true);
  });
});
