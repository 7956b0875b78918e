import { defineRule, everyResource } from '../rule';

export const ecrScanOnPush = defineRule(__filename, {
  description: 'Images are scanned for vulnerabilities when pushed',
  scannerIds: ['CKV_AWS_163'],
  scope: 'all',
  fix: 'set registry.scanOnPush: true',
  check: (stack) =>
    everyResource(
      stack,
      'aws_ecr_repository',
      (r) => r.image_scanning_configuration?.scan_on_push === true,
      'images are not scanned on push',
    ),
});
