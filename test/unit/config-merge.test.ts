/** The merge rule of defaults.yaml under each environment, field by field. */
import { mergeDefaults } from '../../src/config/merge';
import { MINIMAL_ENVIRONMENT, configOf } from '../support/helpers';

describe('mergeDefaults', () => {
  it('merges maps key by key', () => {
    expect(mergeDefaults({ aws: { region: 'eu-west-1', accountId: '1' } }, { aws: { accountId: '2' } })).toEqual({
      aws: { region: 'eu-west-1', accountId: '2' },
    });
  });

  it('replaces scalars', () => {
    expect(mergeDefaults({ logRetentionDays: 30 }, { logRetentionDays: 7 })).toEqual({ logRetentionDays: 7 });
  });

  it('replaces lists whole instead of appending', () => {
    expect(mergeDefaults({ zones: ['a', 'b', 'c'] }, { zones: ['x'] })).toEqual({ zones: ['x'] });
  });

  it('removes a default given null, at any depth', () => {
    expect(mergeDefaults({ a: 1, b: { c: 2, d: 3 } }, { a: null, b: { d: null } })).toEqual({ b: { c: 2 } });
  });

  it('keeps defaults the environment does not mention, and environment keys the defaults do not have', () => {
    expect(mergeDefaults({ a: { x: 1 } }, { b: { y: 2 } })).toEqual({ a: { x: 1 }, b: { y: 2 } });
  });

  it('lets an environment replace a map with a scalar (the schema then judges it)', () => {
    expect(mergeDefaults({ capacity: { spotWeight: 1 } }, { capacity: 'spot' })).toEqual({ capacity: 'spot' });
  });
});

describe('defaults.yaml under an environment', () => {
  const defaults = `${MINIMAL_ENVIRONMENT}tags: { Team: platform, CostCenter: web }
services:
  api:
    image: { repository: api, tag: "1.0.0" }
    cpu: 256
    memory: 512
    environment: { A: "1", B: "2" }
`;

  it('merges services key by key and replaces their lists', () => {
    const config = configOf('services:\n  api:\n    memory: 1024\n    environment: { B: "3" }\n', defaults);
    expect(config.services.api).toMatchObject({ cpu: 256, memory: 1024, environment: { A: '1', B: '3' } });
    expect(config.tags).toEqual({ Team: 'platform', CostCenter: 'web' });
  });

  it('drops a default service with null', () => {
    const config = configOf('services:\n  api: null\n', defaults);
    expect(config.services).toEqual({});
  });

  it('switches from a new VPC to an existing one when the environment nulls cidr', () => {
    const config = configOf(
      `network:
  cidr: null
  existing: { vpcId: vpc-0123456789abcdef0, publicSubnetIds: [subnet-0123456789abcdef0, subnet-0123456789abcdef1], privateSubnetIds: [subnet-0123456789abcdef2, subnet-0123456789abcdef3] }
`,
      defaults,
    );
    expect(config.network).toMatchObject({ kind: 'existing', vpcId: 'vpc-0123456789abcdef0' });
  });
});
