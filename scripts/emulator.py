"""The AWS API emulator: moto (pinned in requirements-dev.txt) on
127.0.0.1:PORT in one process, for one account.

Prints one line, `ready http://127.0.0.1:PORT`, once it answers; stops when
its standard input closes or on SIGTERM, so it
never outlives the check that started it.
src/terraform/emulator-server.ts starts it (plan --base, and the project's checks).

--hosted-zone NAME=ID creates a public hosted zone with exactly that ID,
--certificate ARN=DOMAIN an issued ACM certificate with exactly that ARN,
--bucket REGION/NAME an empty S3 bucket (a state bucket made elsewhere),
--policy ARN a customer managed IAM policy with exactly that ARN, and
--security-group REGION/ID a security group (in the default VPC) with exactly that ID,
--network REGION/VPC_ID=SUBNET_ID@ZONE,... a VPC with those subnets, all with exactly those IDs,
--listener ARN a load balancer with a listener of exactly that ARN, and
--cluster ARN an ECS cluster of exactly that ARN:
they stand for what exists before the stacks (the configuration names them;
moto would make up other IDs).
"""
import argparse
import json
import os
import signal
import sys
import threading
import uuid


def fill_application_autoscaling_tags() -> None:
    """moto answers ListTagsForResource of Application Auto Scaling with 500
    (not implemented), which the AWS provider retries for minutes on every
    scalable target it creates or reads (the provider's default_tags make it
    ask). Keep the tags a target was registered or tagged with, and answer."""
    from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse

    tags_by_arn: dict[str, dict[str, str]] = {}
    register = ApplicationAutoScalingResponse.register_scalable_target

    def register_scalable_target(self):  # type: ignore[no-untyped-def]
        answer = register(self)
        arn = json.loads(answer)["ScalableTargetARN"]
        tags_by_arn.setdefault(arn, {}).update(self._get_param("Tags") or {})
        return answer

    def list_tags_for_resource(self):  # type: ignore[no-untyped-def]
        return json.dumps({"Tags": tags_by_arn.get(self._get_param("ResourceARN"), {})})

    def tag_resource(self):  # type: ignore[no-untyped-def]
        tags_by_arn.setdefault(self._get_param("ResourceARN"), {}).update(self._get_param("Tags") or {})
        return json.dumps({})

    def untag_resource(self):  # type: ignore[no-untyped-def]
        tags = tags_by_arn.get(self._get_param("ResourceARN"), {})
        for key in self._get_param("TagKeys") or []:
            tags.pop(key, None)
        return json.dumps({})

    ApplicationAutoScalingResponse.register_scalable_target = register_scalable_target
    ApplicationAutoScalingResponse.list_tags_for_resource = list_tags_for_resource
    ApplicationAutoScalingResponse.tag_resource = tag_resource
    ApplicationAutoScalingResponse.untag_resource = untag_resource


def fill_ecs_service_settings() -> None:
    """moto's CreateService drops the settings below (UpdateService keeps
    them) and reports launch type EC2 when a capacity provider strategy was
    given: the second plan would replace every service. Keep what was asked
    for, as ECS does."""
    from moto.core.utils import camelcase_to_underscores
    from moto.ecs.responses import EC2ContainerServiceResponse

    kept = (
        "capacityProviderStrategy", "enableExecuteCommand", "healthCheckGracePeriodSeconds", "enableECSManagedTags",
        "deploymentConfiguration", "availabilityZoneRebalancing", "placementConstraints", "placementStrategy",
    )
    create = EC2ContainerServiceResponse.create_service

    def create_service(self):  # type: ignore[no-untyped-def]
        answer = create(self)
        services, _ = self.ecs_backend.describe_services(self._get_param("cluster", "default"), [self._get_param("serviceName")])
        for key in kept:
            if self._get_param(key) is not None:
                setattr(services[0], camelcase_to_underscores(key), self._get_param(key))
        if self._get_param("capacityProviderStrategy") and not self._get_param("launchType"):
            services[0].launch_type = None
        return answer

    EC2ContainerServiceResponse.create_service = create_service


def fill_rds_resource_ids() -> None:
    """moto gives every DB instance the same DbiResourceId (db-M5ENSHXFPU6XHZ4G4ZEI5QIO2U);
    the AWS provider reads an instance back by it, finds two once a second
    instance exists, and fails with "couldn't find resource". Give each its own."""
    import hashlib

    from moto.rds.models import DBInstance

    init = DBInstance.__init__

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        init(self, *args, **kwargs)
        seed = f"{self.account_id}/{self.region}/{self.db_instance_identifier}".encode()
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
        self.dbi_resource_id = "db-" + "".join(alphabet[b % 32] for b in hashlib.sha256(seed).digest()[:26])

    DBInstance.__init__ = __init__


