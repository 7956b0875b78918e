/** Every validation rule: a fixture that passes and one that fails with the exact file, line, column and key path. */
import { ConfigError, formatProblem } from '../../src/config/problems';
import { selectEnvironments, selectStack } from '../../src/core/environments';
import { loadEnvironmentTarget } from '../../src/core/operations/targets';
import { EXAMPLES_DIR } from '../support/fixture-dirs';
import { MINIMAL_ENVIRONMENT, configOf, configsOf, problemsOf, resourcesOf, synthEnvironment } from '../support/helpers';

const withService = (service: string) => `${MINIMAL_ENVIRONMENT}services:
  api:
    image: { repository: api, tag: "1.0.0" }
${service}`;

describe('the minimal environment', () => {
  it('is valid and gets its defaults', () => {
    const config = configOf(MINIMAL_ENVIRONMENT);
    expect(config.environment).toBe('dev');
    expect(config.production).toBe(false);
    expect(config.aws.availabilityZones).toEqual(['eu-west-1a', 'eu-west-1b']);
    expect(config.backend).toMatchObject({ region: 'eu-west-1', keyPrefix: 'shop', useLockfile: false, accountId: '123456789012' });
    expect(config.network).toMatchObject({ kind: 'new', cidr: '10.0.0.0/16', natGateways: 'single', flowLogs: true });
    expect(config.cluster).toEqual({ containerInsights: true, capacity: 'onDemand' });
    expect(config.loadBalancer).toMatchObject({
      deletionProtection: true,
      accessLogs: true,
      sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
    });
  });

  it('is production when named prod, unless production says otherwise', () => {
    const files = {
      'prod.yaml': `${MINIMAL_ENVIRONMENT}gitops: { approvers: [alice] }\n`,
      'prod-eu.yaml': `${MINIMAL_ENVIRONMENT}production: false\n`,
    };
    expect(problemsOf(files)).toEqual([]);
  });
});

describe('unknown keys', () => {
  it('names the key, its line and a suggestion', () => {
    const problems = problemsOf({ 'dev.yaml': withService('    cpu: 256\n    memory: 512\n    desiredCont: 2\n') });
    expect(problems).toEqual(['cfg/dev.yaml:15:5 services.api.desiredCont: unknown key "desiredCont"; did you mean "desiredCount"?']);
  });

  it('lists the valid keys when nothing is close', () => {
    const [problem] = problemsOf({ 'dev.yaml': `${MINIMAL_ENVIRONMENT}zzzzzzzz: 1\n` });
    expect(problem).toMatch(/^cfg\/dev\.yaml:10:1 zzzzzzzz: unknown key "zzzzzzzz"; valid keys here: .*project/);
  });

  it('reports a misspelt key inside a capacity map', () => {
    const problems = problemsOf({ 'dev.yaml': `${MINIMAL_ENVIRONMENT}cluster:\n  capacity: { onDemandBase: 1, spotWeigth: 3 }\n` });
    expect(problems).toEqual(['cfg/dev.yaml:11:32 cluster.capacity.spotWeigth: unknown key "spotWeigth"; did you mean "spotWeight"?']);
  });
});

describe('Fargate task sizes', () => {
  it.each([
    [256, 512],
    [512, 4096],
    [1024, 8192],
    [2048, 16384],
    [4096, 30720],
    [8192, 61440],
    [16384, 122880],
    [16384, 32768],
  ])('accepts cpu %i with memory %i', (cpu, memory) => {
    expect(problemsOf({ 'dev.yaml': withService(`    cpu: ${cpu}\n    memory: ${memory}\n`) })).toEqual([]);
  });

  it('rejects memory that does not go with the cpu, listing what does', () => {
    expect(problemsOf({ 'dev.yaml': withService('    cpu: 512\n    memory: 3000\n') })).toEqual([
      'cfg/dev.yaml:14:13 services.api.memory: 3000 is not a valid Fargate memory for cpu 512; use one of 1024, 2048, 3072, 4096',
    ]);
  });

  it('rejects 8 vCPU with memory off its 4 GiB steps', () => {
    const [problem] = problemsOf({ 'dev.yaml': withService('    cpu: 8192\n    memory: 17408\n') });
    expect(problem).toMatch(/services\.api\.memory: 17408 is not a valid Fargate memory for cpu 8192; use one of 16384, 20480/);
  });

  it('rejects a cpu Fargate does not offer', () => {
    expect(problemsOf({ 'dev.yaml': withService('    cpu: 300\n    memory: 512\n') })).toEqual([
      'cfg/dev.yaml:13:10 services.api.cpu: Fargate cpu is one of 256, 512, 1024, 2048, 4096, 8192, 16384',
    ]);
  });
});

