import { defineRule, referencing, resources } from '../rule';

export const sqsTlsOnly = defineRule(__filename, {
  description: 'SQS queues refuse requests without TLS',
  scannerIds: [],
  scope: 'all',
  fix: 'add a queue policy that denies requests where aws:SecureTransport is false (the Queue and ScheduledJob modules do)',
  check: (stack) =>
    resources(stack, 'aws_sqs_queue')
      .filter(
        (queue) =>
          !referencing(stack, 'aws_sqs_queue_policy', 'queue_url', queue).some((p) => {
            const statements: any[] = JSON.parse(p.values.policy).Statement ?? [];
            return statements.some((s) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false');
          }),
      )
      .map((queue) => ({ address: queue.address, message: 'requests without TLS are not denied' })),
});
