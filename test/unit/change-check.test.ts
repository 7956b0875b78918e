/** The pieces of the change check that need no Terraform: the simulated state and the judgement. */
import { addedService, capacityChange, changeScenarios, newImage } from '../../src/core/change-scenarios';
import { applyPlanToState, type ProviderSchemas } from '../../src/terraform/fake-state';
import { configOf, exampleConfig, MINIMAL_ENVIRONMENT } from '../support/helpers';

const schemas: ProviderSchemas = {
  provider_schemas: {
    'registry.terraform.io/hashicorp/aws': {
      resource_schemas: {
        aws_thing: {
          version: 2,
          block: {
            attributes: {
              id: { type: 'string' },
              arn: { type: 'string' },
              public_ip: { type: 'string' },
              name: { type: 'string' },
              tags: { type: ['map', 'string'] },
              size: { type: 'number' },
            },
            block_types: { rule: { nesting_mode: 'list', block: { attributes: { rule_id: { type: 'string' } } } } },
          },
        },
      },
    },
  },
};

const change = (actions: string[], after: object, afterUnknown: object) => ({
  address: 'aws_thing.a',
  mode: 'managed',
  type: 'aws_thing',
  name: 'a',
  provider_name: 'registry.terraform.io/hashicorp/aws',
  change: { actions, after, after_unknown: afterUnknown },
});

describe('applyPlanToState', () => {
  it('keeps known values and fills unknown ones with typed placeholders', () => {
    const state = applyPlanToState(
      {
        resource_changes: [
          change(
            ['create'],
            { name: 'x', rule: [{}] },
            { id: true, arn: true, public_ip: true, tags: true, size: true, rule: [{ rule_id: true }] },
          ),
        ],
      },
      schemas,
    );
    const [resource] = state.resources;
    expect(resource).toMatchObject({ type: 'aws_thing', name: 'a', provider: 'provider["registry.terraform.io/hashicorp/aws"]' });
    const { attributes, schema_version } = resource.instances[0];
    expect(schema_version).toBe(2);
    expect(attributes.name).toBe('x');
    expect(attributes.id).toMatch(/^offline-[0-9a-f]{12}$/);
    expect(attributes.arn).toMatch(/^arn:aws:offline:/);
    expect(attributes.public_ip).toMatch(/^198\.51\.100\.\d{1,3}$/); // usable in a CIDR (`${eip.public_ip}/32`)
    expect(attributes.tags).toEqual({});
    expect(attributes.size).toBe(0);
    expect(attributes.rule[0].rule_id).toMatch(/^offline-/);
  });

  it('is deterministic and removes deleted resources', () => {
    const plan = { resource_changes: [change(['create'], { name: 'x' }, { id: true })] };
    const first = applyPlanToState(plan, schemas);
    expect(applyPlanToState(plan, schemas)).toEqual(first);
    expect(applyPlanToState({ resource_changes: [change(['delete'], {}, {})] }, schemas, first).resources).toEqual([]);
  });
});

describe('the new image scenario', () => {
  const taskDefinition = { address: 'aws_ecs_task_definition.web', type: 'aws_ecs_task_definition', actions: ['delete', 'create'] };
  const serviceUpdate = { address: 'aws_ecs_service.web', type: 'aws_ecs_service', actions: ['update'] };

  it('moves the first service to the next tag of its repository', () => {
    const scenario = newImage(exampleConfig('dev'))!;
    expect(scenario.description).toBe('dev: services.web.image changed');
    expect(scenario.after.services.web!.image).toEqual({ repository: 'web', tag: '2.3.0-next' });
    expect(scenario.after.services.api).toBe(scenario.before.services.api);
  });

  it('retags a full image reference, whether it has a tag or a digest', () => {
    const withImage = (image: string) =>
      newImage(configOf(`${MINIMAL_ENVIRONMENT}services:\n  app: { image: "${image}", cpu: 256, memory: 512 }\n`))!;
    expect(Object.values(withImage('public.ecr.aws/nginx/nginx:1.27').after.services)[0]!.image).toBe(
      'public.ecr.aws/nginx/nginx:change-check',
    );
    expect(Object.values(withImage(`registry.example.com:5000/team/app@sha256:${'a'.repeat(64)}`).after.services)[0]!.image).toBe(
      'registry.example.com:5000/team/app:change-check',
    );
  });

  it('accepts a new revision rolled out in place, and rejects anything more or less', () => {
    const scenario = newImage(exampleConfig('dev'))!;
    expect(scenario.judge([taskDefinition, serviceUpdate])).toBe('');
    expect(scenario.judge([taskDefinition])).toBe('plans no in-place update of the ECS service');
    expect(scenario.judge([taskDefinition, { ...serviceUpdate, actions: ['delete', 'create'] }])).toBe(
      'plans no in-place update of the ECS service',
    );
    expect(scenario.judge([serviceUpdate])).toBe('registers no new task definition revision');
    expect(scenario.judge([taskDefinition, serviceUpdate, { address: 'aws_iam_role.r', type: 'aws_iam_role', actions: ['update'] }])).toBe(
      'changes more than the task definition and the service: aws_iam_role.r update',
    );
  });

  it('leaves the service to the pipeline with externalImageUpdates', () => {
    const config = exampleConfig('dev');
    const web = config.services.web!;
    const scenario = newImage({
      ...config,
      services: { ...config.services, web: { ...web, deployment: { ...web.deployment, externalImageUpdates: true } } },
    })!;
    expect(scenario.description).toBe('dev: services.web.image changed (externalImageUpdates)');
    expect(scenario.judge([taskDefinition])).toBe('');
    expect(scenario.judge([taskDefinition, serviceUpdate])).toBe('updates the ECS service although the pipeline rolls out images');
  });
});

describe('the capacity change scenario', () => {
  const scenario = capacityChange(exampleConfig('dev'))!;

  it('moves a Spot service to on-demand', () => {
    expect(scenario.description).toBe('dev: services.web.capacity "spot" -> onDemand');
    expect(scenario.after.services.web!.capacity).toBe('onDemand');
  });

  it('accepts an in-place update and rejects a replacement', () => {
    const address = 'aws_ecs_service.web';
    expect(scenario.judge([{ address, type: 'aws_ecs_service', actions: ['update'] }])).toBe('');
    expect(scenario.judge([{ address, type: 'aws_ecs_service', actions: ['delete', 'create'] }])).toBe(`replaces ${address}`);
    expect(scenario.judge([])).toBe('plans no in-place update of the ECS service');
  });
});

describe('the added service scenario', () => {
  const scenario = addedService(exampleConfig('dev'))!;

  it('adds a worker beside the others, from the same deployed environment as the other scenarios', () => {
    expect(Object.keys(scenario.after.services)).toEqual([...Object.keys(scenario.before.services), 'added-probe']);
    expect(changeScenarios(exampleConfig('dev')).map((s) => s.before)).toEqual([scenario.before, scenario.before, scenario.before]);
  });

  it('accepts creates and a dashboard update, and rejects any other change', () => {
    expect(
      scenario.judge([
        { address: 'aws_ecs_service.added', type: 'aws_ecs_service', actions: ['create'] },
        { address: 'aws_cloudwatch_dashboard.d', type: 'aws_cloudwatch_dashboard', actions: ['update'] },
      ]),
    ).toBe('');
    expect(scenario.judge([{ address: 'aws_security_group.api', type: 'aws_security_group', actions: ['update'] }])).toBe(
      'changes existing resources: aws_security_group.api update',
    );
    expect(scenario.judge([])).toBe('plans nothing for the new service');
  });
});
