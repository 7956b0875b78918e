import { defineRule, referencing, resources } from '../rule';

export const vpcFlowLogs = defineRule(__filename, {
  description: 'VPCs log their traffic',
  scannerIds: ['CKV2_AWS_11'],
  scope: 'all',
  fix: 'set network.flowLogs: true',
  check: (stack) =>
    resources(stack, 'aws_vpc')
      .filter((vpc) => referencing(stack, 'aws_flow_log', 'vpc_id', vpc).length === 0)
      .map((vpc) => ({ address: vpc.address, message: 'no flow log' })),
});
