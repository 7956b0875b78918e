/** ACM and Route 53: certificates the environment requests, and DNS records in its zones. */
import type { EnvironmentConfig } from '../../config/resolve';
import { type ReasonedStatement, arns, retagged, tagged, taggedOnCreate } from './common';

export function certificateStatements(config: EnvironmentConfig): ReasonedStatement[] {
  const { arn, p } = arns(config);
  const statements: ReasonedStatement[] = [];
  const add = (s: ReasonedStatement) => statements.push(s);

  // Certificates the environment requests, and DNS records in its zones.
  if (Object.values(config.certificates).some((c) => c.arn === undefined)) {
    add({
      Sid: 'AcmRequest',
      Effect: 'Allow',
      Action: ['acm:RequestCertificate', 'acm:AddTagsToCertificate'],
      Resource: '*',
      Condition: taggedOnCreate(config),
      reason:
        'acm:RequestCertificate authorizes before the certificate has an ARN; the request must tag it with this Project and Environment, and no certificate already tagged can be re-tagged',
    });
    add({
      Sid: 'AcmCertificates',
      Effect: 'Allow',
      Action: ['acm:DescribeCertificate', 'acm:ListTagsForCertificate', 'acm:DeleteCertificate'],
      Resource: arn('acm', 'certificate/*'),
      Condition: tagged(config, 'ResourceTag'),
    });
    add({
      Sid: 'AcmRetag',
      Effect: 'Allow',
      Action: ['acm:AddTagsToCertificate', 'acm:RemoveTagsFromCertificate'],
      Resource: arn('acm', 'certificate/*'),
      Condition: retagged(config),
    });
  }
  const zones = [
    ...new Set(
      [config.dns?.hostedZoneId, ...Object.values(config.certificates).map((c) => c.hostedZoneId)].filter(
        (z): z is string => z !== undefined,
      ),
    ),
  ].sort();
  if (zones.length > 0) {
    add({
      Sid: 'DnsRecords',
      Effect: 'Allow',
      Action: [
        'route53:GetHostedZone',
        'route53:ListResourceRecordSets',
        'route53:ChangeResourceRecordSets',
        'route53:ListTagsForResource',
      ],
      Resource: zones.map((z) => `arn:${p}:route53:::hostedzone/${z}`),
    });
    add({ Sid: 'DnsChanges', Effect: 'Allow', Action: 'route53:GetChange', Resource: `arn:${p}:route53:::change/*` });
  }
  return statements;
}
