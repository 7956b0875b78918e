/** The testing helpers teams use (src/testing): YAML text in, stack JSON for cdktf's Testing matchers out. */
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { resourcesOf, synthEnvironmentFromYaml, synthEnvironments } from '../../src/testing/index';
import { EXAMPLES_DIR, MINIMAL_ENVIRONMENT } from '../support/helpers';

const WITH_SERVICE = `${MINIMAL_ENVIRONMENT}services:
  api:
    image: public.ecr.aws/nginx/nginx:1.27
    cpu: 512
    memory: 1024
    desiredCount: 2
`;

describe('synthEnvironmentFromYaml', () => {
  it('returns stack JSON that the Testing matchers read', () => {
    const json = synthEnvironmentFromYaml(WITH_SERVICE);
    expect(json).toHaveResourceWithProperties(EcsService, { name: 'api', desired_count: 2 });
    expect(json).toHaveResourceWithProperties(EcsTaskDefinition, { cpu: '512', memory: '1024' });
    expect(json).not.toHaveResourceWithProperties(EcsService, { desired_count: 3 });
  });

  it('merges the given defaults and names the environment after the file', () => {
    // The cluster carries the environment's name; services are named by their key within it.
    const json = synthEnvironmentFromYaml('services:\n  api: { desiredCount: 3 }\n', { defaults: WITH_SERVICE, name: 'qa' });
    expect(json).toHaveResourceWithProperties(EcsService, { name: 'api', desired_count: 3 });
    expect(json).toHaveResourceWithProperties(EcsCluster, { name: 'shop-qa' });
  });

  it("throws the CLI's problem lines for invalid config", () => {
    expect(() => synthEnvironmentFromYaml(WITH_SERVICE.replace('cpu: 512', 'cpu: 500'))).toThrow(/dev\.yaml:\d+:\d+ services\.api\.cpu: /);
  });
});

describe('synthEnvironments', () => {
  it('synthesizes every environment of a folder once, with its resolved config', () => {
    const environments = synthEnvironments(EXAMPLES_DIR);
    expect(environments.map((e) => e.name)).toEqual(['dev', 'prod', 'staging']);
    const prod = environments.find((e) => e.name === 'prod')!;
    expect(prod.config.production).toBe(true);
    expect(Object.keys(resourcesOf(prod.json, 'aws_ecs_service')).length).toBe(Object.keys(prod.config.services).length);
  });
});
