import { ACTIONS_WITHOUT_RESOURCES } from '../../aws-facts';
import { defineRule, resources, type Finding } from '../rule';

export { ACTIONS_WITHOUT_RESOURCES };

const list = (value: unknown): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [String(value)]);

export const iamNoWildcards = defineRule(__filename, {
  description: 'IAM policies name their actions and, where an ARN is known, their resources',
  scannerIds: ['CKV_AWS_355', 'CKV_AWS_290'],
  scope: 'all',
  fix: 'list the actions and the resource ARNs the role needs',
  check: (stack) =>
    ['aws_iam_role_policy', 'aws_iam_policy']
      .flatMap((type) => resources(stack, type))
      .flatMap((policy): Finding[] => {
        const statements: any[] = JSON.parse(policy.values.policy).Statement ?? [];
        return statements
          .filter((s) => s.Effect === 'Allow')
          .flatMap((s): Finding[] => {
            const actions = list(s.Action);
            const findings: Finding[] = actions
              .filter((a) => a === '*' || a.endsWith(':*'))
              .map((a) => ({ address: policy.address, message: `allows every action (${a})` }));
            if (list(s.Resource).includes('*')) {
              const wide = actions.filter((a) => !ACTIONS_WITHOUT_RESOURCES.has(a));
              if (wide.length > 0) findings.push({ address: policy.address, message: `allows ${wide.join(', ')} on every resource` });
            }
            return findings;
          });
      }),
});