describe('AWS limits', () => {
  it('rejects an unknown region with a suggestion', () => {
    const problems = problemsOf({ 'dev.yaml': MINIMAL_ENVIRONMENT.replace('eu-west-1', 'eu-wset-1') });
    expect(problems).toEqual(['cfg/dev.yaml:3:11 aws.region: unknown AWS region "eu-wset-1"; did you mean "eu-west-1"?']);
  });

  it('rejects availability zones of another region', () => {
    const problems = problemsOf({
      'dev.yaml': MINIMAL_ENVIRONMENT.replace('  accountId', '  availabilityZones: [eu-west-1a, us-east-1b]\n  accountId'),
    });
    expect(problems).toEqual([
      'cfg/dev.yaml:4:35 aws.availabilityZones.1: us-east-1b is not a zone of eu-west-1; zones look like eu-west-1a',
    ]);
  });

  it('rejects a CIDR with host bits set', () => {
    expect(problemsOf({ 'dev.yaml': MINIMAL_ENVIRONMENT.replace('10.0.0.0/16', '10.0.0.1/16') })).toEqual([
      'cfg/dev.yaml:9:9 network.cidr: not an IPv4 CIDR with a network address (for example 10.0.0.0/16)',
    ]);
  });

  it('rejects a VPC too small for its subnets', () => {
    expect(problemsOf({ 'dev.yaml': MINIMAL_ENVIRONMENT.replace('10.0.0.0/16', '10.0.0.0/26') })).toEqual([
      'cfg/dev.yaml:9:9 network.cidr: a /26 cannot hold the subnets; use a prefix from /16 to /24',
    ]);
  });

  it('rejects a log retention CloudWatch does not offer', () => {
    const [problem] = problemsOf({ 'dev.yaml': `${MINIMAL_ENVIRONMENT}logRetentionDays: 10\n` });
    expect(problem).toMatch(/^cfg\/dev\.yaml:10:19 logRetentionDays: CloudWatch Logs accepts only 1, 3, 5, 7, 14, 30/);
  });

  it('rejects ARM64 on Spot capacity', () => {
    expect(
      problemsOf({ 'dev.yaml': withService('    cpu: 256\n    memory: 512\n    capacity: spot\n    cpuArchitecture: ARM64\n') }),
    ).toEqual([
      'cfg/dev.yaml:16:22 services.api.cpuArchitecture: Fargate Spot does not run ARM64 tasks; set capacity: onDemand for this service or use X86_64',
    ]);
  });

  it('rejects ARM64 when the cluster default capacity mixes in Spot', () => {
    const text =
      withService('    cpu: 256\n    memory: 512\n    cpuArchitecture: ARM64\n') +
      'cluster:\n  capacity: { onDemandWeight: 1, spotWeight: 2 }\n';
    expect(problemsOf({ 'dev.yaml': text })).toEqual([
      expect.stringContaining('services.api.cpuArchitecture: Fargate Spot does not run ARM64'),
    ]);
  });

  it('rejects a capacity strategy with two bases', () => {
    expect(problemsOf({ 'dev.yaml': `${MINIMAL_ENVIRONMENT}cluster:\n  capacity: { onDemandBase: 1, spotBase: 1 }\n` })).toEqual([
      'cfg/dev.yaml:11:42 cluster.capacity.spotBase: only one capacity provider may have a base; set onDemandBase or spotBase, not both',
    ]);
  });

  it('rejects a desiredCount outside the autoscaling range', () => {
    expect(
      problemsOf({
        'dev.yaml': withService('    cpu: 256\n    memory: 512\n    desiredCount: 5\n    autoscaling: { min: 1, max: 3, cpuTarget: 70 }\n'),
      }),
    ).toEqual([
      'cfg/dev.yaml:15:19 services.api.desiredCount: desiredCount 5 is outside autoscaling min 1 .. max 3; set it within that range',
    ]);
  });

  it('starts a service at autoscaling.min when desiredCount is left out (1 without autoscaling), and synthesizes that count', () => {
    const services = (service: string) => configOf(withService(`    cpu: 256\n    memory: 512\n${service}`)).services;
    expect(
      problemsOf({ 'dev.yaml': withService('    cpu: 256\n    memory: 512\n    autoscaling: { min: 3, max: 6, cpuTarget: 70 }\n') }),
    ).toEqual([]);
    expect(services('    autoscaling: { min: 3, max: 6, cpuTarget: 70 }\n').api!.desiredCount).toBe(3);
    expect(services('    autoscaling: { min: 0, max: 6, cpuTarget: 70 }\n').api!.desiredCount).toBe(0);
    expect(services('    desiredCount: 4\n    autoscaling: { min: 3, max: 6, cpuTarget: 70 }\n').api!.desiredCount).toBe(4);
    expect(services('').api!.desiredCount).toBe(1);
    const [ecsService] = Object.values(
      resourcesOf(
        synthEnvironment(configOf(withService('    cpu: 256\n    memory: 512\n    autoscaling: { min: 3, max: 6, cpuTarget: 70 }\n'))),
        'aws_ecs_service',
      ),
    );
    expect(ecsService.desired_count).toBe(3);
  });

  it('rejects autoscaling min above max', () => {
    expect(
      problemsOf({
        'dev.yaml': withService('    cpu: 256\n    memory: 512\n    desiredCount: 3\n    autoscaling: { min: 4, max: 3, cpuTarget: 70 }\n'),
      }),
    ).toContain('cfg/dev.yaml:16:25 services.api.autoscaling.min: min 4 is above max 3');
  });

  it('rejects a project name that cannot fit AWS names', () => {
    expect(problemsOf({ 'dev.yaml': MINIMAL_ENVIRONMENT.replace('project: shop', 'project: Shop_Web') })).toEqual([
      'cfg/dev.yaml:1:10 project: must be 2-20 characters: a lowercase letter, then lowercase letters, digits or hyphens',
    ]);
  });

  it('rejects a service name that cannot be a DNS label', () => {
    const problems = problemsOf({ 'dev.yaml': withService('    cpu: 256\n    memory: 512\n').replace('  api:', '  API_v2:') });
    expect(problems).toEqual([
      expect.stringMatching(/^cfg\/dev\.yaml:11:3 services\.API_v2: invalid name "API_v2": names here must be 1-32 characters/),
    ]);
  });

  it('rejects a file name that is not an environment name unless environment is set', () => {
    expect(problemsOf({ 'Dev_1.yaml': MINIMAL_ENVIRONMENT })).toEqual([
      'cfg/Dev_1.yaml:1:1 environment: the file name "Dev_1" is not a valid environment name (2-20 lowercase letters, digits, hyphens); rename the file or set environment:',
    ]);
    expect(problemsOf({ 'Dev_1.yaml': `${MINIMAL_ENVIRONMENT}environment: dev\n` })).toEqual([]);
  });

  it('rejects a TLS policy that allows TLS 1.0', () => {
    const [problem] = problemsOf({ 'dev.yaml': `${MINIMAL_ENVIRONMENT}loadBalancer:\n  sslPolicy: ELBSecurityPolicy-2016-08\n` });
    expect(problem).toMatch(/^cfg\/dev\.yaml:11:14 loadBalancer\.sslPolicy: use a TLS 1\.2\+ policy/);
  });
});

