/** `cluster`: Container Insights and the capacity strategy services and jobs inherit. */
import { z } from 'zod';
import { nonNegativeInt } from './schema-values';
import { strictObject } from './strict-object';

/** A capacity strategy: all on-demand, all Spot, or a mix with weights and one base. */
export const capacitySchema = z.union([
  z.enum(['onDemand', 'spot']),
  strictObject({
    onDemandBase: nonNegativeInt.max(100000).default(0).describe('Tasks always on FARGATE before the weights apply; one base at most'),
    spotBase: nonNegativeInt.max(100000).default(0).describe('Tasks always on FARGATE_SPOT before the weights apply; one base at most'),
    onDemandWeight: nonNegativeInt.max(1000).default(1).describe('Share of the remaining tasks on FARGATE'),
    spotWeight: nonNegativeInt.max(1000).default(1).describe('Share of the remaining tasks on FARGATE_SPOT; a weight above 0 in all'),
  }).superRefine((c, ctx) => {
    if (c.onDemandBase > 0 && c.spotBase > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['spotBase'],
        message: 'only one capacity provider may have a base; set onDemandBase or spotBase, not both',
      });
    }
    if (c.onDemandWeight + c.spotWeight === 0) {
      ctx.addIssue({ code: 'custom', path: ['spotWeight'], message: 'at least one of onDemandWeight and spotWeight must be above 0' });
    }
  }),
]);

export const clusterSchema = strictObject({
  containerInsights: z.boolean().default(true).describe('CloudWatch Container Insights on the cluster'),
  capacity: capacitySchema
    .default('onDemand')
    .describe('onDemand (FARGATE only), spot (FARGATE_SPOT only), or { onDemandBase, spotBase, onDemandWeight, spotWeight }'),
});

export type Capacity = z.output<typeof capacitySchema>;
