import { TerraformProvider, TerraformResource, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';

/** The random provider, pinned beside the AWS provider: where it cannot be installed, the check harness stands in for it. */
export const RANDOM_PROVIDER = { source: 'hashicorp/random', versionConstraint: '~> 3.6' } as const;

/** `provider "random" {}` with its required_providers entry. */
class RandomProvider extends TerraformProvider {
  constructor(scope: Construct, id: string) {
    super(scope, id, {
      terraformResourceType: 'random',
      terraformGeneratorMetadata: { providerName: 'random', providerVersionConstraint: RANDOM_PROVIDER.versionConstraint },
      terraformProviderSource: RANDOM_PROVIDER.source,
    });
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return {};
  }
}

/** The stack's random provider, created once beside the first resource that needs it. */
function randomProviderOf(scope: Construct): TerraformProvider {
  const stack = TerraformStack.of(scope);
  return (stack.node.tryFindChild('random') as TerraformProvider | undefined) ?? new RandomProvider(stack, 'random');
}

export interface RandomPasswordProps {
  readonly length: number;
  /** Include special characters. */
  readonly special: boolean;
  /** The special characters allowed. @default the random provider's set */
  readonly overrideSpecial?: string;
  /** Values whose change replaces the password with a new one. @default none */
  readonly keepers?: Readonly<Record<string, string>>;
}

/**
 * `random_password` of the hashicorp/random provider, written by hand: the
 * project needs this one resource of it, not the generated package.
 * `result` is sensitive (Terraform hides it in plans and output).
 */
export class RandomPassword extends TerraformResource {
  constructor(
    scope: Construct,
    id: string,
    private readonly props: RandomPasswordProps,
  ) {
    super(scope, id, {
      terraformResourceType: 'random_password',
      terraformGeneratorMetadata: { providerName: 'random' },
      provider: randomProviderOf(scope),
    });
  }

  /** The password, a reference into the state. */
  get result(): string {
    return this.getStringAttribute('result');
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    return {
      length: this.props.length,
      special: this.props.special,
      override_special: this.props.overrideSpecial,
      keepers: this.props.keepers,
    };
  }
}
