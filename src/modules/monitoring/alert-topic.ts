import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { Construct } from 'constructs';
import { fitName, NAME_LIMITS } from '../../naming';
import { AwsContext } from '../aws-context';
import { policyDocument } from '../iam/policy-document';
import { accountAdministers, denyInsecureTransport } from '../iam/statements';

export interface AlertTopicProps {
  /** Prefix of names, `<project>-<environment>`. */
  readonly namePrefix: string;
  /** Addresses subscribed by email (each confirms by mail). @default [] */
  readonly emails?: readonly string[];
}

/**
 * Where alarms go: an SNS topic encrypted with its own customer-managed key
 * (rotated), which CloudWatch alarms of this account may publish to, with an
 * email subscription per address.
 */
export class AlertTopic extends Construct {
  readonly topic: SnsTopic;
  readonly key: KmsKey;
  readonly arn: string;

  constructor(scope: Construct, id: string, props: AlertTopicProps) {
    super(scope, id);
    const aws = AwsContext.of(this);
    const topicName = fitName(`${props.namePrefix}-alerts`, NAME_LIMITS.snsTopic);
    const topicArn = aws.arn('sns', topicName);
    const alarmsOfThisAccount = { StringEquals: { 'aws:SourceAccount': aws.accountId } };
    this.key = new KmsKey(this, 'key', {
      description: `${props.namePrefix} alert topic`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: policyDocument(
        accountAdministers(aws),
        // CloudWatch encrypts the messages it publishes to the topic with this key.
        {
          Sid: 'CloudWatchPublishes',
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          Resource: '*',
          Condition: alarmsOfThisAccount,
        },
      ),
    });
    new KmsAlias(this, 'alias', { name: `alias/${props.namePrefix}-alerts`, targetKeyId: this.key.keyId });
    this.topic = new SnsTopic(this, 'topic', { name: topicName, kmsMasterKeyId: this.key.arn, displayName: `${props.namePrefix} alerts` });
    new SnsTopicPolicy(this, 'policy', {
      arn: this.topic.arn,
      policy: policyDocument(
        {
          Sid: 'CloudWatchAlarmsPublish',
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: 'sns:Publish',
          Resource: topicArn,
          Condition: alarmsOfThisAccount,
        },
        denyInsecureTransport('sns:Publish', topicArn),
      ),
    });
    for (const email of props.emails ?? []) {
      new SnsTopicSubscription(this, `email-${email.replace(/[^A-Za-z0-9]/g, '-')}`, {
        topicArn: this.topic.arn,
        protocol: 'email',
        endpoint: email,
      });
    }
    this.arn = this.topic.arn;
  }
}
