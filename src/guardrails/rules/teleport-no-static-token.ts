import { resources, type GuardrailRule } from '../rule';

/** A literal `token:` (or `auth_token:`) value, or a static join token, in a Teleport file or command line. */
const STATIC_TOKEN = /^\s*(auth_)?token(_name)?:\s*\S+/m;

export const teleportNoStaticToken: GuardrailRule = {
  id: 'teleport-no-static-token',
  description: 'Teleport agents join with the IAM join method; no static join token is written in plain text',
  scannerIds: [],
  scope: 'all',
  fix: 'join agents with join_params { method: iam } (the teleport module does); keep any token in Secrets Manager',
  check: (stack) => [
    ...resources(stack, 'aws_ssm_parameter')
      .filter((p) => /^version: v3$/m.test(String(p.values.value ?? '')))
      .flatMap((p) => {
        const text = String(p.values.value);
        const joinParams = /join_params:\s*\n\s+method:\s*(\S+)/.exec(text)?.[1];
        const staticToken = STATIC_TOKEN.test(text.replace(/^\s*token_name:.*$/gm, '')) || (joinParams !== undefined && joinParams !== 'iam');
        return staticToken ? [{ address: p.address, message: 'the Teleport configuration joins with a static token' }] : [];
      }),
    ...resources(stack, 'aws_ssm_parameter')
      .filter((p) => /^kind: token$/m.test(String(p.values.value ?? '')))
      .flatMap((p) => (/join_method:\s*(token|static)\b/.test(String(p.values.value)) ? [{ address: p.address, message: 'a Teleport token resource with a static secret' }] : [])),
    ...resources(stack, 'aws_ecs_task_definition').flatMap((task) =>
      (JSON.parse(task.values.container_definitions) as { name: string; command?: string[] }[])
        .filter((c) => (c.command ?? []).some((arg) => arg.startsWith('--token=')) && !(c.command ?? []).includes('--join-method=iam'))
        .map((c) => ({ address: task.address, message: `container ${c.name} joins Teleport with a token on its command line` }))),
  ],
};