def fill_efs_backup_policy() -> None:
    """moto answers DescribeBackupPolicy but has no PutBackupPolicy: the AWS
    provider's aws_efs_backup_policy gets an error it retries for many
    minutes. Keep the status asked for (DISABLED included), as EFS does."""
    from moto.efs.exceptions import FileSystemNotFound
    from moto.efs.models import FileSystem
    from moto.efs.responses import EFSResponse

    def put_backup_policy(self):  # type: ignore[no-untyped-def]
        file_system_id = self._get_param("FileSystemId")
        status = (self._get_param("BackupPolicy") or {}).get("Status")
        file_system = self.efs_backend.file_systems_by_id.get(file_system_id)
        if file_system is None:
            raise FileSystemNotFound(file_system_id)
        file_system.backup_status_put = status
        return json.dumps({"BackupPolicy": {"Status": status}}), {"Content-Type": "application/json"}

    made = FileSystem.backup_policy.fget

    def backup_policy(self):  # type: ignore[no-untyped-def]
        status = getattr(self, "backup_status_put", None)
        return {"Status": status} if status else made(self)

    EFSResponse.put_backup_policy = put_backup_policy
    FileSystem.backup_policy = property(backup_policy)


def seed_network(ec2, vpc_id: str, subnets: list) -> None:  # type: ignore[no-untyped-def]
    """A VPC and its subnets with exactly the IDs a configuration names as
    existing (moto makes up IDs: its ID makers are swapped for the call)."""
    import moto.ec2.models.subnets as subnet_models
    import moto.ec2.models.vpcs as vpc_models

    made_vpc_id, made_subnet_id = vpc_models.random_vpc_id, subnet_models.random_subnet_id
    try:
        vpc_models.random_vpc_id = lambda: vpc_id
        ec2.create_vpc("10.0.0.0/16")
        for index, (subnet_id, zone) in enumerate(subnets):
            subnet_models.random_subnet_id = lambda subnet_id=subnet_id: subnet_id
            ec2.create_subnet(vpc_id, f"10.0.{index}.0/24", availability_zone=zone)
    finally:
        vpc_models.random_vpc_id, subnet_models.random_subnet_id = made_vpc_id, made_subnet_id


