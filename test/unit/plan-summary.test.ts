/** A plan's summary from Terraform's output, and a doubtful output refused (plan-summary-terraform.test.ts compares it with `show -json` of real plans). */
import { changedAttributesFromText, reviewLines, summarizePlanText } from '../../src/core/index';

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
        add: 1,
        change: 1,
        replace: 1,
        destroy: 1,
        addresses: {
          create: ['aws_iam_role.api["a b"]'],
          update: ['aws_ecs_service.api'],
          replace: ['aws_db_instance.database-main_db_1'],
          delete: ['aws_s3_bucket.logs'],
        },
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

describe('what each update and replacement changes, from the plan output', () => {
  const output = [
    '  # aws_db_instance.database-main_instance_6ABE9B1D must be replaced',
    '-/+ resource "aws_db_instance" "database-main_instance_6ABE9B1D" {',
    '      ~ address                               = "shop-dev-main.x.rds.amazonaws.com" -> (known after apply)',
    '      ~ id                                    = "db-ABC" -> (known after apply)',
    '      ~ username                              = "shop_admin" -> "shop_owner" # forces replacement',
    '        # (40 unchanged attributes hidden)',
    '    }',
    '',
    '  # aws_ecs_service.service-api_service_454F4786 will be updated in-place',
    '  ~ resource "aws_ecs_service" "service-api_service_454F4786" {',
    '      ~ task_definition                    = "arn:aws:ecs:eu-west-1:123456789012:task-definition/shop-dev-api:1" -> (known after apply)',
    '      ~ tags                               = {',
    '          + "Owner" = "team-a"',
    '        }',
    '      + capacity_provider_strategy {',
    '          + base              = 0',
    '        }',
    '    }',
    '',
    '  # aws_ecs_task_definition.service-api_task_1F2E3D4C will be created',
    '  + resource "aws_ecs_task_definition" "service-api_task_1F2E3D4C" {',
    '      + arn = (known after apply)',
    '    }',
  ].join('\n');

  it('names the changed attributes and what forces a replacement, leaving out values known only after apply', () => {
    expect(changedAttributesFromText(output)).toEqual({
      'aws_db_instance.database-main_instance_6ABE9B1D': { changed: ['username'], forcing: ['username'] },
      'aws_ecs_service.service-api_service_454F4786': { changed: ['tags', 'capacity_provider_strategy'], forcing: [] },
    });
  });

  it('review lines carry them', () => {
    const summary = {
      add: 1,
      change: 1,
      replace: 1,
      destroy: 0,
      addresses: {
        create: ['aws_ecs_task_definition.t'],
        update: ['aws_ecs_service.service-api_service_454F4786'],
        replace: ['aws_db_instance.database-main_instance_6ABE9B1D'],
        delete: [],
      },
    };
    expect(reviewLines(summary, changedAttributesFromText(output))).toEqual([
      '  replace aws_db_instance.database-main_instance_6ABE9B1D (username forces replacement)',
      '  change  aws_ecs_service.service-api_service_454F4786 (tags, capacity_provider_strategy)',
      '  add     aws_ecs_task_definition.t',
    ]);
  });
});
