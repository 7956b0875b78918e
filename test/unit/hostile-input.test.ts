/**
 * Hostile and careless YAML (docs/refused-input.md):
 * each class is refused with its exact FILE:LINE:COL KEY.PATH line, or,
 * where AWS takes the input, accepted and synthesized as written. Never a
 * crash, never a silently dropped key.
 */
import { loadEnvironments, synthesize } from '../../src/core/index';
import { MAX_VALUES } from '../../src/config/yaml-source';
import { configOf, MINIMAL_ENVIRONMENT, problemsOf, resourcesOf, synthEnvironment } from '../support/helpers';

const ACCEPTED_DIR = 'test/fixtures/hostile/accepted';
const IMAGE = 'public.ecr.aws/nginx/nginx:1.27';

/** MINIMAL_ENVIRONMENT plus a service api (lines 10-14) and `more` (from line 15). */
const withService = (more: string, service = '') => `${MINIMAL_ENVIRONMENT}services:
  api:
    image: ${IMAGE}
    cpu: 256
    memory: 512
${service}${more}`;

describe('keys named like JavaScript object members', () => {
  it('are names like any other where AWS takes them: the accepted fixture loads and synthesizes as written', () => {
    const [config] = loadEnvironments(ACCEPTED_DIR).map((e) => e.config);
    const stack = synthEnvironment(config!);
    const listeners = Object.values(resourcesOf(stack, 'aws_lb_listener'));
    expect(listeners.find((l) => l.port === 443)?.certificate_arn).toMatch(/aws_acm_certificate\.certificate-constructor/);
    const definitions = Object.values(resourcesOf(stack, 'aws_ecs_task_definition')).map((t) => JSON.parse(t.container_definitions)[0]);
    const main = definitions.find((d) => d.name === 'constructor');
    expect(main.environment).toEqual(
      expect.arrayContaining([
        { name: '__proto__', value: 'kept' },
        { name: 'toString', value: '1.10' },
        { name: 'constructor', value: '0022' },
        { name: 'hasOwnProperty', value: 'true' },
        { name: 'isPrototypeOf', value: '8080' },
      ]),
    );
    expect(main.secrets).toContainEqual({
      name: 'valueOf',
      valueFrom: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:proto/app+key=v1.0@x_y-z',
    });
    // The merge key brought the small service's cpu and memory.
    expect(config!.services.constructor).toMatchObject({ cpu: 256, memory: 512 });
    expect(JSON.parse(stack).provider.aws[0].default_tags[0].tags).toMatchObject({
      constructor: 'yes',
      toString: 'plain',
      hasOwnProperty: '@team/platform',
    });
  });

  it('name databases, tables, volumes and file systems like services (staging of the accepted fixture: all are constructor)', () => {
    const staging = loadEnvironments(ACCEPTED_DIR)
      .map((e) => e.config)
      .find((c) => c.environment === 'staging')!;
    const stack = synthEnvironment(staging);
    expect(Object.keys(resourcesOf(stack, 'aws_db_instance'))).toEqual([expect.stringMatching(/^database-constructor_/)]);
    expect(Object.keys(resourcesOf(stack, 'aws_dynamodb_table'))).toEqual([expect.stringMatching(/^table-constructor_/)]);
    expect(Object.values(resourcesOf(stack, 'aws_efs_file_system'))).toHaveLength(1);
    const main = JSON.parse(Object.values(resourcesOf(stack, 'aws_ecs_task_definition'))[0].container_definitions)[0];
    expect(main.mountPoints).toContainEqual({ containerPath: '/data', readOnly: false, sourceVolume: 'constructor' });
  });

  it('never pass an "is it defined?" check by being a member of every object', () => {
    expect(
      problemsOf({
        'dev.yaml': withService(
          'loadBalancer: { certificate: constructor }\n',
          '    port: 80\n    routing: { paths: [/x], priority: 1 }\n',
        ),
      }),
    ).toEqual([
      'cfg/dev.yaml:17:30 loadBalancer.certificate: no certificate "constructor" under certificates; add it under certificates or remove this key for HTTP only',
    ]);
    expect(
      problemsOf({
        'dev.yaml': withService(
          'databases:\n  main: { engine: postgres, engineVersion: "16.4", instanceClass: db.t4g.micro, allowedServices: [toString] }\n',
        ),
      }),
    ).toEqual(['cfg/dev.yaml:16:99 databases.main.allowedServices.0: no service "toString" in this environment; use one of api']);
  });

  it('are variables that clash with nothing', () => {
    const config = configOf(
      withService('', '    environment: { toString: a, valueOf: b }\n    secrets: { constructor: { ssm: /shop/x } }\n'),
    );
    expect(Object.keys(config.services.api!.environment)).toEqual(['toString', 'valueOf']);
    expect(Object.keys(config.services.api!.secrets)).toEqual(['constructor']);
  });

  it('are reported at the key, never dropped: __proto__ at the top level and as a tag key', () => {
    expect(problemsOf({ 'dev.yaml': `${MINIMAL_ENVIRONMENT}__proto__: { polluted: 1 }\ntags: { __proto__: x }\n` })).toEqual([
      expect.stringMatching(/^cfg\/dev\.yaml:10:1 __proto__: unknown key "__proto__"; valid keys here: \$schema, project/),
      'cfg/dev.yaml:11:9 tags.__proto__: invalid name "__proto__": a tag key __proto__ would be dropped on the way to Terraform; pick another key',
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('merge from defaults.yaml like any other key', () => {
    const [config] = loadEnvironments(ACCEPTED_DIR).map((e) => e.config);
    expect(Object.keys(config!.tags)).toEqual(['constructor', 'toString', 'hasOwnProperty', 'Cost Center']);
  });
});

describe('YAML structure', () => {
  it('refuses an alias without an anchor, and an anchor of another file (anchors do not cross files)', () => {
    expect(problemsOf({ 'dev.yaml': `${MINIMAL_ENVIRONMENT}tags: { Team: *team }\n` })).toEqual([
      'cfg/dev.yaml:10:15 (file): alias *team refers to no anchor &team above it in this file (anchors do not cross files); define the anchor first or write the value out',
    ]);
    const files = {
      'defaults.yaml': 'tags: &shared { Team: web }\n',
      'dev.yaml': `${MINIMAL_ENVIRONMENT}monitoring: { thresholds: *shared }\n`,
    };
    expect(problemsOf(files)).toEqual([
      'cfg/dev.yaml:10:27 (file): alias *shared refers to no anchor &shared above it in this file (anchors do not cross files); define the anchor first or write the value out',
    ]);
  });

  it('refuses a << merge of a scalar or of a list of scalars, and still merges maps', () => {
    const message = '<< merges maps only: a map, an alias of a map (<<: *name) or a list of those; write the keys out instead';
    expect(problemsOf({ 'dev.yaml': withService('', '    <<: 5\n') })).toEqual([`cfg/dev.yaml:15:9 (file): ${message}`]);
    expect(problemsOf({ 'dev.yaml': withService('', '    <<: [{ port: 80 }, 1]\n') })).toEqual([`cfg/dev.yaml:15:24 (file): ${message}`]);
    const config = configOf(
      withService('  worker:\n    <<: [*api, { desiredCount: 3 }]\n    cpu: 512\n    memory: 1024\n').replace('  api:\n', '  api: &api\n'),
    );
    expect(config.services.worker).toMatchObject({ cpu: 512, memory: 1024, desiredCount: 3, image: IMAGE });
  });

  it('refuses an alias bomb quickly, with bounded memory', () => {
    const levels = Array.from({ length: 9 }, (_, i) => `l${i + 1}: &l${i + 1} [${Array(10).fill(`*l${i}`).join(', ')}]`);
    const bomb = `${MINIMAL_ENVIRONMENT}l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n${levels.join('\n')}\n`;
    const started = Date.now();
    const heap = process.memoryUsage().heapUsed;
    expect(problemsOf({ 'dev.yaml': bomb })).toEqual([
      `cfg/dev.yaml:14:45 (file): the file expands to more than ${MAX_VALUES} values through aliases (an alias bomb?); write the values out or use fewer aliases`,
    ]);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(process.memoryUsage().heapUsed - heap).toBeLessThan(200 * 1024 * 1024);
  });

  it('refuses an alias of a value that contains it', () => {
    expect(problemsOf({ 'dev.yaml': `${MINIMAL_ENVIRONMENT}tags: &loop { a: *loop }\n` })).toEqual([
      'cfg/dev.yaml:10:18 (file): alias *loop refers to a value that contains it; YAML values cannot contain themselves',
    ]);
  });

  it('refuses a second document, so no alias can cross documents', () => {
    expect(problemsOf({ 'dev.yaml': `x: &shared 1\n---\n${MINIMAL_ENVIRONMENT}tags: { a: *shared }\n` })).toEqual([
      'cfg/dev.yaml:2:1 (file): an environment file is one YAML document; remove this second document (from the --- line on) or move it to a file of its own (anchors and aliases do not cross documents or files)',
    ]);
  });

  it('refuses a file that is not UTF-8 at its first such byte, rather than reading U+FFFD', () => {
    const latin1 = Buffer.concat([Buffer.from(`${MINIMAL_ENVIRONMENT}tags: { Team: caf`), Buffer.from([0xe9]), Buffer.from(' }\n')]);
    expect(problemsOf({ 'dev.yaml': latin1 as unknown as string })).toEqual([
      'cfg/dev.yaml:10:18 (file): the file is not UTF-8 (byte 0xE9 here; Latin-1 or UTF-16?); save it as UTF-8',
    ]);
  });

  it('quotes at most a short excerpt of a 1 MB value', () => {
    const huge = 'a'.repeat(1_000_000);
    const problems = problemsOf({
      'dev.yaml': `${MINIMAL_ENVIRONMENT.replace('project: shop', `project: ${huge}`)}tags: { ${huge}: x }\n`,
    });
    expect(problems).toEqual([
      `cfg/dev.yaml:1:10 project: must be 2-20 characters: a lowercase letter, then lowercase letters, digits or hyphens`,
      `cfg/dev.yaml:10:9 tags.${'a'.repeat(60)}...: invalid name "${'a'.repeat(60)}... (1000000 characters)": tag keys are 1-128 characters`,
    ]);
  });

  it('reports a file that cannot be read (a folder named like one) at its name', () => {
    expect(problemsOf({ 'dev.yaml': MINIMAL_ENVIRONMENT, 'defaults.yaml/x': '' })).toEqual([
      'cfg/defaults.yaml:1:1 (file): cannot read this file (a folder, or no permission to read it); make it a readable YAML file',
    ]);
  });

  it('refuses keys that are not plain names, and a key given twice', () => {
    expect(problemsOf({ 'dev.yaml': `${MINIMAL_ENVIRONMENT}tags:\n  ? [a, b]\n  : c\n` })).toEqual([
      'cfg/dev.yaml:11:5 (file): keys are plain names; a list, map or alias cannot be a key',
    ]);
    expect(problemsOf({ 'dev.yaml': `${MINIMAL_ENVIRONMENT}tags: { 1: a, "1": b }\n` })).toEqual([
      'cfg/dev.yaml:10:15 (file): key "1" is given twice in this map; keep one',
    ]);
  });
});

describe('duplicates in reference lists', () => {
  it('are refused where validate would otherwise pass and synth crash on a duplicate construct ID', () => {
    const text = withService(`databases:
  main: { engine: postgres, engineVersion: "16.4", instanceClass: db.t4g.micro, allowedServices: [api, api] }
dynamodb:
  sessions: { hashKey: { name: pk, type: S }, allowedServices: { read: [api, api], write: [api, api] } }
`);
    expect(problemsOf({ 'dev.yaml': text })).toEqual([
      'cfg/dev.yaml:16:104 databases.main.allowedServices.1: api is listed twice; list it once',
      'cfg/dev.yaml:18:78 dynamodb.sessions.allowedServices.read.1: api is listed twice; list it once',
      'cfg/dev.yaml:18:97 dynamodb.sessions.allowedServices.write.1: api is listed twice; list it once',
    ]);
  });

  it('the same service reading and writing one table is no duplicate: it loads and synthesizes', () => {
    const config = configOf(
      withService('dynamodb:\n  sessions: { hashKey: { name: pk, type: S }, allowedServices: { read: [api], write: [api] } }\n'),
    );
    expect(() => synthesize([config])).not.toThrow();
  });
});

describe('values AWS would refuse only at apply time', () => {
  const schedule = (cron: string, timezone?: string) =>
    withService(
      '',
      `    autoscaling:\n      min: 1\n      max: 2\n      schedules: [{ name: s, cron: "${cron}", min: 1, max: 1${timezone ? `, timezone: ${timezone}` : ''} }]\n`,
    );
  const at = 'cfg/dev.yaml:18:36 services.api.autoscaling.schedules.0.cron';

  it.each([
    ['cron(0 20 * * *)', 'cron takes 6 fields (minutes hours day-of-month month day-of-week year), not 5; for example cron(0 20 * * ? *)'],
    [
      'cron(0 20 * * * *)',
      'exactly one of day-of-month (3rd field) and day-of-week (5th field) must be ?; for example cron(0 20 * * ? *) or cron(0 9 ? * MON-FRI *)',
    ],
    [
      'cron(0 20 ? * ? *)',
      'exactly one of day-of-month (3rd field) and day-of-week (5th field) must be ?; for example cron(0 20 * * ? *) or cron(0 9 ? * MON-FRI *)',
    ],
    ['cron(61 20 * * ? *)', '"61" is not a valid minutes field (0-59, with , - * /)'],
    ['cron(0 20 * FOO ? *)', '"FOO" is not a valid month field (1-12 or JAN-DEC, with , - * /)'],
    ['rate(1 minutes)', 'rate(1 minutes) takes the singular: rate(1 minute)'],
    ['rate(5 minute)', 'rate(5 minute) takes the plural: rate(5 minutes)'],
    ['rate(0 days)', 'a rate is rate(N minutes|hours|days) with N of 1 or more, for example rate(5 minutes) or rate(1 day)'],
    [
      'at(2026-02-30T10:00:00)',
      '2026-02-30T10:00:00 is not a date and time that exists; at() takes a date and time, yyyy-mm-ddThh:mm:ss, for example at(2026-12-31T23:00:00)',
    ],
    ['every night', 'a schedule is cron(...), rate(...) or at(...), for example cron(0 20 * * ? *)'],
  ])('refuses the schedule %s', (cron, message) => {
    expect(problemsOf({ 'dev.yaml': schedule(cron) })).toEqual([`${at}: ${message}`]);
  });

  it.each([
    'cron(0 20 * * ? *)',
    'cron(0/15 8-18 ? * MON-FRI *)',
    'cron(0 0 L * ? 2026-2030)',
    'cron(0 9 ? * 2#1 *)',
    'rate(1 day)',
    'at(2030-01-31T23:59:59)',
  ])('accepts the schedule %s', (cron) => {
    expect(problemsOf({ 'dev.yaml': schedule(cron) })).toEqual([]);
  });

  it('takes IANA time zones only, in their exact spelling', () => {
    const zone = (tz: string) => problemsOf({ 'dev.yaml': schedule('cron(0 20 * * ? *)', tz) });
    expect(zone('Mars/Olympus')).toEqual([
      'cfg/dev.yaml:18:84 services.api.autoscaling.schedules.0.timezone: unknown time zone "Mars/Olympus"; time zones are IANA names such as Europe/Berlin, America/New_York or UTC',
    ]);
    expect(zone('EST')).toEqual([
      'cfg/dev.yaml:18:84 services.api.autoscaling.schedules.0.timezone: "EST" is not an IANA time zone name; time zones are IANA names such as Europe/Berlin, America/New_York or UTC',
    ]);
    expect(zone('Europe/berlin')).toEqual([
      'cfg/dev.yaml:18:84 services.api.autoscaling.schedules.0.timezone: time zone names are case-sensitive; write Europe/Berlin',
    ]);
    for (const ok of ['Europe/Berlin', 'America/Argentina/Buenos_Aires', 'UTC', 'Etc/GMT+9']) expect(zone(ok)).toEqual([]);
  });

  it('wants a health check timeout below its interval', () => {
    expect(problemsOf({ 'dev.yaml': withService('', '    healthCheck: { intervalSeconds: 10, timeoutSeconds: 10 }\n') })).toEqual([
      'cfg/dev.yaml:15:57 services.api.healthCheck.timeoutSeconds: timeoutSeconds 10 must be below intervalSeconds 10; the load balancer refuses a check that times out after the next one starts',
    ]);
  });

  it('takes tags in the character set and lengths of AWS, and at most 45 of them', () => {
    expect(problemsOf({ 'dev.yaml': `${MINIMAL_ENVIRONMENT}tags: { "Owner<>": a, Team: "web{1}", Long: ${'v'.repeat(257)} }\n` })).toEqual([
      'cfg/dev.yaml:10:9 tags.Owner<>: invalid name "Owner<>": tag keys take letters, digits, spaces and _ . : / = + - @ only',
      'cfg/dev.yaml:10:29 tags.Team: tag values take letters, digits, spaces and _ . : / = + - @ only',
      'cfg/dev.yaml:10:45 tags.Long: tag values are at most 256 characters',
    ]);
    const many = Array.from({ length: 46 }, (_, i) => `  t${i}: v`).join('\n');
    expect(problemsOf({ 'dev.yaml': `${MINIMAL_ENVIRONMENT}tags:\n${many}\n` })).toEqual([
      'cfg/dev.yaml:11:3 tags: at most 45 tags: AWS takes 50 per resource, and the project adds Project, Environment, ManagedBy and up to two of its own (Name, Tier)',
    ]);
    expect(problemsOf({ 'dev.yaml': `${MINIMAL_ENVIRONMENT}tags: { "Cost Center": "R+D: 42/7 = 6", Équipe: Données }\n` })).toEqual([]);
  });

  it('takes Secrets Manager names in their character set', () => {
    expect(problemsOf({ 'dev.yaml': withService('', '    secrets: { KEY: { secretsManager: "shop/api key!" } }\n') })).toEqual([
      'cfg/dev.yaml:15:39 services.api.secrets.KEY.secretsManager: a Secrets Manager name is 1-512 letters, digits and / _ + = . @ - (or an ARN)',
    ]);
  });

  it('refuses a subnet listed twice, or as both public and private', () => {
    const existing = (publicIds: string, privateIds: string) =>
      MINIMAL_ENVIRONMENT.replace(
        '  cidr: 10.0.0.0/16\n',
        `  existing: { vpcId: vpc-0abc1234, publicSubnetIds: [${publicIds}], privateSubnetIds: [${privateIds}] }\n`,
      );
    expect(problemsOf({ 'dev.yaml': existing('subnet-0aaa1111, subnet-0aaa1111', 'subnet-0bbb1111, subnet-0bbb2222') })).toEqual([
      'cfg/dev.yaml:9:71 network.existing.publicSubnetIds.1: subnet-0aaa1111 is listed twice; list it once',
    ]);
    expect(problemsOf({ 'dev.yaml': existing('subnet-0aaa1111, subnet-0aaa2222', 'subnet-0bbb1111, subnet-0aaa2222') })).toEqual([
      'cfg/dev.yaml:9:125 network.existing.privateSubnetIds.1: subnet-0aaa2222 is also a public subnet; a subnet is public or private, not both',
    ]);
  });

  it.each([
    ['a/../b', 'a key prefix has no . or .. segments; write the path out, for example platform/shop'],
    ['/platform', 'a key prefix is path segments of letters, digits, _ . - separated by /, with no leading or trailing /'],
  ])('refuses the state key prefix %s', (prefix, message) => {
    expect(
      problemsOf({
        'dev.yaml': MINIMAL_ENVIRONMENT.replace('  lockTable: shop-tf-locks\n', `  lockTable: shop-tf-locks\n  keyPrefix: ${prefix}\n`),
      }),
    ).toEqual([`cfg/dev.yaml:8:14 backend.keyPrefix: ${message}`]);
  });

  it('refuses an environment named like a bootstrap stack, and two buckets with one bootstrap stack', () => {
    const env = (name: string, bucket: string) =>
      `${MINIMAL_ENVIRONMENT.replace('bucket: shop-tf-state', `bucket: ${bucket}`)}environment: ${name}\n`;
    expect(problemsOf({ 'a.yaml': env('bootstrap-tf-state', 'tf-state'), 'b.yaml': env('bee', 'tf-state') })).toEqual([
      'cfg/a.yaml:10:14 environment: the environment name bootstrap-tf-state is the name of the bootstrap stack of bucket tf-state; stack names must be unique, so rename the environment',
    ]);
    expect(problemsOf({ 'a.yaml': env('aa', 'shop.state'), 'b.yaml': env('bb', 'shop-state') })).toEqual([
      'cfg/b.yaml:6:11 backend.bucket: buckets shop.state and shop-state would both get the bootstrap stack bootstrap-shop-state; use one of them for both, or another name',
    ]);
  });
});

describe('values the container would misread', () => {
  it('asks to quote a YAML number or boolean whose text does not survive, and says how', () => {
    expect(
      problemsOf({
        'dev.yaml': withService(
          '',
          '    environment:\n      APP_VERSION: 1.10\n      UMASK: 0022\n      DEBUG: True\n      PORT: 8080\n      RATIO: 0.5\n',
        ),
      }),
    ).toEqual([
      'cfg/dev.yaml:16:20 services.api.environment.APP_VERSION: YAML reads 1.10 as the number 1.1, so the container would get "1.1"; quote it to keep the text: "1.10"',
      'cfg/dev.yaml:17:14 services.api.environment.UMASK: YAML reads 0022 as the number 22, so the container would get "22"; quote it to keep the text: "0022"',
      'cfg/dev.yaml:18:14 services.api.environment.DEBUG: YAML reads True as true, so the container would get "true"; quote it to keep the text: "True"',
    ]);
  });

  it('points at defaults.yaml when the number comes from there, and not when the environment replaces it', () => {
    const defaults = 'services:\n  api:\n    environment: { APP_VERSION: 2.10 }\n';
    expect(problemsOf({ 'defaults.yaml': defaults, 'dev.yaml': withService('') })).toEqual([
      'cfg/defaults.yaml:3:33 services.api.environment.APP_VERSION: YAML reads 2.10 as the number 2.1, so the container would get "2.1"; quote it to keep the text: "2.10"',
    ]);
    expect(problemsOf({ 'defaults.yaml': defaults, 'dev.yaml': withService('', '    environment: { APP_VERSION: "2.10" }\n') })).toEqual(
      [],
    );
  });
});

describe('all problems in one pass', () => {
  it('reports a schema, a cross-reference, a Fargate-size and a cross-key mistake of one file together', () => {
    const text = `project: shop
backend: { bucket: shop-tf-state, lockTable: shop-tf-locks }
network: { cidr: 10.0.0.0/16 }
aws: { region: eu-west-1, accountId: "123456789012", availabilityZones: [eu-west-1a, us-east-1b] }
services:
  api:
    image: ${IMAGE}
    cpu: 512
    memory: 3000
    desiredCont: 2
    port: "80"
loadBalancer: { certificate: nope }
`;
    expect(problemsOf({ 'dev.yaml': text })).toEqual([
      'cfg/dev.yaml:4:86 aws.availabilityZones.1: us-east-1b is not a zone of eu-west-1; zones look like eu-west-1a',
      'cfg/dev.yaml:9:13 services.api.memory: 3000 is not a valid Fargate memory for cpu 512; use one of 1024, 2048, 3072, 4096',
      'cfg/dev.yaml:10:5 services.api.desiredCont: unknown key "desiredCont"; did you mean "desiredCount"?',
      'cfg/dev.yaml:11:11 services.api.port: expected a number, got "80"',
      'cfg/dev.yaml:12:30 loadBalancer.certificate: no certificate "nope" under certificates; add it under certificates or remove this key for HTTP only',
    ]);
  });

  it('still checks the other keys when a required top-level key is refused, without guessing about it', () => {
    const text = withService('', '    cpu: 256\n')
      .replace('    cpu: 256\n    memory: 512\n    cpu: 256\n', '    cpu: 256\n    memory: 4096\n')
      .replace('eu-west-1', 'eu-wset-1');
    expect(problemsOf({ 'dev.yaml': text })).toEqual([
      'cfg/dev.yaml:3:11 aws.region: unknown AWS region "eu-wset-1"; did you mean "eu-west-1"?',
      'cfg/dev.yaml:14:13 services.api.memory: 4096 is not a valid Fargate memory for cpu 256; use one of 512, 1024, 2048',
    ]);
  });

  it('does not report what follows from a refused value (a port that is not a number, then routing without a port)', () => {
    const problems = problemsOf({ 'dev.yaml': withService('', '    port: http\n    routing: { paths: [/api], priority: 1 }\n') });
    expect(problems).toEqual(['cfg/dev.yaml:15:11 services.api.port: expected a number, got "http"']);
  });
});

describe('inputs the fuzzer found breaking the loader (now fixtures)', () => {
  it('a map where a region belongs, holding a toString key (it crashed a message built with String())', () => {
    expect(problemsOf({ 'dev.yaml': MINIMAL_ENVIRONMENT.replace('region: eu-west-1', 'region: { toString: plain }') })).toEqual([
      'cfg/dev.yaml:3:11 aws.region: a region is a name such as eu-west-1 (text, not a map or a list)',
    ]);
  });

  it('a key with a space in it: the key path quotes it, so the line keeps its format', () => {
    expect(problemsOf({ 'dev.yaml': `${MINIMAL_ENVIRONMENT}services:\n  "x y": { image: ${IMAGE}, cpu: 256, memory: 512 }\n` })).toEqual([
      'cfg/dev.yaml:11:3 services."x y": invalid name "x y": names here must be 1-32 characters: lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen',
    ]);
  });

  it("a syntax error that confused the parser's line count: one problem, on a line of the file", () => {
    expect(problemsOf({ 'dev.yaml': `  x: *undefined\n${MINIMAL_ENVIRONMENT}` })).toEqual([
      'cfg/dev.yaml:2:1 (file): YAML: Unexpected scalar at node end',
    ]);
  });

  it('a value 200,000 characters long under a key of 200 characters: both are excerpts', () => {
    const [line] = problemsOf({ 'dev.yaml': `${MINIMAL_ENVIRONMENT}monitoring: { ${'A'.repeat(200)}: ${'x'.repeat(200_000)} }\n` });
    expect(
      line!.startsWith(
        `cfg/dev.yaml:10:15 monitoring.${'A'.repeat(60)}...: unknown key "${'A'.repeat(60)}... (200 characters)"; valid keys here: alarmEmails,`,
      ),
    ).toBe(true);
    expect(line!.length).toBeLessThan(400);
  });
});

describe('values that become one Terraform address', () => {
  it('are refused where two spellings meet (a.b and a-b), and a repeat where a list makes one resource per entry', () => {
    const monitoring = `${MINIMAL_ENVIRONMENT}monitoring: { alarmEmails: [ops.team@example.com, ops-team@example.com] }\n`;
    expect(problemsOf({ 'dev.yaml': monitoring })).toEqual([
      'cfg/dev.yaml:10:51 monitoring.alarmEmails.1: ops-team@example.com and ops.team@example.com would be one resource in Terraform (their addresses are the same); list one of them',
    ]);
    const cidrs = `${MINIMAL_ENVIRONMENT}loadBalancer: { allowedCidrs: [10.0.0.0/8, 10.0.0.0/8] }\n`;
    expect(problemsOf({ 'dev.yaml': cidrs })).toEqual([
      'cfg/dev.yaml:10:44 loadBalancer.allowedCidrs.1: 10.0.0.0/8 is listed twice; list it once',
    ]);
  });

  it('refuses routing hosts whose DNS records would share an address', () => {
    const text = withService(
      'dns: { hostedZoneId: Z0123456789ABCDEFGHIJ }\n',
      '    port: 80\n    routing: { hosts: [a.b.example.com, a-b.example.com], priority: 1 }\n',
    );
    expect(problemsOf({ 'dev.yaml': text })).toEqual([
      'cfg/dev.yaml:16:41 services.api.routing.hosts.1: a-b.example.com and a.b.example.com would get one DNS record address in Terraform; route one of them only',
    ]);
  });
});
