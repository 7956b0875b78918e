import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { Construct } from 'constructs';

export interface AliasRecordsProps {
  /** The Route 53 hosted zone. */
  readonly zoneId: string;
  /** Host names (a leading `*.` for a wildcard); each gets an A and an AAAA record. */
  readonly names: readonly string[];
  /** What the names resolve to: a load balancer's DNS name and its hosted zone. */
  readonly target: { readonly dnsName: string; readonly zoneId: string };
  /** Answer only while the target has healthy targets. @default true */
  readonly evaluateTargetHealth?: boolean;
}

/** Route 53 alias records, A and AAAA, from host names to a load balancer; keyed by name so that adding one leaves the others alone. */
export class AliasRecords extends Construct {
  readonly records: Record<string, Route53Record> = {};

  constructor(scope: Construct, id: string, props: AliasRecordsProps) {
    super(scope, id);
    // DNS names are case-insensitive: one pair of records per name however it is written.
    for (const name of [...new Set(props.names.map((n) => n.toLowerCase()))].sort()) {
      for (const type of ['A', 'AAAA'] as const) {
        const key = `${name.replace(/^\*/, 'wildcard').replace(/[^a-z0-9-]/g, '-')}-${type.toLowerCase()}`;
        this.records[`${name} ${type}`] = new Route53Record(this, key, {
          zoneId: props.zoneId,
          name,
          type,
          alias: { name: props.target.dnsName, zoneId: props.target.zoneId, evaluateTargetHealth: props.evaluateTargetHealth ?? true },
        });
      }
    }
  }
}
