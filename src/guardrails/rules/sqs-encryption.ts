import { defineRule, everyResource } from '../rule';

export const sqsEncryption = defineRule(__filename, {
  description: 'SQS queues are encrypted at rest (SSE-SQS or a KMS key)',
  scannerIds: ['CKV_AWS_27'],
  scope: 'all',
  fix: 'set sqs_managed_sse_enabled or kms_master_key_id on the queue (the Queue and ScheduledJob modules do)',
  check: (stack) =>
    everyResource(
      stack,
      'aws_sqs_queue',
      (q) => q.sqs_managed_sse_enabled === true || Boolean(q.kms_master_key_id),
      'the queue is not encrypted',
    ),
});
