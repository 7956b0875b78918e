/**
 * The core API: the one code path under every front end (the CLI, the cdktf
 * app, the GitOps controller, cost and diagram). Front ends import this file
 * and nothing below it (test/e2e/layers.test.ts enforces it). Nothing
 * here writes to the console or exits the process: results are returned,
 * progress is emitted as events.
 */
export { loadEnvironments, selectEnvironments, selectStack, type LoadedEnvironment, type StackSelection } from './environments';
export {
  LOCK_FILE,
  synthesize,
  synthesizeEnvironment,
  synthesizeToDir,
  type SynthesizedStack,
  type SynthesizedToDir,
  type SynthesizeToDirOptions,
} from './synthesize';
export { alarmBreakdown, alarmCount, formatAlarmCount, FREE_TIER_ALARMS } from './alarm-count';
export { GuardrailError, writeStacks, type GuardrailMode, type WriteStacksOptions, type WrittenStacks } from './write-stacks';
export { DEFAULT_LOCK_PLATFORMS, lockProviders, type LockResult } from './provider-lock';
export { acceptAddresses, addressRecordDir, checkAddresses, staleRecords, stackAddresses, type AddressCheck } from './addresses';
export { evaluateGuardrails, formatReport, type GuardrailReport } from './guardrails';
export {
  lockAbsent,
  sandboxSettings,
  terraformCliDir,
  terraformSettings,
  TerraformWorkspace,
  type CommandResult,
  type StateLock,
  type TerraformProcess,
  type TerraformSettings,
} from './terraform';
export { TerraformMissingError } from '../terraform/run';
export { EMULATED_SERVICES, EMULATOR_CREDENTIALS, emulatorEndpoint } from '../terraform/emulator';
export {
  EMULATOR_PYTHON_VARIABLE,
  emulatorPython,
  existingResourcesOf,
  startEmulator,
  type Emulator,
  type EmulatorClientSettings,
  type EmulatorOptions,
  type ExistingCertificate,
  type HostedZone,
} from '../terraform/emulator-server';
export {
  changedAttributes,
  DIFF_GAPS,
  diffGapOf,
  STAND_IN_GAPS,
  standInsOf,
  type DiffGap,
  type PlannedResourceChange,
  type StandInGap,
} from '../terraform/emulator-gaps';
export { baseStackAt, planAgainstBase, type BasePlan, type BaseStack, type EmulatorDifference } from './base-plan';
export { applyEnvironmentPlan, environmentWorkDir, planEnvironment, planStack, type EnvironmentPlan } from './plan-environment';
export {
  actionOf,
  changedAttributesFromText,
  destructiveChanges,
  formatSummary,
  hasChanges,
  reviewLines,
  STATEFUL_TYPES,
  summarizePlan,
  summarizePlanText,
  type AttributeChanges,
  type PlanAddresses,
  type PlanJson,
  type PlanSummary,
} from './plan-summary';
export { checkTerraform, type StackCheck } from './check-terraform';
export { changesOf, isReplacement, type PlannedChange } from './change-check';
export { changeScenarios, type ChangeScenario } from './change-scenarios';
export {
  backendOverrides,
  BACKEND_CONFIG_VARIABLE,
  DYNAMODB_ENDPOINT_VARIABLE,
  S3_ENDPOINT_VARIABLE,
  type BackendOverrides,
} from './backend-overrides';
export { IGNORE_EVENTS, type CoreEvent, type CoreListener, type CoreStep } from './events';
export { ConfigError, formatProblem, type Problem } from '../config/problems';
export { ValidationError } from '../validation-error';
export { isProductionName, type EnvironmentConfig } from '../config/resolve';
export { NAME_PATTERN as ENVIRONMENT_NAME } from '../config/schema';
export { defaultsJsonSchema, environmentJsonSchema, SCHEMA_FILES, writeSchemas } from '../config/json-schema';
export { bootstrapStackName } from '../stacks/bootstrap-stack';
export { hasAwsCredentials } from './aws-credentials';
export {
  compareCost,
  compareEstimates,
  estimateCost,
  estimateEnvironment,
  estimateLoaded,
  formatComparisonMarkdown,
  formatEstimateMarkdown,
  formatEstimateTable,
  PRICE_SOURCES,
  PRICES,
  PRICES_AS_OF,
  DEFAULT_ASSUMPTIONS,
  signedUsd,
  usd,
  type CostAssumptions,
  type CostComparison,
  type CostEstimate,
  type CostLine,
  type CostOptions,
  type EnvironmentDifference,
  type FreeTierUse,
  type LineDifference,
} from './cost';
export {
  DIAGRAM_FORMATS,
  diagramEnvironments,
  renderDiagram,
  type Diagram,
  type DiagramEdge,
  type DiagramFormat,
  type DiagramNode,
} from './diagram';
export {
  AWS_ENDPOINT_VARIABLE,
  awsClients,
  closeClients,
  OperationError,
  type AwsClientOptions,
  type AwsClients,
} from './operations/aws-clients';
export {
  containerOf,
  environmentTarget,
  jobTarget,
  loadEnvironmentTarget,
  serviceTarget,
  type EnvironmentTarget,
  type JobTarget,
  type ServiceTarget,
} from './operations/targets';
export { runJob, type RunJobResult } from './operations/run-job';
export { environmentStatus, type DeploymentStatus, type EnvironmentStatus, type ServiceStatus } from './operations/status';
export { fetchLogs, FOLLOW_LOOKBACK_MS, followLogs, formatLogEvent, parseSince, type LogEvent, type LogQuery } from './operations/logs';
export { execTarget, runExecSession, shellQuote, type ExecRequest, type ExecTarget } from './operations/exec';
export { scaleService, type ScaleResult } from './operations/scale';
export {
  deploymentOutcome,
  rolloutImage,
  rolloutImageProblem,
  RolloutError,
  withImage,
  type RolloutOptions,
  type RolloutResult,
} from './operations/rollout';
export { ciInfo, type CiInfo } from './operations/ci-info';
export { CONTROLLER_STACK, controllerNames, GITHUB_HOOK_CIDRS } from '../config/controller-schema';
export { githubTrust, resolveController, type ControllerConfig, type GithubTrust } from '../config/controller';
export {
  deployStatements,
  managementStatements,
  policyStatements,
  serviceRoleNames,
  wildcardWaiver,
  type ReasonedStatement,
} from '../stacks/management-policy';
export { siblingsOf } from './environments';