describe('cross-references', () => {
  it('rejects a load balancer certificate that is not defined', () => {
    expect(problemsOf({ 'dev.yaml': `${MINIMAL_ENVIRONMENT}loadBalancer:\n  certificate: web\n` })).toEqual([
      'cfg/dev.yaml:11:16 loadBalancer.certificate: no certificate "web" under certificates; add it under certificates or remove this key for HTTP only',
    ]);
  });

  it('rejects routing without a port', () => {
    expect(problemsOf({ 'dev.yaml': withService('    cpu: 256\n    memory: 512\n    routing: { paths: ["/*"], priority: 1 }\n') })).toEqual(
      ['cfg/dev.yaml:15:14 services.api.routing: routing needs a container port; add services.api.port'],
    );
  });

  it('rejects two services on one routing priority', () => {
    const text = `${MINIMAL_ENVIRONMENT}services:
  api:
    image: { repository: api, tag: "1" }
    cpu: 256
    memory: 512
    port: 80
    routing: { paths: ["/api/*"], priority: 10 }
  web:
    image: { repository: web, tag: "1" }
    cpu: 256
    memory: 512
    port: 80
    routing: { paths: ["/*"], priority: 10 }
`;
    expect(problemsOf({ 'dev.yaml': text })).toEqual([
      'cfg/dev.yaml:22:41 services.web.routing.priority: priority 10 is already used by service api; priorities are unique per environment',
    ]);
  });

  it('rejects requestsPerTarget without routing', () => {
    expect(
      problemsOf({
        'dev.yaml': withService('    cpu: 256\n    memory: 512\n    autoscaling: { min: 1, max: 2, requestsPerTarget: 100 }\n'),
      }),
    ).toEqual([
      'cfg/dev.yaml:15:55 services.api.autoscaling.requestsPerTarget: requestsPerTarget needs routing through the load balancer; add routing or remove requestsPerTarget',
    ]);
  });

  it('rejects allowedServices that name no service', () => {
    const text =
      withService('    cpu: 256\n    memory: 512\n') +
      `databases:
  main:
    engine: postgres
    engineVersion: "16.4"
    instanceClass: db.t4g.medium
    allowedServices: [api, billing]
dynamodb:
  sessions:
    hashKey: { name: pk, type: S }
    allowedServices: { read: [wbe] }
`;
    expect(problemsOf({ 'dev.yaml': text })).toEqual([
      'cfg/dev.yaml:20:28 databases.main.allowedServices.1: no service "billing" in this environment; use one of api',
      'cfg/dev.yaml:24:31 dynamodb.sessions.allowedServices.read.0: no service "wbe" in this environment; use one of api',
    ]);
  });

  it('rejects an engine version with no parameter group family', () => {
    const text = `${MINIMAL_ENVIRONMENT}databases:\n  main:\n    engine: postgres\n    engineVersion: "9.6"\n    instanceClass: db.t4g.medium\n`;
    expect(problemsOf({ 'dev.yaml': text })).toEqual([
      'cfg/dev.yaml:13:20 databases.main.engineVersion: no known parameter group family for postgres 9.6; use a version of 11, 12, 13, 14, 15, 16, 17',
    ]);
  });

  it('rejects PROVISIONED tables without capacity and attributes with two types', () => {
    const text = `${MINIMAL_ENVIRONMENT}dynamodb:
  orders:
    billingMode: PROVISIONED
    writeCapacity: 5
    hashKey: { name: pk, type: S }
    globalSecondaryIndexes:
      - { name: by-pk, hashKey: { name: pk, type: N }, readCapacity: 1, writeCapacity: 1 }
`;
    expect(problemsOf({ 'dev.yaml': text })).toEqual([
      'cfg/dev.yaml:12:5 dynamodb.orders.readCapacity: billingMode PROVISIONED needs readCapacity',
      'cfg/dev.yaml:16:51 dynamodb.orders.globalSecondaryIndexes.0.hashKey.type: attribute pk is type S elsewhere in this table; one attribute has one type',
    ]);
  });
});

