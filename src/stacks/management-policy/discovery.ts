/** Cloud Map: the namespace and its services (Cloud Map creates the namespace's private zone itself). */
import type { EnvironmentConfig } from '../../config/resolve';
import { type ReasonedStatement, arns, retagged, tagged, taggedOnCreate } from './common';

export function discoveryStatements(config: EnvironmentConfig): ReasonedStatement[] {
  const { arn } = arns(config);
  const services = Object.values(config.services);
  const statements: ReasonedStatement[] = [];
  const add = (s: ReasonedStatement) => statements.push(s);

  // Service discovery: Cloud Map creates the private zone of the namespace itself.
  if (services.some((s) => s.serviceDiscovery)) {
    add({
      Sid: 'DiscoveryCreate',
      Effect: 'Allow',
      Action: ['servicediscovery:CreatePrivateDnsNamespace', 'servicediscovery:CreateService', 'servicediscovery:TagResource'],
      Resource: '*',
      Condition: taggedOnCreate(config),
      reason:
        'Cloud Map authorizes creating a namespace and its services before they have IDs; the request must tag them with this Project and Environment',
    });
    // What Cloud Map's CreatePrivateDnsNamespace calls on the caller's behalf (AWS Cloud Map API permissions reference). No
    // route53:DeleteHostedZone: Route 53 has no tag conditions, so it would delete any zone; DeleteNamespace removes the namespace's zone itself.
    add({
      Sid: 'DiscoveryZone',
      Effect: 'Allow',
      Action: [
        'route53:CreateHostedZone',
        'route53:GetHostedZone',
        'route53:ListHostedZonesByName',
        'ec2:DescribeVpcs',
        'ec2:DescribeRegions',
      ],
      Resource: '*',
      reason:
        "Cloud Map creates the namespace's private hosted zone as the caller; a new zone has no ID and Route 53 offers no tag condition (create and read only, no delete or tag change)",
    });
    add({
      Sid: 'Discovery',
      Effect: 'Allow',
      Action: [
        'servicediscovery:DeleteNamespace',
        'servicediscovery:UpdateService',
        'servicediscovery:DeleteService',
        'servicediscovery:GetOperation',
      ],
      Resource: [arn('servicediscovery', 'namespace/*'), arn('servicediscovery', 'service/*')],
      Condition: tagged(config, 'ResourceTag'),
    });
    add({
      Sid: 'DiscoveryRetag',
      Effect: 'Allow',
      Action: ['servicediscovery:TagResource', 'servicediscovery:UntagResource'],
      Resource: [arn('servicediscovery', 'namespace/*'), arn('servicediscovery', 'service/*')],
      Condition: retagged(config),
    });
  }
  return statements;
}
