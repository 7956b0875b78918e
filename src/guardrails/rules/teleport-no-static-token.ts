import { defineRule, resources } from '../rule';

/** A literal `token:` (or `auth_token:`) value, or a static join token, in a Teleport file or command line. */
const STATIC_TOKEN = /^\s*(auth_)?token(_name)?:\s*\S+/m;

/** Whether a teleport.yaml joins with a static token: a token or auth_token key, or join_params with another method than iam. */
function joinsWithStaticToken(text: string): boolean {
  const joinParams = /join_params:\s*\n\s+method:\s*(\S+)/.exec(text)?.[1];
  return STATIC_TOKEN.test(text.replace(/^\s*token_name:.*$/gm, '')) || (joinParams !== undefined && joinParams !== 'iam');
}

/** The teleport.yaml handed over on a command line (`--config-string=<base64>`), if any. */
function configString(command: readonly string[]): string | undefined {
  const arg = command.find((a) => a.startsWith('--config-string='));
  return arg === undefined ? undefined : Buffer.from(arg.slice('--config-string='.length), 'base64').toString('utf8');
}

export const teleportNoStaticToken = defineRule(__filename, {
  description: 'Teleport agents join with the IAM join method; no static join token is written in plain text',
  scannerIds: [],
  scope: 'all',
  fix: 'join agents with join_params { method: iam } in their teleport.yaml (the teleport module does); keep any token in Secrets Manager',
  check: (stack) => [
    ...resources(stack, 'aws_ssm_parameter')
      .filter((p) => /^version: v3$/m.test(String(p.values.value ?? '')))
      .flatMap((p) =>
        joinsWithStaticToken(String(p.values.value))
          ? [{ address: p.address, message: 'the Teleport configuration joins with a static token' }]
          : [],
      ),
    ...resources(stack, 'aws_ssm_parameter')
      .filter((p) => /^kind: token$/m.test(String(p.values.value ?? '')))
      .flatMap((p) =>
        /join_method:\s*(token|static)\b/.test(String(p.values.value))
          ? [{ address: p.address, message: 'a Teleport token resource with a static secret' }]
          : [],
      ),
    ...resources(stack, 'aws_ecs_task_definition').flatMap((task) =>
      (JSON.parse(task.values.container_definitions) as { name: string; command?: string[] }[]).flatMap((c) => {
        const command = c.command ?? [];
        // teleport start has no --join-method flag: a --token on the command line is always a static token.
        if (command.some((arg) => arg.startsWith('--token=')))
          return [{ address: task.address, message: `container ${c.name} joins Teleport with a token on its command line` }];
        const config = configString(command);
        return config !== undefined && joinsWithStaticToken(config)
          ? [
              {
                address: task.address,
                message: `container ${c.name}: the Teleport configuration in --config-string joins with a static token`,
              },
            ]
          : [];
      }),
    ),
  ],
});
