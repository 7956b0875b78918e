/** `monitoring`: alarm emails, thresholds, which alarms exist, the dashboard and the alert topic. */
import { z } from 'zod';
import { computedDefault } from './schema-defaults';
import { nonNegativeInt, percent, positiveInt } from './schema-values';
import { strictObject } from './strict-object';
import { addressPart, uniqueList } from './value-checks';

export const monitoringSchema = strictObject({
  alarmEmails: uniqueList(z.email('not an email address'), addressPart)
    .default([])
    .describe('Each gets an email subscription to the alert topic, to confirm by mail'),
  thresholds: strictObject({
    cpuPercent: percent.default(80).describe('Service CPU percent'),
    memoryPercent: percent.default(80).describe('Service memory percent'),
    http5xxPerMinute: nonNegativeInt.default(10).describe('Load balancer 5XX responses a minute per service'),
    targetResponseTimeSeconds: z.number().positive().default(2).describe('Average response time in seconds'),
    databaseCpuPercent: percent.default(80).describe('Database CPU percent'),
    databaseFreeStorageGiB: z.number().positive().default(5).describe('Alarm below this free database storage'),
    databaseFreeMemoryMiB: z.number().positive().default(256).describe('Alarm below this freeable database memory'),
    databaseConnections: positiveInt.default(100).describe('Alarm above this many database connections'),
    cacheCpuPercent: percent.default(80).describe('Cache engine CPU percent, per node'),
    cacheMemoryPercent: percent.default(80).describe('Cache memory used percent, per node'),
  })
    .prefault({})
    .describe('Alarm thresholds of every service and database (per service: services.<name>.alarms)'),
  dashboard: z
    .boolean()
    .default(true)
    .describe("A CloudWatch dashboard of the environment's services, load balancer, databases, tables, caches and firewall"),
  alarms: strictObject({
    enabled: z
      .boolean()
      .default(true)
      .describe('false: no alarms and no alert topic in this environment; production needs a waiver of alarms-enabled'),
    services: z.boolean().default(true).describe('CPU, memory and running-task alarms per service'),
    targets: z.boolean().default(true).describe('5XX, response-time and unhealthy-host alarms per routed service'),
    loadBalancer: z.boolean().default(true).describe("The load balancer's own 5XX alarm"),
    databases: z.boolean().default(true).describe('CPU, storage, memory and connection alarms per database'),
    tables: z.boolean().default(true).describe('Throttle alarms per table'),
    caches: z.boolean().default(true).describe('Engine CPU, memory and eviction alarms per cache node'),
  })
    .prefault({})
    .describe('Which alarms the environment creates; synth prints how many'),
  topicArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, 'an SNS topic ARN looks like arn:aws:sns:REGION:ACCOUNT:NAME')
    .optional()
    .describe('Send alarms to this existing SNS topic (same region) instead of creating <prefix>-alerts')
    .meta(computedDefault('a topic is created')),
});