def seed_listener(account: str, arn: str, parser) -> None:  # type: ignore[no-untyped-def]
    """An application load balancer and its listener with exactly the ARN a
    configuration names as existing (listener/app/NAME/LB_ID/LISTENER_ID), in
    two subnets of the region's default VPC."""
    import moto.elbv2.models as elbv2_models
    from moto.ec2.models import ec2_backends

    parts = arn.split(":")
    path = parts[5].split("/") if len(parts) == 6 else []
    if parts[2:3] != ["elasticloadbalancing"] or len(path) != 5 or path[:2] != ["listener", "app"]:
        parser.error(f"--listener {arn}: expected arn:PARTITION:elasticloadbalancing:REGION:ACCOUNT:listener/app/NAME/LB_ID/LISTENER_ID")
    region, name, lb_id = parts[3], path[2], path[3]
    subnets = [subnet.id for subnet in ec2_backends[account][region].describe_subnets() if subnet.default_for_az][:2]
    made_arn = elbv2_models.make_arn_for_load_balancer
    try:
        elbv2_models.make_arn_for_load_balancer = lambda account_id, lb_id, name, region_name, seeded_id=lb_id: made_arn(account_id, seeded_id, name, region_name)
        backend = elbv2_models.elbv2_backends[account][region]
        balancer = backend.create_load_balancer(name, security_groups=[], subnet_ids=subnets, scheme="internal")
    finally:
        elbv2_models.make_arn_for_load_balancer = made_arn
    listener = backend.create_listener(balancer.arn, "HTTP", "443", None, None, [{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "404"}}])
    # moto makes up the listener's own ID: the configuration's ARN is the one the stacks use.
    balancer.listeners.pop(listener.arn)
    listener.arn = arn
    balancer.listeners[arn] = listener
    if not arn.startswith(balancer.arn.replace(":loadbalancer/", ":listener/") + "/"):
        sys.exit(f"error: the emulator made load balancer {balancer.arn}, which listener {arn} does not belong to")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--account", default="123456789012")
    parser.add_argument("--hosted-zone", action="append", default=[], metavar="NAME=ID")
    parser.add_argument("--certificate", action="append", default=[], metavar="ARN=DOMAIN")
    parser.add_argument("--bucket", action="append", default=[], metavar="REGION/NAME")
    parser.add_argument("--policy", action="append", default=[], metavar="ARN")
    parser.add_argument("--security-group", action="append", default=[], metavar="REGION/ID")
    parser.add_argument("--network", action="append", default=[], metavar="REGION/VPC_ID=SUBNET_ID@ZONE,...")
    parser.add_argument("--listener", action="append", default=[], metavar="ARN")
    parser.add_argument("--cluster", action="append", default=[], metavar="ARN")
    args = parser.parse_args()

    # Read by moto on every request: every call is this account's.
    os.environ["MOTO_ACCOUNT_ID"] = args.account
    # Certificates validated by DNS are issued at once, not after moto's default 60 s.
    os.environ.setdefault("MOTO_ACM_VALIDATION_WAIT", "0")
    # AWS managed policies (AmazonRDSEnhancedMonitoringRole, ...) exist, as in every account.
    os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")

    from moto.acm.models import acm_backends
    from moto.route53.models import HostedZoneIdentifier, route53_backends
    from moto.s3.models import s3_backends
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import make_server
    from moto.utilities.id_generator import moto_id_manager

    fill_application_autoscaling_tags()
    fill_ecs_service_settings()
    fill_rds_resource_ids()
    fill_efs_backup_policy()
    app = DomainDispatcherApplication(create_backend_app)
    server = make_server("127.0.0.1", args.port, app, threaded=True, request_handler=MotoRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    backend = route53_backends[args.account]["aws"]
    for spec in args.hosted_zone:
        name, _, zone_id = spec.partition("=")
        if not name or not zone_id:
            parser.error(f"--hosted-zone {spec}: expected NAME=ID")
        moto_id_manager.set_custom_id(HostedZoneIdentifier(args.account, name, None), zone_id)
        zone = backend.create_hosted_zone(name, private_zone=False, caller_reference=str(uuid.uuid4()))
        if zone.id.rsplit("/", 1)[-1] != zone_id:
            sys.exit(f"error: the emulator gave hosted zone {name} the ID {zone.id}, not {zone_id}")

    for spec in args.certificate:
        arn, _, domain = spec.rpartition("=")
        if not arn.startswith("arn:") or not domain:
            parser.error(f"--certificate {spec}: expected ARN=DOMAIN")
        certificates = acm_backends[args.account][arn.split(":")[3]]
        made = certificates.request_certificate(domain, idempotency_token=None, subject_alt_names=None, tags=[], cert_authority_arn=None)
        bundle = certificates._certificates.pop(made)
        bundle.arn = arn
        certificates._certificates[arn] = bundle

    for spec in args.bucket:
        region, _, name = spec.partition("/")
        if not region or not name:
            parser.error(f"--bucket {spec}: expected REGION/NAME")
        s3_backends[args.account]["aws"].create_bucket(name, region)

    from moto.iam.models import iam_backends

    for arn in args.policy:
        parts = arn.split(":")
        if len(parts) != 6 or parts[2] != "iam" or not parts[5].startswith("policy/"):
            parser.error(f"--policy {arn}: expected arn:PARTITION:iam::ACCOUNT:policy/[PATH/]NAME")
        path, _, name = parts[5][len("policy"):].rpartition("/")
        document = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:GetCallerIdentity", "Resource": "*"}]})
        made = iam_backends[args.account][parts[1]].create_policy("made by the emulator: the configuration names it as existing", f"{path}/", document, name, [])
        if made.arn != arn:
            sys.exit(f"error: the emulator made policy {made.arn}, not {arn}")

    from moto.ec2.models import ec2_backends

    for spec in args.network:
        region, _, rest = spec.partition("/")
        vpc_id, _, subnets = rest.partition("=")
        if not region or not vpc_id.startswith("vpc-") or not subnets:
            parser.error(f"--network {spec}: expected REGION/vpc-ID=subnet-ID@ZONE,...")
        seed_network(ec2_backends[args.account][region], vpc_id, [tuple(s.split("@", 1)) for s in subnets.split(",")])

    for spec in args.security_group:
        region, _, group_id = spec.partition("/")
        if not region or not group_id.startswith("sg-"):
            parser.error(f"--security-group {spec}: expected REGION/sg-ID")
        ec2 = ec2_backends[args.account][region]
        group = ec2.create_security_group(f"existing-{group_id}", "made by the emulator: the configuration names it as existing")
        # moto makes up the ID; the configuration's is the one the stacks use.
        del ec2.groups[group.vpc_id][group.id]
        group.id = group.group_id = group_id
        ec2.groups[group.vpc_id][group_id] = group

    for arn in args.listener:
        seed_listener(args.account, arn, parser)

    from moto.ecs.models import ecs_backends

    for arn in args.cluster:
        parts = arn.split(":")
        if len(parts) != 6 or parts[2] != "ecs" or not parts[5].startswith("cluster/"):
            parser.error(f"--cluster {arn}: expected arn:PARTITION:ecs:REGION:ACCOUNT:cluster/NAME")
        made = ecs_backends[args.account][parts[3]].create_cluster(parts[5][len("cluster/"):])
        if made.arn != arn:
            sys.exit(f"error: the emulator made cluster {made.arn}, not {arn}")

    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    threading.Thread(target=lambda: (sys.stdin.read(), stopped.set()), daemon=True).start()
    print(f"ready http://127.0.0.1:{args.port}", flush=True)
    stopped.wait()
    server.shutdown()


if __name__ == "__main__":
    main()
