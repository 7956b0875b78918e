import { defineRule, everyResource } from '../rule';

export const sqsCustomerKey = defineRule(__filename, {
  description: 'Production queues are encrypted with a customer-managed KMS key (its use is granted and logged per role)',
  scannerIds: [],
  scope: 'production',
  fix: "give the queue kms_master_key_id: the environment's queue key (queues and job dead-letter queues get it in production)",
  check: (stack) =>
    everyResource(stack, 'aws_sqs_queue', (q) => Boolean(q.kms_master_key_id), 'the queue is not encrypted with a customer-managed key'),
});
