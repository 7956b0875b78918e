import { defineRule, everyResource } from '../rule';

export const ecrImmutableTags = defineRule(__filename, {
  description: 'Image tags cannot be overwritten',
  scannerIds: ['CKV_AWS_51'],
  scope: 'all',
  fix: 'set registry.immutableTags: true',
  check: (stack) => everyResource(stack, 'aws_ecr_repository', (r) => r.image_tag_mutability === 'IMMUTABLE', 'tags are mutable'),
});
