/** The fixture environments at the edges of the contract synthesize to names AWS accepts (CI also plans them). */
import { loadEnvironments } from '../../src/core/index';
import { resourcesOf, synthEnvironment } from '../support/helpers';

const configs = loadEnvironments('test/fixtures/unusual').map((e) => e.config);
const stacks = Object.fromEntries(configs.map((c) => [c.environment, synthEnvironment(c)]));

describe('unusual environments', () => {
  it('load', () => {
    expect(Object.keys(stacks).sort()).toEqual(['apps', 'longest-names-env-xx', 'production', 'qa-']);
  });

  it.each(['apps', 'longest-names-env-xx', 'production', 'qa-'])('give %s names AWS accepts', (environment) => {
    const stack = stacks[environment]!;
    for (const lb of Object.values(resourcesOf(stack, 'aws_lb')))
      expect(lb.name).toMatch(/^(?!internal-)[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/);
    for (const group of Object.values(resourcesOf(stack, 'aws_lb_target_group')))
      expect(group.name).toMatch(/^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/);
    for (const db of Object.values(resourcesOf(stack, 'aws_db_instance')))
      expect(db.identifier).toMatch(/^[a-z](?!.*--)[a-z0-9-]{0,61}[a-z0-9]$/);
    for (const group of Object.values(resourcesOf(stack, 'aws_db_parameter_group')))
      expect(group.name).toMatch(/^[a-z](?!.*--)[a-z0-9-]*[a-z0-9]$/);
    for (const namespace of Object.values(resourcesOf(stack, 'aws_service_discovery_private_dns_namespace')))
      expect(namespace.name).toMatch(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.local$/);
    for (const bucket of Object.values(resourcesOf(stack, 'aws_s3_bucket')))
      expect(bucket.bucket).toMatch(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/);
    // ECR's own pattern (an environment named qa- once made internal-tools/qa-/tools/batch, which ECR refuses; the apply check found it).
    for (const repository of Object.values(resourcesOf(stack, 'aws_ecr_repository')))
      expect(repository.name).toMatch(/^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/);
  });

  it('keep an environment whose name ECR cannot hold apart from the one it is cleaned into', () => {
    const names = Object.values(resourcesOf(stacks['qa-']!, 'aws_ecr_repository')).map((r) => r.name as string);
    expect(names).toEqual([expect.stringMatching(/^internal-tools\/qa-[0-9a-f]{6}\/tools\/batch$/)]);
  });

  it('serve HTTP only on an internal load balancer open to the configured networks', () => {
    const ingress = Object.values(resourcesOf(stacks['qa-']!, 'aws_vpc_security_group_ingress_rule')).filter((r) => r.cidr_ipv4);
    expect(ingress.map((r) => [r.from_port, r.cidr_ipv4])).toEqual([[80, '10.0.0.0/8']]);
  });
});
