import { EfsAccessPoint } from '@cdktf/provider-aws/lib/efs-access-point';
import { EfsBackupPolicy } from '@cdktf/provider-aws/lib/efs-backup-policy';
import { EfsFileSystem as EfsFileSystemResource } from '@cdktf/provider-aws/lib/efs-file-system';
import { EfsFileSystemPolicy } from '@cdktf/provider-aws/lib/efs-file-system-policy';
import { EfsMountTarget } from '@cdktf/provider-aws/lib/efs-mount-target';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { Construct } from 'constructs';
import { securityGroupName } from '../../naming';
import { policyDocument } from '../iam/policy-document';
import { denyInsecureTransport } from '../iam/statements';
import { allowIngressFrom } from '../network/group-access';
import { ValidationError } from '../../validation-error';

/** The port EFS mount targets serve NFS on. */
export const NFS_PORT = 2049;

export interface EfsFileSystemProps {
  /** The file system's key; names are `<prefix>-<name>`. */
  readonly name: string;
  readonly namePrefix: string;
  readonly vpcId: string;
  /** A mount target in each (private) subnet. */
  readonly subnetIds: readonly string[];
  /** The customer key that encrypts it. @default the AWS managed key for EFS */
  readonly kmsKeyArn?: string;
  /** Daily AWS Backup of the file system. */
  readonly backups: boolean;
  /** `prevent_destroy`: Terraform refuses to delete it. */
  readonly preventDestroy: boolean;
  /** Move files not read for 30 days to Infrequent Access (cheaper storage). @default true */
  readonly infrequentAccess?: boolean;
}

export interface AccessPointProps {
  /** The directory the client sees as its root, created with the owner below. */
  readonly rootDirectory: string;
  /** UID and GID every operation through the access point runs as. */
  readonly uid: number;
  readonly gid: number;
  /** Mode of a newly created root directory, for example 0750. */
  readonly permissions: string;
}

/**
 * An encrypted EFS file system for the services of an environment: mount
 * targets in the private subnets, a security group that admits NFS only
 * from the services that mount it, a policy that refuses connections
 * without TLS, backups per the environment's policy, and an access point
 * per mounting service.
 */
export class EfsFileSystem extends Construct {
  readonly fileSystem: EfsFileSystemResource;
  readonly securityGroup: SecurityGroup;
  readonly mountTargets: EfsMountTarget[];
  readonly accessPoints: Record<string, EfsAccessPoint> = {};
  readonly name: string;
  private readonly admitted = new Set<string>();

  constructor(scope: Construct, id: string, props: EfsFileSystemProps) {
    super(scope, id);
    if (props.subnetIds.length === 0) throw new ValidationError(`EfsFileSystem ${props.name}: needs subnets for its mount targets`, this);
    const fullName = `${props.namePrefix}-${props.name}`;
    this.name = props.name;
    this.fileSystem = new EfsFileSystemResource(this, 'file-system', {
      creationToken: fullName,
      encrypted: true,
      kmsKeyId: props.kmsKeyArn,
      performanceMode: 'generalPurpose',
      throughputMode: 'elastic',
      lifecyclePolicy:
        (props.infrequentAccess ?? true)
          ? [{ transitionToIa: 'AFTER_30_DAYS' }, { transitionToPrimaryStorageClass: 'AFTER_1_ACCESS' }]
          : undefined,
      tags: { Name: fullName },
      lifecycle: props.preventDestroy ? { preventDestroy: true } : undefined,
    });
    new EfsBackupPolicy(this, 'backup-policy', {
      fileSystemId: this.fileSystem.id,
      backupPolicy: { status: props.backups ? 'ENABLED' : 'DISABLED' },
    });
    new EfsFileSystemPolicy(this, 'policy', {
      fileSystemId: this.fileSystem.id,
      // Access is granted to each task role by its own policy; this one only refuses plain NFS.
      policy: policyDocument(denyInsecureTransport('*', this.fileSystem.arn)),
    });
    this.securityGroup = new SecurityGroup(this, 'security-group', {
      name: securityGroupName(`${fullName}-efs`),
      description: `File system ${props.name}: NFS from the services that mount it`,
      vpcId: props.vpcId,
      tags: { Name: `${fullName}-efs` },
      lifecycle: { createBeforeDestroy: true },
    });
    this.mountTargets = props.subnetIds.map(
      (subnetId, i) =>
        new EfsMountTarget(this, `mount-target-${i}`, {
          fileSystemId: this.fileSystem.id,
          subnetId,
          securityGroups: [this.securityGroup.id],
        }),
    );
  }

  /** An access point (`key`: `<service>-<volume>`): a root directory owned by, and operations run as, a POSIX user. */
  addAccessPoint(key: string, props: AccessPointProps): EfsAccessPoint {
    const owner = { uid: props.uid, gid: props.gid };
    const accessPoint = new EfsAccessPoint(this, `access-point-${key}`, {
      fileSystemId: this.fileSystem.id,
      posixUser: owner,
      rootDirectory: {
        path: props.rootDirectory,
        creationInfo: { ownerUid: owner.uid, ownerGid: owner.gid, permissions: props.permissions },
      },
      tags: { Name: `${this.name}-${key}` },
    });
    this.accessPoints[key] = accessPoint;
    return accessPoint;
  }

  /**
   * Lets a service mount through an access point: NFS from its security
   * group (once per service), and mount (and write, unless read-only) for
   * its task role through that access point only.
   */
  grantMount(
    key: string,
    access: { readonly service: string; readonly securityGroupId: string; readonly taskRoleId: string; readonly readOnly: boolean },
  ): void {
    const accessPoint = this.accessPoints[key];
    if (!accessPoint) throw new ValidationError(`EfsFileSystem ${this.name}: no access point ${key}`, this);
    if (!this.admitted.has(access.service)) {
      allowIngressFrom(this, `from-${access.service}`, {
        securityGroupId: this.securityGroup.id,
        peerSecurityGroupId: access.securityGroupId,
        port: NFS_PORT,
        peer: `service ${access.service}`,
      });
      this.admitted.add(access.service);
    }
    new IamRolePolicy(this, `mount-${key}`, {
      role: access.taskRoleId,
      name: `efs-${key}`,
      policy: policyDocument({
        Sid: 'MountThroughAccessPoint',
        Effect: 'Allow',
        Action: access.readOnly ? ['elasticfilesystem:ClientMount'] : ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
        Resource: this.fileSystem.arn,
        Condition: { StringEquals: { 'elasticfilesystem:AccessPointArn': accessPoint.arn } },
      }),
    });
  }
}