describe('reporting', () => {
  it('names an unknown environment (a command-line name) with a did-you-mean and no file position', () => {
    const problemsOfCall = (call: () => unknown) => {
      try {
        call();
      } catch (error) {
        if (error instanceof ConfigError) return error.problems.map(formatProblem);
        throw error;
      }
      return [];
    };
    expect(problemsOfCall(() => selectEnvironments(EXAMPLES_DIR, 'prdo'))).toEqual([
      `${EXAMPLES_DIR}: no environment "prdo"; did you mean "prod"? found dev, prod, staging`,
    ]);
    expect(problemsOfCall(() => selectStack(EXAMPLES_DIR, 'stagign'))[0]).toMatch(
      new RegExp(`^${EXAMPLES_DIR}: no environment "stagign"; did you mean "staging"\\? found dev, prod, staging \\(bootstrap stacks: `),
    );
    expect(problemsOfCall(() => loadEnvironmentTarget(EXAMPLES_DIR, 'dve'))).toEqual([
      `${EXAMPLES_DIR}: no environment "dve"; did you mean "dev"? found dev, prod, staging`,
    ]);
    expect(problemsOfCall(() => selectEnvironments(EXAMPLES_DIR, 'zzzzzzzz'))).toEqual([
      `${EXAMPLES_DIR}: no environment "zzzzzzzz"; found dev, prod, staging`,
    ]);
  });

  it('reports YAML syntax errors with their position', () => {
    const [problem] = problemsOf({ 'dev.yaml': `${MINIMAL_ENVIRONMENT}services: [unclosed\n` });
    expect(problem).toMatch(/^cfg\/dev\.yaml:\d+:\d+ \(file\): YAML: /);
  });

  it('reports a duplicate key as a YAML problem', () => {
    expect(problemsOf({ 'dev.yaml': `${MINIMAL_ENVIRONMENT}project: again\n` })).toEqual([
      expect.stringMatching(/^cfg\/dev\.yaml:10:1 \(file\): YAML: Map keys must be unique/),
    ]);
  });

  it('reports every problem of every file at once, in file order', () => {
    const problems = problemsOf({
      'dev.yaml': withService('    cpu: 512\n    memory: 3000\n    desiredCont: 1\n'),
      'prod.yaml': `${MINIMAL_ENVIRONMENT.replace('eu-west-1', 'mars-1')}gitops: { approvers: [alice] }\n`,
    });
    expect(problems.map((p) => p.split(' ')[0])).toEqual(['cfg/dev.yaml:14:13', 'cfg/dev.yaml:15:5', 'cfg/prod.yaml:3:11']);
  });

  it('points at defaults.yaml when the bad value comes from there', () => {
    const problems = problemsOf({
      'defaults.yaml': 'project: shop\nlogRetentionDays: 11\n',
      'dev.yaml': MINIMAL_ENVIRONMENT.replace('project: shop\n', ''),
    });
    expect(problems).toEqual([expect.stringMatching(/^cfg\/defaults\.yaml:2:19 logRetentionDays: CloudWatch Logs accepts only/)]);
  });

  it('names a missing required key', () => {
    expect(problemsOf({ 'dev.yaml': MINIMAL_ENVIRONMENT.replace('  bucket: shop-tf-state\n', '') })).toEqual([
      'cfg/dev.yaml:6:3 backend.bucket: required key is missing; add bucket',
    ]);
  });

  it('locks state with the lock file when there is no lock table, keeps a table it is given, and refuses no locking at all', () => {
    const withoutTable = MINIMAL_ENVIRONMENT.replace('  lockTable: shop-tf-locks\n', '');
    expect(configOf(withoutTable).backend.useLockfile).toBe(true);
    expect(configOf(withoutTable).backend.lockTable).toBeUndefined();
    expect(configOf(MINIMAL_ENVIRONMENT).backend).toMatchObject({ lockTable: 'shop-tf-locks', useLockfile: false });
    expect(configOf(MINIMAL_ENVIRONMENT.replace('  lockTable', '  useLockfile: true\n  lockTable')).backend).toMatchObject({
      lockTable: 'shop-tf-locks',
      useLockfile: true,
    });
    expect(problemsOf({ 'dev.yaml': withoutTable.replace('backend:\n', 'backend:\n  useLockfile: false\n') })).toEqual([
      'cfg/dev.yaml:6:16 backend.useLockfile: nothing would lock the state: remove useLockfile (S3-native locking is the default) or name a lockTable',
    ]);
  });

  it('lets an environment opt out of the lock table its defaults name (lockTable: null), to the lock file', () => {
    const optedOut = configOf('backend:\n  lockTable: null\n', MINIMAL_ENVIRONMENT).backend;
    expect(optedOut.useLockfile).toBe(true);
    expect(optedOut.lockTable).toBeUndefined();
    expect(configOf('backend:\n  useLockfile: true\n', MINIMAL_ENVIRONMENT).backend).toMatchObject({
      lockTable: 'shop-tf-locks',
      useLockfile: true,
    });
  });

  it('rejects two environment files with one environment name, and two sharing a state bucket differently', () => {
    const problems = problemsOf({
      'dev.yaml': MINIMAL_ENVIRONMENT,
      'dev2.yaml': `${MINIMAL_ENVIRONMENT}environment: dev\n`,
      'qa.yaml': MINIMAL_ENVIRONMENT.replace('shop-tf-locks', 'other-locks'),
    });
    expect(problems).toEqual([
      'cfg/dev2.yaml:10:14 environment: environment "dev" is also defined by cfg/dev.yaml; each environment needs its own name',
      'cfg/qa.yaml:7:14 backend.lockTable: bucket shop-tf-state is also used by cfg/dev.yaml with lockTable shop-tf-locks; environments sharing a state bucket must agree on it',
    ]);
  });

  it('rejects .yml files instead of ignoring them', () => {
    expect(problemsOf({ 'dev.yaml': MINIMAL_ENVIRONMENT, 'qa.yml': MINIMAL_ENVIRONMENT })).toEqual([
      'cfg/qa.yml:1:1 (file): environment files end in .yaml; rename it to qa.yaml',
    ]);
  });
});

