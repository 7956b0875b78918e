import { ecrRepositoryName, fitName, Naming, NAME_LIMITS, securityGroupName, trimmedName } from '../../src/naming';

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
    expect(naming.loadBalancer().length).toBeLessThanOrEqual(NAME_LIMITS.loadBalancer);
    expect(naming.bucket('123456789012', 'ap-southeast-2', 'alb-logs').length).toBeLessThanOrEqual(63);
  });
});

describe('names AWS would reject', () => {
  it('keeps load balancer names off a trailing hyphen and the internal- prefix', () => {
    expect(new Naming('shop', 'dev-').loadBalancer()).toMatch(/^shop-dev-[0-9a-f]{6}$/);
    expect(new Naming('internal', 'dev').loadBalancer()).toBe('lb-internal-dev');
    expect(new Naming('shop', 'dev').loadBalancer()).toBe('shop-dev');
  });

  it('gives service discovery a namespace whose label is valid DNS', () => {
    expect(new Naming('shop', 'dev-').namespace()).toMatch(/^shop-dev-[0-9a-f]{6}\.local$/);
    expect(new Naming('shop', 'dev').namespace()).toBe('shop-dev.local');
  });

  it('keeps trimmed names apart from the names they were trimmed to', () => {
    expect(trimmedName('shop-dev-', 32)).not.toBe(trimmedName('shop-dev', 32));
  });
});

describe('securityGroupName', () => {
  it('keeps clear of the sg- prefix AWS reserves for group IDs', () => {
    expect(securityGroupName('sg-tools-dev-api')).toBe('group-sg-tools-dev-api');
    expect(securityGroupName('shop-dev-api')).toBe('shop-dev-api');
  });
});

describe('ecrRepositoryName', () => {
  const ECR = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

  it('leaves a name ECR accepts as it is', () => {
    expect(ecrRepositoryName('shop/dev/api')).toBe('shop/dev/api');
    expect(ecrRepositoryName('shop/dev/tools/batch.v2_x')).toBe('shop/dev/tools/batch.v2_x');
  });

  it('cleans a component ending in or doubling a separator, keeping it apart from the clean one by a hash of itself', () => {
    const trailing = ecrRepositoryName('internal-tools/qa-/tools/batch');
    expect(trailing).toMatch(/^internal-tools\/qa-[0-9a-f]{6}\/tools\/batch$/);
    expect(trailing).toMatch(ECR);
    expect(trailing).not.toBe(ecrRepositoryName('internal-tools/qa/tools/batch'));
    // The same environment gives every repository the same component.
    expect(ecrRepositoryName('internal-tools/qa-/web').split('/')[1]).toBe(trailing.split('/')[1]);
    expect(ecrRepositoryName('shop/a--b/api')).toMatch(/^shop\/a-b-[0-9a-f]{6}\/api$/);
  });
});
