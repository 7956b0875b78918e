/**
 * The AWS SDK clients of the operations commands, loaded by the first call
 * that needs one: the other commands (validate, synth, plan), the cdktf app
 * and the tests that load the core never pay for the SDK (docs/package.md, Start-up).
 * The modules here import the SDK's types only.
 */
export const ecsSdk = (): typeof import('@aws-sdk/client-ecs') => require('@aws-sdk/client-ecs');
export const logsSdk = (): typeof import('@aws-sdk/client-cloudwatch-logs') => require('@aws-sdk/client-cloudwatch-logs');
export const schedulerSdk = (): typeof import('@aws-sdk/client-scheduler') => require('@aws-sdk/client-scheduler');
