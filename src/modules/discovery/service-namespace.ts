import { ServiceDiscoveryPrivateDnsNamespace } from '@cdktf/provider-aws/lib/service-discovery-private-dns-namespace';
import { Construct } from 'constructs';

export interface ServiceNamespaceProps {
  /** The DNS name, `<project>-<environment>.local`. */
  readonly name: string;
  readonly vpcId: string;
}

/** A private DNS namespace (Cloud Map) in which services find each other by name. */
export class ServiceNamespace extends Construct {
  readonly namespace: ServiceDiscoveryPrivateDnsNamespace;
  readonly id: string;
  readonly name: string;

  constructor(scope: Construct, id: string, props: ServiceNamespaceProps) {
    super(scope, id);
    this.namespace = new ServiceDiscoveryPrivateDnsNamespace(this, 'namespace', {
      name: props.name,
      vpc: props.vpcId,
      description: 'Service discovery of this environment',
    });
    this.id = this.namespace.id;
    this.name = props.name;
  }
}
