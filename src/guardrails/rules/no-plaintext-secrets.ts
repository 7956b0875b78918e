import { defineRule, resources, type Finding, type StackJson } from '../rule';

/** Variable names that say they hold a secret. */
const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL)/i;
/** Values that are secrets whatever they are called. */
const SECRET_VALUES: [RegExp, string][] = [
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/, 'an AWS access key ID'],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'a private key'],
  [/\bgh[pousr]_[A-Za-z0-9]{36}\b/, 'a GitHub token'],
  [/\bsk_live_[A-Za-z0-9]{16,}\b/, 'a Stripe live key'],
];
const isReference = (value: unknown) => typeof value === 'string' && /^\$\{.*\}$/s.test(value);

function strings(value: unknown, path: string, out: [string, string][]): [string, string][] {
  if (typeof value === 'string') out.push([path, value]);
  else if (Array.isArray(value)) value.forEach((v, i) => strings(v, `${path}[${i}]`, out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) strings(v, path ? `${path}.${k}` : k, out);
  return out;
}

function containerFindings(stack: StackJson): Finding[] {
  return resources(stack, 'aws_ecs_task_definition').flatMap((task) =>
    (JSON.parse(task.values.container_definitions) as { name: string; environment?: { name: string; value: string }[] }[]).flatMap((c) =>
      (c.environment ?? [])
        .filter((e) => SECRET_NAME.test(e.name) && e.value !== '' && !isReference(e.value))
        .map((e) => ({
          address: task.address,
          message: `container ${c.name} has ${e.name} in plain text in its environment; move it to secrets`,
        })),
    ),
  );
}

function attributeFindings(stack: StackJson): Finding[] {
  const checks: [string, string][] = [
    ['aws_db_instance', 'password'],
    ['aws_secretsmanager_secret_version', 'secret_string'],
  ];
  return checks.flatMap(([type, attribute]) =>
    resources(stack, type)
      .filter((r) => r.values[attribute] !== undefined && !isReference(r.values[attribute]))
      .map((r) => ({ address: r.address, message: `${attribute} is written in plain text` })),
  );
}

function valueFindings(stack: StackJson): Finding[] {
  return Object.entries(stack.resource ?? {}).flatMap(([type, byName]) =>
    Object.entries(byName).flatMap(([name, values]) =>
      strings(values, '', []).flatMap(([path, value]) =>
        SECRET_VALUES.filter(([pattern]) => pattern.test(value)).map(([, what]) => ({
          address: `${type}.${name}`,
          message: `${path} holds ${what} in plain text`,
        })),
      ),
    ),
  );
}

export const noPlaintextSecrets = defineRule(__filename, {
  description: 'No secret value is written in plain text into the stack or a container environment',
  scannerIds: ['CKV_SECRET_2'],
  scope: 'all',
  fix: 'keep secrets in Secrets Manager or SSM and reference them under services.<name>.secrets',
  check: (stack) => [...containerFindings(stack), ...attributeFindings(stack), ...valueFindings(stack)],
});
