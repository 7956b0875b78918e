import { defineRule, everyResource } from '../rule';

export const schedulerDeadLetters = defineRule(__filename, {
  description:
    'Every schedule retries a failed invocation and keeps what it gave up on in a dead-letter queue (no run is lost without a trace)',
  scannerIds: [],
  scope: 'all',
  fix: "give the schedule's target a retry_policy and a dead_letter_config (the ScheduledJob module does)",
  check: (stack) =>
    everyResource(
      stack,
      'aws_scheduler_schedule',
      (s) => Boolean(s.target?.dead_letter_config?.arn) && s.target?.retry_policy !== undefined,
      'a failed invocation is dropped: no retry policy or no dead-letter queue',
    ),
});
