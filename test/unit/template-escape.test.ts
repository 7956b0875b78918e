/** Strings from YAML reach Terraform as literal text: `${...}` and `%{...}` are escaped, never evaluated. */
import { configOf, MINIMAL_ENVIRONMENT, synthEnvironment } from '../support/helpers';

describe('template sequences in configuration values', () => {
  const config = configOf(`${MINIMAL_ENVIRONMENT}services:
  api:
    image: "public.ecr.aws/nginx/nginx:1.27"
    cpu: 256
    memory: 512
    command: ["sh", "-c", "echo \${HOME} %{ if true }x%{ endif }"]
    environment: { LEAK: '\${file("/proc/self/environ")}' }
`);
  const stack = JSON.parse(synthEnvironment(config));

  it('escape interpolations in container environment values (tag values cannot hold $ { } at all: AWS refuses them)', () => {
    const definitions = JSON.parse(Object.values<any>(stack.resource.aws_ecs_task_definition)[0].container_definitions as string);
    expect(definitions[0].environment).toContainEqual({ name: 'LEAK', value: '$${file("/proc/self/environ")}' });
  });

  it('escape interpolations and directives in container definitions', () => {
    const definitions = Object.values<any>(stack.resource.aws_ecs_task_definition)[0].container_definitions as string;
    expect(definitions).toContain('echo $${HOME} %%{ if true }x%%{ endif }');
    expect(definitions).not.toMatch(/[^$]\$\{HOME\}/);
  });
});
