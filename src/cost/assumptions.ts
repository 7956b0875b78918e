/**
 * What the estimate cannot read from the stack: traffic and stored data.
 * The `cost:` key of an environment sets them (src/config/schema.ts holds
 * the same defaults, described for editors); every estimate prints them.
 */
export interface CostAssumptions {
  /** GB processed by the NAT gateways a month, all of them together (default: 100). */
  readonly natGbPerMonth: number;
  /** Average requests per second through the load balancer (default: 5). */
  readonly albRequestsPerSecond: number;
  /** GB of logs ingested a day, every log group together (default: 1). */
  readonly logGbPerDay: number;
  /** Average reads per second of each on-demand DynamoDB table (default: 5). */
  readonly dynamodbReadsPerSecond: number;
  /** Average writes per second of each on-demand DynamoDB table, each also written to every index (default: 1). */
  readonly dynamodbWritesPerSecond: number;
  /** GB stored in each DynamoDB table (default: 1). */
  readonly dynamodbStorageGb: number;
  /** GB of images kept in each ECR repository (default: 1). */
  readonly ecrStorageGb: number;
  /** GB stored in each EFS file system, all in the standard class (default: 10). */
  readonly efsStorageGb: number;
  /** GB stored in each S3 bucket of the environment that is not the load balancer's access logs (default: 1). */
  readonly s3StorageGb: number;
  /** Million SQS requests a month of each queue (send, receive, delete; long polling keeps empty receives few) (default: 1). */
  readonly sqsRequestsMillionPerQueue: number;
  /** Minutes one run of a scheduled job takes (default: 10). */
  readonly jobRunMinutes: number;
  /** Fargate Spot's discount off on-demand, 0-1 (default: the region's in the price table, SPOT_DISCOUNT_SOURCE). */
  readonly spotDiscount: number;
}

/** Usage of one service that replaces the environment-wide assumptions (cost.overrides.services.NAME). */
export interface ServiceUsage {
  /** Tasks running on average, instead of the desired count and schedules. */
  readonly tasks?: number;
  /** Requests a second the load balancer routes to the service (the routed services without one share albRequestsPerSecond). */
  readonly requestsPerSecond?: number;
  /** GB of logs the service's log group ingests a day (the log groups without one share logGbPerDay). */
  readonly logGbPerDay?: number;
}

/** Per-resource usage, by the names teams give them in the environment file (cost.overrides). */
export interface UsageOverrides {
  readonly services?: Readonly<Record<string, ServiceUsage>>;
}

/** The defaults; spotDiscount's is the region's (see estimateStack). */
export const DEFAULT_ASSUMPTIONS: Omit<CostAssumptions, 'spotDiscount'> = {
  natGbPerMonth: 100,
  albRequestsPerSecond: 5,
  logGbPerDay: 1,
  dynamodbReadsPerSecond: 5,
  dynamodbWritesPerSecond: 1,
  dynamodbStorageGb: 1,
  ecrStorageGb: 1,
  efsStorageGb: 10,
  s3StorageGb: 1,
  sqsRequestsMillionPerQueue: 1,
  jobRunMinutes: 10,
};

/** One line per assumption, for people: `natGbPerMonth: 100 GB processed by the NAT gateways a month`. */
export const ASSUMPTION_TEXT: Readonly<Record<keyof CostAssumptions, string>> = {
  natGbPerMonth: 'GB processed by the NAT gateways a month (all together)',
  albRequestsPerSecond: 'requests a second through the load balancer',
  logGbPerDay: 'GB of logs ingested a day (all log groups together)',
  dynamodbReadsPerSecond: 'reads a second per on-demand table',
  dynamodbWritesPerSecond: 'writes a second per on-demand table (and each of its indexes)',
  dynamodbStorageGb: 'GB stored per table',
  ecrStorageGb: 'GB of images per repository',
  efsStorageGb: 'GB stored per file system',
  s3StorageGb: 'GB stored per bucket (not the access logs, priced from the requests)',
  sqsRequestsMillionPerQueue: 'million SQS requests a month per queue (dead-letter queues: none)',
  jobRunMinutes: 'minutes a scheduled job runs each time',
  spotDiscount: "Fargate Spot's discount off on-demand (default: the region's, from the price table's Spot source)",
};
