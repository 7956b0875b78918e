/**
 * Your tests of your environments: a starting point to copy and extend
 * (docs/testing-your-environments.md). They run in `npm test`, over
 * whatever environments the folder holds, so adding or renaming one needs
 * no change here. Import only from src/testing and the provider's types.
 */
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { resourcesOf, synthEnvironments } from '../src/testing/index';

const environments = synthEnvironments('environments');

describe.each(environments.map((e) => [e.name, e] as const))('environment %s', (_name, env) => {
  it('runs every configured service on Fargate (a launch type or FARGATE / FARGATE_SPOT capacity providers)', () => {
    const services = Object.values(resourcesOf(env.json, EcsService.tfResourceType));
    // Every configured service is there (a Teleport cluster adds its own two, teleport and teleport-agent).
    expect(services.map((s) => String(s.name)).filter((name) => Object.hasOwn(env.config.services, name))).toHaveLength(
      Object.keys(env.config.services).length,
    );
    for (const service of services) {
      const providers = ((service.capacity_provider_strategy ?? []) as { capacity_provider: string }[]).map((s) => s.capacity_provider);
      expect(service.launch_type === 'FARGATE' || (providers.length > 0 && providers.every((p) => p.startsWith('FARGATE')))).toBe(true);
    }
  });

  if (env.config.production) {
    it('keeps production data safe: Multi-AZ databases with deletion protection, tables with point-in-time recovery', () => {
      const databases = Object.values(resourcesOf(env.json, DbInstance.tfResourceType));
      expect(databases).toHaveLength(Object.keys(env.config.databases).length);
      for (const database of databases) expect(database).toMatchObject({ multi_az: true, deletion_protection: true });
      for (const table of Object.values(resourcesOf(env.json, DynamodbTable.tfResourceType))) {
        expect(table.point_in_time_recovery).toEqual({ enabled: true });
      }
    });
  }
});