describe('more AWS rules', () => {
  const routed = `services:\n  api: { image: "docker.io/library/nginx:1.27", cpu: 256, memory: 512, port: 80, routing: { paths: ["/*"], priority: 1 } }\n`;
  const existing =
    '  existing: { vpcId: vpc-0123456789abcdef0, publicSubnetIds: [subnet-0123456789abcdef0, subnet-0123456789abcdef1], privateSubnetIds: [subnet-0123456789abcdef2, subnet-0123456789abcdef3] }\n';

  it('opens an internal load balancer to its VPC by default', () => {
    expect(configOf(`${MINIMAL_ENVIRONMENT}loadBalancer: { internal: true }\n${routed}`).loadBalancer.allowedCidrs).toEqual([
      '10.0.0.0/16',
    ]);
    expect(configOf(`${MINIMAL_ENVIRONMENT}${routed}`).loadBalancer.allowedCidrs).toEqual(['0.0.0.0/0']);
  });

  it('asks for allowedCidrs of an internal load balancer in an existing VPC', () => {
    const text = MINIMAL_ENVIRONMENT.replace('  cidr: 10.0.0.0/16\n', existing) + `loadBalancer: { internal: true }\n${routed}`;
    expect(problemsOf({ 'dev.yaml': text })).toEqual([
      expect.stringMatching(
        /^cfg\/dev\.yaml:10:\d+ loadBalancer\.allowedCidrs: an internal load balancer in an existing VPC needs allowedCidrs/,
      ),
    ]);
  });

  it('rejects MariaDB 10.4, whose TLS cannot be forced', () => {
    const [problem] = problemsOf({
      'dev.yaml': `${MINIMAL_ENVIRONMENT}databases:\n  main: { engine: mariadb, engineVersion: "10.4.34", instanceClass: db.t4g.medium }\n`,
    });
    expect(problem).toContain(
      'databases.main.engineVersion: no known parameter group family for mariadb 10.4.34; use a version of 10.5, 10.6, 10.11, 11.4',
    );
  });

  it('asks to quote an engine version written as a number', () => {
    expect(
      problemsOf({
        'dev.yaml': `${MINIMAL_ENVIRONMENT}databases:\n  main: { engine: postgres, engineVersion: 16.4, instanceClass: db.t4g.medium }\n`,
      }),
    ).toEqual(['cfg/dev.yaml:11:44 databases.main.engineVersion: quote the engine version in YAML, for example "16.4"']);
  });

  it('rejects a state bucket name S3 reserves', () => {
    const [problem] = problemsOf({ 'dev.yaml': MINIMAL_ENVIRONMENT.replace('bucket: shop-tf-state', 'bucket: xn--shop-state') });
    expect(problem).toMatch(/^cfg\/dev\.yaml:6:11 backend\.bucket: S3 reserves this form of bucket name/);
  });

  it('understands YAML anchors and merge keys', () => {
    const text = `${MINIMAL_ENVIRONMENT}x-small: &small { cpu: 256, memory: 512 }\n`;
    expect(problemsOf({ 'dev.yaml': text })).toEqual([
      'cfg/dev.yaml:10:1 x-small: unknown key "x-small"; valid keys here: $schema, project, environment, production, aws, backend, tags, logRetentionDays, network, cluster, registry, loadBalancer, certificates, dns, services, jobs, queues, databases, dynamodb, caches, buckets, monitoring, guardrails, gitops, controller, ci, teleport, cost',
    ]);
    const merged = configOf(
      `${MINIMAL_ENVIRONMENT}services:\n  api:\n    <<: { cpu: 256, memory: 512 }\n    image: "docker.io/library/nginx:1.27"\n`,
    );
    expect(merged.services.api).toMatchObject({ cpu: 256, memory: 512 });
  });
});

