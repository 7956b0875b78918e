/** How the operations commands (status, logs, exec, scale, rollout) report: one line per failure the user can act on, exit 1. */
import type { AwsClients, EnvironmentTarget } from '../core/index';
import { core } from './core';
import { EXIT } from './exit-codes';
import { exitOnUserError } from './report';
import { stderrColour } from './style';
import { writeAllSync } from './sync-output';

/** The options every operations command takes. */
export interface EnvironmentOptions {
  readonly config: string;
  readonly env: string;
}

/**
 * Loads the environment (config problems as usual), makes the AWS clients
 * and runs `work`; an OperationError (no credentials, no network, a refusal,
 * a failed rollout) is its one line on stderr and exit 1, never a stack trace.
 */
export async function withAws<T>(
  options: EnvironmentOptions,
  work: (target: EnvironmentTarget, clients: AwsClients) => Promise<T>,
): Promise<T> {
  const { awsClients, closeClients, loadEnvironmentTarget, OperationError } = core();
  const target = exitOnUserError(() => loadEnvironmentTarget(options.config, options.env));
  let clients: AwsClients | undefined;
  try {
    clients = awsClients(target.region);
    return await work(target, clients);
  } catch (error) {
    if (error instanceof OperationError) exitWith(error.message);
    throw error;
  } finally {
    if (clients) closeClients(clients);
  }
}

/** Runs `work` (no AWS call); an OperationError is one line on stderr and exit 1. */
export function orExit<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof core().OperationError) exitWith(error.message);
    throw error;
  }
}

function exitWith(message: string): never {
  writeAllSync(2, `${stderrColour('red', message)}\n`);
  process.exit(EXIT.userError);
}
