import { AcmCertificate } from '@cdktf/provider-aws/lib/acm-certificate';
import { AcmCertificateValidation } from '@cdktf/provider-aws/lib/acm-certificate-validation';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { TerraformIterator, TerraformOutput, Token } from 'cdktf';
import { Construct } from 'constructs';

export interface DnsValidatedCertificateProps {
  readonly domain: string;
  /** @default [] */
  readonly subjectAlternativeNames?: readonly string[];
  /** Create the validation records in this Route 53 zone and wait for issuance. @default records are left to the user (an output lists them) */
  readonly hostedZoneId?: string;
}

/**
 * An ACM certificate validated through DNS. With a hosted zone, the
 * validation records and the wait for issuance are part of the stack, and
 * `arn` is the validated certificate's, so listeners wait for it.
 */
export class DnsValidatedCertificate extends Construct {
  readonly certificate: AcmCertificate;
  /** The certificate ARN to use: the validated one when validation is managed here. */
  readonly arn: string;

  constructor(scope: Construct, id: string, props: DnsValidatedCertificateProps) {
    super(scope, id);
    const names = [props.domain, ...(props.subjectAlternativeNames ?? [])];
    this.certificate = new AcmCertificate(this, 'certificate', {
      domainName: props.domain,
      subjectAlternativeNames: props.subjectAlternativeNames?.length ? [...props.subjectAlternativeNames] : undefined,
      validationMethod: 'DNS',
      keyAlgorithm: 'RSA_2048',
      lifecycle: { createBeforeDestroy: true },
    });
    if (!props.hostedZoneId) {
      new TerraformOutput(this, 'validation-records', {
        description: `DNS records that validate the certificate for ${props.domain}`,
        value: this.certificate.domainValidationOptions,
      });
      this.arn = this.certificate.arn;
      return;
    }
    // Keyed by the names from config, so for_each keys are known at plan
    // time; each record is looked up by name in the validation options.
    const options = `{ for option in ${this.certificate.fqn}.domain_validation_options : option.domain_name => option }`;
    const iterator = TerraformIterator.fromList([...new Set(names)].sort());
    const records = new Route53Record(this, 'validation-record', {
      forEach: iterator,
      zoneId: props.hostedZoneId,
      name: `\${${options}[each.value].resource_record_name}`,
      type: `\${${options}[each.value].resource_record_type}`,
      records: [`\${${options}[each.value].resource_record_value}`],
      ttl: 60,
      // A wildcard and its apex share one validation record.
      allowOverwrite: true,
    });
    const validation = new AcmCertificateValidation(this, 'validation', {
      certificateArn: this.certificate.arn,
      validationRecordFqdns: Token.asList(`\${[for record in ${records.fqn} : record.fqdn]}`),
    });
    this.arn = validation.certificateArn;
  }
}