describe('problems of different kinds in one file', () => {
  it('are reported together: schema problems and broken references', () => {
    const text = `${MINIMAL_ENVIRONMENT}loadBalancer: { certificate: web }
services:
  api:
    image: { repository: api, tag: "1" }
    cpu: 512
    memory: 3000
    port: 80
    routing: { paths: ["/*"], priority: 7 }
  web:
    image: { repository: web, tag: "1" }
    cpu: 256
    memory: 512
    port: 80
    routing: { paths: ["/web/*"], priority: 7 }
databases:
  main: { engine: postgres, engineVersion: "16.4", instanceClass: db.t4g.medium, allowedServices: [billing] }
`;
    expect(problemsOf({ 'dev.yaml': text }).map((p) => p.split(': ')[0])).toEqual([
      'cfg/dev.yaml:10:30 loadBalancer.certificate',
      'cfg/dev.yaml:15:13 services.api.memory',
      'cfg/dev.yaml:23:45 services.web.routing.priority',
      'cfg/dev.yaml:25:100 databases.main.allowedServices.0',
    ]);
  });
});

describe('gitops', () => {
  it('defaults autoApply to true outside production and false in production', () => {
    expect(configOf(MINIMAL_ENVIRONMENT).gitops).toEqual({ autoApply: true, approvers: [], allowForks: false });
    expect(configsOf({ 'prod.yaml': `${MINIMAL_ENVIRONMENT}gitops: { approvers: [alice] }\n` })[0]!.gitops.autoApply).toBe(false);
  });

  it('refuses autoApply in production and logins GitHub would not accept', () => {
    expect(problemsOf({ 'prod.yaml': `${MINIMAL_ENVIRONMENT}gitops:\n  autoApply: true\n  approvers: [alice, -bob]\n` })).toEqual([
      'cfg/prod.yaml:12:22 gitops.approvers.1: must be a GitHub login (letters, digits and single hyphens, at most 39)',
    ]);
    expect(problemsOf({ 'prod.yaml': `${MINIMAL_ENVIRONMENT}gitops:\n  autoApply: true\n` })).toEqual([
      'cfg/prod.yaml:11:14 gitops.autoApply: production applies always need an approval of the plan; remove autoApply (or set it to false) and list gitops.approvers',
    ]);
  });

  it('refuses a production environment nobody could approve a run of', () => {
    expect(problemsOf({ 'prod.yaml': `${MINIMAL_ENVIRONMENT}gitops:\n  approvers: []\n` })).toEqual([
      'cfg/prod.yaml:11:14 gitops.approvers: nobody could approve a production run; add gitops.approvers (the GitHub logins who may approve)',
    ]);
    expect(problemsOf({ 'prod.yaml': MINIMAL_ENVIRONMENT })).toEqual([
      'cfg/prod.yaml:1:1 gitops.approvers: nobody could approve a production run; add gitops.approvers (the GitHub logins who may approve)',
    ]);
    expect(problemsOf({ 'dev.yaml': MINIMAL_ENVIRONMENT, 'prod.yaml': `${MINIMAL_ENVIRONMENT}gitops: { approvers: [alice] }\n` })).toEqual(
      [],
    );
  });
});
