import { fitName, Naming, NAME_LIMITS } from '../src/naming';

describe('fitName', () => {
  it('keeps names that fit', () => {
    expect(fitName('shop-prod-api', 32)).toBe('shop-prod-api');
  });

  it('shortens deterministically to a readable prefix and a hash', () => {
    const long = 'a-very-long-project-production-eu-api';
    const short = fitName(long, NAME_LIMITS.targetGroup);
    expect(short).toHaveLength(32);
    expect(short).toMatch(/^a-very-long-project-produ-[0-9a-f]{6}$/);
    expect(fitName(long, 32)).toBe(short);
    expect(fitName(`${long}x`, 32)).not.toBe(short);
  });

  it('never leaves a trailing hyphen before the hash', () => {
    expect(fitName('abcdefghijklmnopqrstuvwxy-zzzzzzzzzzzz', 32)).not.toMatch(/--/);
  });
});

describe('Naming', () => {
  it('fits the longest valid project and environment names in every limit', () => {
    const naming = new Naming('p'.repeat(20), 'e'.repeat(20));
    expect(naming.name(NAME_LIMITS.loadBalancer)).toHaveLength(32);
    expect(naming.name(NAME_LIMITS.targetGroup, 's'.repeat(32)).length).toBeLessThanOrEqual(32);
    expect(naming.bucket('123456789012', 'ap-southeast-2', 'alb-logs').length).toBeLessThanOrEqual(63);
  });
});
