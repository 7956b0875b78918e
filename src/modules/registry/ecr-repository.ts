import { EcrLifecyclePolicy } from '@cdktf/provider-aws/lib/ecr-lifecycle-policy';
import { EcrRepository as EcrRepositoryResource } from '@cdktf/provider-aws/lib/ecr-repository';
import { Construct } from 'constructs';

export interface EcrLifecycleProps {
  /** Tagged images to keep, newest first. */
  readonly keepTaggedImages: number;
  /** Days after which untagged images expire. */
  readonly untaggedExpiryDays: number;
  /** Images with a tag starting with one of these are never expired. @default [] */
  readonly protectedTagPrefixes?: readonly string[];
}

export interface EcrRepositoryProps {
  /** The repository name, `<project>/<environment>/<repository>`. */
  readonly name: string;
  /** @default true */
  readonly scanOnPush?: boolean;
  /** @default true */
  readonly immutableTags?: boolean;
  readonly lifecycle: EcrLifecycleProps;
}

/** Far more than any retention keeps: protected images are, in effect, never expired. */
const PROTECTED_IMAGE_COUNT = 10000;

/** The lifecycle policy: protected prefixes first (a rule shields what it matches from later rules), then untagged, then the count. */
export function lifecyclePolicy(lifecycle: EcrLifecycleProps): string {
  const rules: object[] = (lifecycle.protectedTagPrefixes ?? []).map((prefix) => ({
    description: `keep images tagged ${prefix}*`,
    selection: { tagStatus: 'tagged', tagPrefixList: [prefix], countType: 'imageCountMoreThan', countNumber: PROTECTED_IMAGE_COUNT },
    action: { type: 'expire' },
  }));
  rules.push({
    description: `expire untagged images after ${lifecycle.untaggedExpiryDays} days`,
    selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: lifecycle.untaggedExpiryDays },
    action: { type: 'expire' },
  });
  rules.push({
    description: `keep the newest ${lifecycle.keepTaggedImages} tagged images`,
    selection: { tagStatus: 'tagged', tagPatternList: ['*'], countType: 'imageCountMoreThan', countNumber: lifecycle.keepTaggedImages },
    action: { type: 'expire' },
  });
  return JSON.stringify({ rules: rules.map((rule, i) => ({ rulePriority: i + 1, ...rule })) });
}

/** An ECR repository with scanning, tag immutability, KMS encryption and a lifecycle policy. */
export class EcrRepository extends Construct {
  readonly repository: EcrRepositoryResource;
  readonly name: string;
  readonly arn: string;

  constructor(scope: Construct, id: string, props: EcrRepositoryProps) {
    super(scope, id);
    this.repository = new EcrRepositoryResource(this, 'repository', {
      name: props.name,
      imageTagMutability: (props.immutableTags ?? true) ? 'IMMUTABLE' : 'MUTABLE',
      imageScanningConfiguration: { scanOnPush: props.scanOnPush ?? true },
      encryptionConfiguration: [{ encryptionType: 'KMS' }],
    });
    new EcrLifecyclePolicy(this, 'lifecycle', { repository: this.repository.name, policy: lifecyclePolicy(props.lifecycle) });
    this.name = props.name;
    this.arn = this.repository.arn;
  }
}
