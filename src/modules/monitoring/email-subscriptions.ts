import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { Construct } from 'constructs';

export interface EmailSubscriptionsProps {
  /** An existing topic, managed elsewhere. */
  readonly topicArn: string;
  /** Each address confirms its subscription by mail. */
  readonly emails: readonly string[];
}

/** Email subscriptions of this environment to a topic it does not manage (monitoring.topicArn). */
export class EmailSubscriptions extends Construct {
  constructor(scope: Construct, id: string, props: EmailSubscriptionsProps) {
    super(scope, id);
    for (const email of props.emails) {
      new SnsTopicSubscription(this, `email-${email.replace(/[^A-Za-z0-9]/g, '-')}`, {
        topicArn: props.topicArn,
        protocol: 'email',
        endpoint: email,
      });
    }
  }
}
