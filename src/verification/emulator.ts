/**
 * The AWS API emulator of the project's own checks: the product's launcher
 * (src/terraform/emulator-server.ts, moto from the checkout's .venv, which
 * scripts/setup-tools.sh installs), reached through the core like every
 * front end.
 */
export {
  startEmulator,
  type Emulator,
  type EmulatorClientSettings,
  type EmulatorOptions,
  type ExistingCertificate,
  type HostedZone,
} from '../core/index';
