/**
 * Issue 28's seed systems run whole as configurations: the multi-service
 * system (seven services in three environments, its Redis, a scheduled
 * reindexer, queue workers) in fixtures/seed-services; the Next.js storefront
 * with its upload bucket and cache is fixtures/workloads (caches.test.ts,
 * buckets.test.ts). .ci/run plans both with real Terraform.
 */
import { synthesizedFixture } from '../support/synth-cache';
import { containersOf, only } from '../support/workloads-fixture';

const SEED = 'test/fixtures/seed-services';
const stacks = new Map(
  synthesizedFixture(SEED)
    .filter((s) => s.environment)
    .map((s) => [s.environment!, JSON.parse(s.json)]),
);

describe('the multi-service seed system', () => {
  it('has its seven services in each of dev, staging and prod', () => {
    expect([...stacks.keys()].sort()).toEqual(['dev', 'prod', 'staging']);
    for (const stack of stacks.values()) expect(Object.keys(stack.resource.aws_ecs_service)).toHaveLength(7);
  });

  it('gives the services that read Redis its host, port and AUTH token, and no other service', () => {
    const prod = stacks.get('prod')!;
    for (const service of ['gateway', 'catalog', 'orders', 'accounts']) {
      const [app] = containersOf(prod, service);
      expect(app.environment.map((e: { name: string }) => e.name)).toEqual(
        expect.arrayContaining(['CACHE_CACHE_HOST', 'CACHE_CACHE_PORT']),
      );
      expect(app.secrets.map((s: { name: string }) => s.name)).toContain('CACHE_CACHE_AUTH_TOKEN');
    }
    for (const service of ['web', 'notifier', 'indexer']) {
      expect(containersOf(prod, service)[0].environment.map((e: { name: string }) => e.name)).not.toContain('CACHE_CACHE_HOST');
    }
    // Production: a replica with automatic failover, Multi-AZ and encryption; dev one node.
    const [, group] = only(prod, 'aws_elasticache_replication_group', '');
    expect(group).toMatchObject({
      engine: 'redis',
      automatic_failover_enabled: true,
      multi_az_enabled: true,
      at_rest_encryption_enabled: 'true',
      transit_encryption_enabled: true,
      num_cache_clusters: 2,
    });
    expect(only(stacks.get('dev')!, 'aws_elasticache_replication_group', '')[1].num_cache_clusters).toBe(1);
  });

  it('reindexes on its schedule and scales its queue workers on the backlog', () => {
    const prod = stacks.get('prod')!;
    const [, schedule] = only(prod, 'aws_scheduler_schedule', '');
    expect(schedule).toMatchObject({ schedule_expression: 'cron(30 2 * * ? *)', schedule_expression_timezone: 'Europe/Berlin' });
    const queues = Object.values<any>(prod.resource.aws_sqs_queue)
      .map((q) => q.name)
      .sort();
    expect(queues).toEqual(expect.arrayContaining(['market-prod-events', 'market-prod-events-dlq']));
    const targets = Object.values<any>(prod.resource.aws_appautoscaling_target).map((t) => [t.resource_id, t.min_capacity]);
    expect(targets).toEqual(
      expect.arrayContaining([
        [expect.stringContaining('service-notifier_'), 0],
        [expect.stringContaining('service-indexer_'), 0],
      ]),
    );
  });
});
