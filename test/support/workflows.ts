/** The workflows `init` writes, parsed (the unit and end-to-end workflow suites read them). */
import { parseDocument } from 'yaml';
import { workflowTemplates } from '../../src/cli/init-templates';

/** The workflows `init` writes, by file name, as src/cli/templates/workflows/ holds them. */
export const WORKFLOWS: Record<string, string> = workflowTemplates();

/** The actions the tests look for, by name (the workflows pin each by commit SHA: test/unit/workflows.test.ts checks it). */
export const ACTIONS = {
  awsCredentials: 'aws-actions/configure-aws-credentials',
  setupTerraform: 'hashicorp/setup-terraform',
  setupQemu: 'docker/setup-qemu-action',
  setupBuildx: 'docker/setup-buildx-action',
} as const;

export interface Step {
  id?: string;
  if?: string;
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}

export interface Job {
  needs?: string | string[];
  if?: string;
  environment?: string;
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  strategy?: { 'fail-fast'?: boolean; matrix: Record<string, unknown> };
  outputs?: Record<string, string>;
  steps: Step[];
}

export interface Workflow {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  jobs: Record<string, Job>;
}

export function parseWorkflow(name: string): Workflow {
  const document = parseDocument(WORKFLOWS[name]!, { uniqueKeys: true });
  if (document.errors.length > 0) throw new Error(`${name}: ${document.errors.map((e) => e.message).join('; ')}`);
  return document.toJS() as Workflow;
}

export const workflows = Object.fromEntries(Object.keys(WORKFLOWS).map((name) => [name, parseWorkflow(name)]));
export const allSteps = (workflow: Workflow) => Object.values(workflow.jobs).flatMap((job) => job.steps);
export const isAction = (step: Step, action: string) => step.uses?.split('@')[0] === action;
export const usesAction = (job: Job, action: string) => job.steps.some((s) => isAction(s, action));
export const ACTIONS_AWS_CREDENTIALS = ACTIONS.awsCredentials;
