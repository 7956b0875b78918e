/**
 * Where an online plan's S3 backend points, when not at AWS itself: an
 * S3-compatible store or local servers, named by environment variables and
 * passed to `terraform init` as `-backend-config` overrides of the stack's
 * own backend block (which stays as generated).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The S3 endpoint URL (`endpoints.s3`). */
export const S3_ENDPOINT_VARIABLE = 'PLATFORM_BACKEND_S3_ENDPOINT';
/** The DynamoDB endpoint URL of the lock table (`endpoints.dynamodb`). */
export const DYNAMODB_ENDPOINT_VARIABLE = 'PLATFORM_BACKEND_DYNAMODB_ENDPOINT';
/** A backend configuration file (`key = value` lines, Terraform's `-backend-config=FILE`): path style, skipped AWS checks, keys. */
export const BACKEND_CONFIG_VARIABLE = 'PLATFORM_BACKEND_CONFIG';

export interface BackendOverrides {
  /** `-backend-config` values: the file first, then the endpoints. */
  readonly backendConfig: string[];
  /** What is overridden, for the log; empty when nothing is. */
  readonly description: string;
}

/**
 * The overrides the environment asks for. A value that cannot work (an
 * endpoint that is not an http(s) URL, a file that does not exist, endpoints
 * both in the file and in the variables) is an error naming the variable and
 * the fix.
 */
export function backendOverrides(env: NodeJS.ProcessEnv): BackendOverrides {
  const backendConfig: string[] = [];
  const described: string[] = [];
  const file = env[BACKEND_CONFIG_VARIABLE];
  if (file) {
    const path = resolve(file);
    if (!existsSync(path))
      throw new Error(
        `${BACKEND_CONFIG_VARIABLE}=${file}: no such file; point it at a backend configuration file (key = value lines, for example use_path_style = true) or unset it`,
      );
    backendConfig.push(path);
    described.push(`settings from ${path}`);
  }
  const endpoints = (
    [
      ['s3', S3_ENDPOINT_VARIABLE],
      ['dynamodb', DYNAMODB_ENDPOINT_VARIABLE],
    ] as const
  )
    .filter(([, variable]) => env[variable])
    .map(([service, variable]) => [service, endpointUrl(variable, env[variable]!)] as const);
  if (endpoints.length > 0) {
    // -backend-config replaces the endpoints object whole: one source for it, or the other endpoint would be lost unseen.
    if (file && /^\s*endpoints\s*=/m.test(readFileSync(resolve(file), 'utf8'))) {
      throw new Error(
        `${BACKEND_CONFIG_VARIABLE}=${file} sets endpoints, and so does ${endpoints.map(([, url]) => url).join(', ')} from the environment: set them in one place (unset ${S3_ENDPOINT_VARIABLE}/${DYNAMODB_ENDPOINT_VARIABLE}, or remove endpoints from the file)`,
      );
    }
    backendConfig.push(`endpoints={${endpoints.map(([service, url]) => `${service}=${JSON.stringify(url)}`).join(',')}}`);
    described.push(...endpoints.map(([service, url]) => `${service} at ${url}`));
  }
  return { backendConfig, description: described.length > 0 ? `S3 backend overrides: ${described.join(', ')}` : '' };
}

function endpointUrl(variable: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    url = new URL('invalid:');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`${variable}=${value} is not an http(s) URL: set it to the endpoint, for example http://127.0.0.1:9000`);
  }
  return value;
}
