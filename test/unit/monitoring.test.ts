/** Observability: the alert topic, alarms on every resource, the dashboard, log retention and encryption. */
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { MINIMAL_ENVIRONMENT, configOf, exampleConfigs, resourcesOf, synthEnvironment } from '../support/helpers';

const stacks = Object.fromEntries(exampleConfigs().map((config) => [config.environment, { config, json: synthEnvironment(config) }]));
const prod = stacks.prod!.json;
const dev = stacks.dev!.json;

const alarmsOf = (stack: string) => Object.values(resourcesOf(stack, 'aws_cloudwatch_metric_alarm'));
const alarmNamed = (stack: string, name: string) => alarmsOf(stack).find((a) => a.alarm_name === name);

describe('alert topic', () => {
  it('is encrypted with a rotated customer key that CloudWatch may use', () => {
    const [keyId, key] = Object.entries(resourcesOf(prod, 'aws_kms_key')).find(([, k]) => k.description === 'shop-prod alert topic')!;
    expect(key.enable_key_rotation).toBe(true);
    expect(JSON.parse(key.policy).Statement[1]).toMatchObject({
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    });
    expect(prod).toHaveResourceWithProperties(SnsTopic, { name: 'shop-prod-alerts', kms_master_key_id: `\${aws_kms_key.${keyId}.arn}` });
  });

  it('lets CloudWatch alarms of this account publish', () => {
    const [policy] = Object.values(resourcesOf(prod, 'aws_sns_topic_policy'));
    expect(JSON.parse(policy.policy).Statement[0]).toEqual({
      Sid: 'CloudWatchAlarmsPublish',
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Resource: 'arn:aws:sns:eu-west-1:123456789012:shop-prod-alerts',
      Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
    });
  });

  it('subscribes every alarm email', () => {
    expect(prod).toHaveResourceWithProperties(SnsTopicSubscription, { protocol: 'email', endpoint: 'oncall@shop.example.com' });
  });
});

describe.each(Object.keys(stacks))('alarms of %s', (environment) => {
  const { config, json } = stacks[environment]!;
  const alarms = alarmsOf(json);
  const topicId = Object.keys(resourcesOf(json, 'aws_sns_topic'))[0];

  it('all notify the encrypted topic on alarm and on recovery, with a deliberate missing-data treatment', () => {
    expect(alarms.length).toBeGreaterThan(0);
    for (const alarm of alarms) {
      expect(alarm.alarm_actions).toEqual([`\${aws_sns_topic.${topicId}.arn}`]);
      expect(alarm.ok_actions).toEqual([`\${aws_sns_topic.${topicId}.arn}`]);
      expect(['breaching', 'notBreaching']).toContain(alarm.treat_missing_data);
    }
  });

  it('have unique names that say environment, resource and condition', () => {
    const names = alarms.map((a) => a.alarm_name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names)
      expect(name).toMatch(new RegExp(`^shop-${environment}-(service|alb|db|table)-[a-z0-9-]+-(high|low|minimum|hosts|throttled)$`));
  });

  it('cover every service, routed service, load balancer, database and table', () => {
    const names = alarms.map((a) => a.alarm_name);
    for (const service of Object.values(config.services)) {
      expect(names).toEqual(
        expect.arrayContaining([
          `shop-${environment}-service-${service.name}-cpu-high`,
          `shop-${environment}-service-${service.name}-memory-high`,
        ]),
      );
      if (service.routing) {
        expect(names).toEqual(
          expect.arrayContaining(
            ['target-5xx-high', 'response-time-high', 'unhealthy-hosts'].map((c) => `shop-${environment}-service-${service.name}-${c}`),
          ),
        );
      }
    }
    expect(names).toContain(`shop-${environment}-alb-elb-5xx-high`);
    for (const db of Object.keys(config.databases)) {
      expect(names).toEqual(
        expect.arrayContaining(
          ['cpu-high', 'free-storage-low', 'freeable-memory-low', 'connections-high'].map((c) => `shop-${environment}-db-${db}-${c}`),
        ),
      );
    }
    for (const table of Object.keys(config.dynamodb)) {
      expect(names).toEqual(
        expect.arrayContaining([`shop-${environment}-table-${table}-read-throttled`, `shop-${environment}-table-${table}-write-throttled`]),
      );
    }
  });
});

describe('alarm thresholds', () => {
  it('takes thresholds from monitoring.thresholds, overridden per service', () => {
    expect(alarmNamed(prod, 'shop-prod-service-api-cpu-high')).toMatchObject({
      threshold: 90,
      namespace: 'AWS/ECS',
      metric_name: 'CPUUtilization',
      dimensions: { ClusterName: 'shop-prod', ServiceName: 'api' },
    });
    expect(alarmNamed(prod, 'shop-prod-service-web-cpu-high')).toMatchObject({ threshold: 80 });
    expect(alarmNamed(prod, 'shop-prod-service-api-response-time-high')).toMatchObject({ threshold: 2, metric_name: 'TargetResponseTime' });
    expect(alarmNamed(prod, 'shop-prod-db-main-free-storage-low')).toMatchObject({
      threshold: 5 * 1024 ** 3,
      comparison_operator: 'LessThanThreshold',
      treat_missing_data: 'breaching',
    });
  });

  it('counts running tasks with Container Insights where it is on, against the lowest floor', () => {
    expect(alarmNamed(prod, 'shop-prod-service-api-tasks-below-minimum')).toMatchObject({
      namespace: 'ECS/ContainerInsights',
      metric_name: 'RunningTaskCount',
      threshold: 3,
      comparison_operator: 'LessThanThreshold',
      treat_missing_data: 'breaching',
    });
    expect(alarmNamed(dev, 'shop-dev-service-web-tasks-below-minimum')).toMatchObject({
      namespace: 'AWS/ECS',
      metric_name: 'CPUUtilization',
      statistic: 'SampleCount',
      threshold: 1,
    });
  });

  it('has no running-task alarm for a service scheduled down to zero', () => {
    expect(alarmNamed(dev, 'shop-dev-service-api-tasks-below-minimum')).toBeUndefined();
  });
});

