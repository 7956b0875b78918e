import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { Construct } from 'constructs';

export interface LogGroupProps {
  /** The log group name, for example /ecs/shop-prod/api. */
  readonly name: string;
  /** Days to keep events; one of the values CloudWatch accepts. */
  readonly retentionDays: number;
  /** A KMS key to encrypt the events with. @default no customer key (CloudWatch's own encryption) */
  readonly kmsKeyArn?: string;
}

/** A log group with the retention every log group of this project must have. */
export class LogGroup extends Construct {
  readonly logGroup: CloudwatchLogGroup;
  readonly name: string;
  readonly arn: string;

  constructor(scope: Construct, id: string, props: LogGroupProps) {
    super(scope, id);
    this.logGroup = new CloudwatchLogGroup(this, 'group', {
      name: props.name,
      retentionInDays: props.retentionDays,
      kmsKeyId: props.kmsKeyArn,
    });
    this.name = props.name;
    this.arn = this.logGroup.arn;
  }
}
