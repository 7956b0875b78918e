/** ECR: the environment's repositories, <project>/<environment>/*. */
import type { EnvironmentConfig } from '../../config/resolve';
import { repositoriesOf, repositoryName } from '../mapping';
import { type ReasonedStatement, arns } from './common';

export function registryStatements(config: EnvironmentConfig): ReasonedStatement[] {
  const { arn } = arns(config);
  const statements: ReasonedStatement[] = [];
  const add = (s: ReasonedStatement) => statements.push(s);

  // Registry: the environment's repositories, <project>/<environment>/*.
  if (repositoriesOf(config).length > 0) {
    add({
      Sid: 'EcrRepositories',
      Effect: 'Allow',
      Action: [
        'ecr:CreateRepository',
        'ecr:DeleteRepository',
        'ecr:PutLifecyclePolicy',
        'ecr:GetLifecyclePolicy',
        'ecr:DeleteLifecyclePolicy',
        'ecr:PutImageTagMutability',
        'ecr:PutImageScanningConfiguration',
        'ecr:TagResource',
        'ecr:UntagResource',
        'ecr:ListTagsForResource',
        'ecr:GetRepositoryPolicy',
      ],
      Resource: arn('ecr', `repository/${repositoryName(config, '*')}`),
    });
  }
  return statements;
}
