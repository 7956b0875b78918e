/** `--endpoint` of plan, apply and serve: an AWS API emulator instead of AWS (docs/apply-check.md). */
import { AWS_ENDPOINT_VARIABLE } from '../core/names';
import { core } from './core';
import { EXIT } from './exit-codes';

export interface EndpointFlags {
  readonly endpoint?: string;
  readonly offline?: boolean;
  readonly sandbox?: boolean;
}

/**
 * The emulator of --endpoint, else of PLATFORM_AWS_ENDPOINT (the operations
 * commands read it too). None with --offline or --sandbox: the variable is
 * then left unused, and --endpoint beside them is refused (exit 2), as is an
 * endpoint that is not an http(s) URL.
 */
export function emulatorOf(flags: EndpointFlags): string | undefined {
  if (flags.sandbox || flags.offline) {
    if (flags.endpoint)
      refuse(
        `--endpoint cannot go with ${flags.sandbox ? '--sandbox' : '--offline'}: a run against an emulator is online, against the emulator`,
      );
    return undefined;
  }
  const value = flags.endpoint ?? (process.env[AWS_ENDPOINT_VARIABLE] || undefined);
  if (value === undefined) return undefined;
  try {
    return core().emulatorEndpoint(value, flags.endpoint !== undefined ? '--endpoint' : AWS_ENDPOINT_VARIABLE);
  } catch (error) {
    return refuse((error as Error).message);
  }
}

function refuse(message: string): never {
  console.error(`refused: ${message}`);
  process.exit(EXIT.usage);
}
