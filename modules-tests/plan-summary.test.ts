/** A plan's summary from Terraform's output, and a doubtful output refused (plan-summary-terraform.test.ts compares it with `show -json` of real plans). */
import { summarizePlanText } from '../src/core/index';

describe('summarizePlanText', () => {
  const output = [
    'Terraform will perform the following actions:',
    '  # aws_db_instance.database-main_db_1 must be replaced',
    '-/+ resource "aws_db_instance" "database-main_db_1" {',
    '  # aws_s3_bucket.logs will be destroyed',
    '  # (because aws_s3_bucket.logs is not in configuration)',
    '  # aws_ecs_service.api will be updated in-place',
    '  # aws_iam_role.api["a b"] will be created',
    '  # aws_lb.x has moved to aws_lb.y',
    '  # data.aws_caller_identity.me will be read during apply',
    'Plan: 2 to add, 1 to change, 2 to destroy.',
  ].join('\n');

  it('reads every action and the data-holding resources destroyed or replaced', () => {
    expect(summarizePlanText(output)).toEqual({
      summary: {
        add: 1, change: 1, replace: 1, destroy: 1,
        addresses: { create: ['aws_iam_role.api["a b"]'], update: ['aws_ecs_service.api'], replace: ['aws_db_instance.database-main_db_1'], delete: ['aws_s3_bucket.logs'] },
      },
      destructive: ['aws_db_instance.database-main_db_1', 'aws_s3_bucket.logs'],
    });
  });

  it('gives up when the counts disagree or a line is not understood', () => {
    expect(summarizePlanText(output.replace('Plan: 2 to add', 'Plan: 3 to add'))).toBeUndefined();
    expect(summarizePlanText(output.replace('will be created', 'will be frobnicated'))).toBeUndefined();
    expect(summarizePlanText('Error: something')).toBeUndefined();
    expect(summarizePlanText('No changes. Your infrastructure matches the configuration.')?.summary.add).toBe(0);
  });
});