describe('dashboard', () => {
  const [dashboard] = Object.values(resourcesOf(prod, 'aws_cloudwatch_dashboard'));
  const body = JSON.parse(dashboard.dashboard_body);
  const metricWidgets = body.widgets.filter((w: any) => w.type === 'metric');
  const [lbId] = Object.keys(resourcesOf(prod, 'aws_lb'));
  const [db] = Object.values(resourcesOf(prod, 'aws_db_instance'));
  const [table] = Object.values(resourcesOf(prod, 'aws_dynamodb_table'));
  const validDimensions: Record<string, string[]> = {
    ClusterName: Object.values(resourcesOf(prod, 'aws_ecs_cluster')).map((cluster) => cluster.name),
    ServiceName: Object.keys(stacks.prod!.config.services),
    LoadBalancer: [`\${aws_lb.${lbId}.arn_suffix}`],
    DBInstanceIdentifier: [db.identifier],
    TableName: [table.name],
    // The web application firewall, on by default in production: its web ACL, all rules, in the region.
    WebACL: [stacks.prod!.config.loadBalancer.waf.webAclName],
    Region: ['eu-west-1'],
    Rule: ['ALL'],
  };

  it('draws every metric with a namespace, a name, real dimensions and the region', () => {
    expect(metricWidgets.length).toBeGreaterThan(0);
    for (const widget of metricWidgets) {
      expect(widget.properties.region).toBe('eu-west-1');
      for (const row of widget.properties.metrics) {
        const [namespace, metricName, ...rest] = row;
        expect(namespace).toMatch(/^(AWS\/(ECS|ApplicationELB|RDS|DynamoDB|WAFV2)|ECS\/ContainerInsights)$/);
        expect(metricName).toMatch(/^[A-Za-z0-9_]+$/);
        const options = rest.pop();
        expect(options.stat).toMatch(/^(Average|Sum|Maximum|Minimum|SampleCount)$/);
        expect(rest.length % 2).toBe(0);
        expect(rest.length).toBeGreaterThan(0);
        for (let i = 0; i < rest.length; i += 2) expect(validDimensions[rest[i]]).toContain(rest[i + 1]);
      }
    }
  });

  it('shows the load balancer and every service, database and table (and the production firewall)', () => {
    const headings = body.widgets.filter((w: any) => w.type === 'text').map((w: any) => w.properties.markdown);
    expect(headings).toEqual([
      '## Load balancer',
      '## Service web',
      '## Service api',
      '## Service worker',
      '## Database main',
      '## Table sessions',
      '## Web application firewall',
    ]);
    const servicesDrawn = new Set(
      metricWidgets
        .flatMap((w: any) => w.properties.metrics)
        .filter((row: any[]) => row.includes('ServiceName'))
        .map((row: any[]) => row[row.indexOf('ServiceName') + 1]),
    );
    expect([...servicesDrawn].sort()).toEqual(['api', 'web', 'worker']);
  });

  it('is absent when monitoring.dashboard is false, or when there is nothing to draw', () => {
    expect(resourcesOf(dev, 'aws_cloudwatch_dashboard')).toEqual({});
    expect(resourcesOf(synthEnvironment(configOf(MINIMAL_ENVIRONMENT)), 'aws_cloudwatch_dashboard')).toEqual({});
  });
});

describe('log groups', () => {
  it.each(Object.keys(stacks))('all have a retention in %s', (environment) => {
    for (const group of Object.values(resourcesOf(stacks[environment]!.json, 'aws_cloudwatch_log_group'))) {
      expect(group.retention_in_days).toBeGreaterThan(0);
    }
  });

  it('are all encrypted with the customer key in production', () => {
    const [keyId] = Object.entries(resourcesOf(prod, 'aws_kms_key')).find(([, k]) => k.description.includes('CloudWatch Logs'))!;
    const groups = Object.values(resourcesOf(prod, 'aws_cloudwatch_log_group'));
    expect(groups.length).toBeGreaterThan(5);
    for (const group of groups) expect(group.kms_key_id).toBe(`\${aws_kms_key.${keyId}.arn}`);
  });

  it("use CloudWatch's own encryption in staging, where no exec session needs a key", () => {
    for (const group of Object.values(resourcesOf(stacks.staging!.json, 'aws_cloudwatch_log_group')))
      expect(group.kms_key_id).toBeUndefined();
  });
});
