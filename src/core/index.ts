/**
 * The core API: the one code path under every front end (the CLI, the cdktf
 * app, the GitOps controller, cost and diagram). Front ends import this file
 * and nothing below it (modules-tests/layers.test.ts enforces it). Nothing
 * here writes to the console or exits the process: results are returned,
 * progress is emitted as events.
 */
export { loadEnvironments, selectEnvironments, type LoadedEnvironment } from './environments';
export { synthesize, synthesizeEnvironment, synthesizeToDir, type SynthesizedStack } from './synthesize';
export { synthesizeApp } from '../stacks/app';
export { evaluateGuardrails, formatReport, type GuardrailReport } from './guardrails';
export {
  sandboxSettings, terraformCliDir, terraformSettings, TerraformWorkspace,
  type CommandResult, type StateLock, type TerraformSettings,
} from './terraform';
export { TerraformMissingError } from '../terraform/run';
export { applyEnvironmentPlan, environmentWorkDir, planEnvironment, planStack, type EnvironmentPlan } from './plan-environment';
export { actionOf, destructiveChanges, formatSummary, hasChanges, STATEFUL_TYPES, summarizePlan, summarizePlanText, type PlanAddresses, type PlanJson, type PlanSummary } from './plan-summary';
export { checkTerraform, type StackCheck } from './check-terraform';
export { IGNORE_EVENTS, type CoreEvent, type CoreListener, type CoreStep } from './events';
export { ConfigError, formatProblem, type Problem } from '../config/problems';
export { isProductionName, type EnvironmentConfig } from '../config/resolve';
export { NAME_PATTERN as ENVIRONMENT_NAME } from '../config/schema';
export { environmentJsonSchema, SCHEMA_FILE } from '../config/json-schema';
export { bootstrapStackName } from '../stacks/bootstrap-stack';
export { hasAwsCredentials } from './aws-credentials';
