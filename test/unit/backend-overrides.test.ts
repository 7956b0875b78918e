/**
 * `plan --online` pointed at an S3-compatible or local backend: the
 * environment variables become `-backend-config` overrides, or a clear error
 * (a real online plan through them: check-backend.test.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backendOverrides, BACKEND_CONFIG_VARIABLE, DYNAMODB_ENDPOINT_VARIABLE, S3_ENDPOINT_VARIABLE } from '../../src/core/index';

describe('backend overrides from the environment', () => {
  const dir = mkdtempSync(join(tmpdir(), 'backend-overrides-'));
  const file = join(dir, 'local.s3.tfbackend');
  writeFileSync(file, 'use_path_style = true\n');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('none when no variable is set', () => {
    expect(backendOverrides({})).toEqual({ backendConfig: [], description: '' });
  });

  it('the file first, then the endpoints as one object, and says what it overrides', () => {
    const overrides = backendOverrides({
      [BACKEND_CONFIG_VARIABLE]: file,
      [S3_ENDPOINT_VARIABLE]: 'http://127.0.0.1:9000',
      [DYNAMODB_ENDPOINT_VARIABLE]: 'https://ddb.internal:8000',
    });
    expect(overrides.backendConfig).toEqual([file, 'endpoints={s3="http://127.0.0.1:9000",dynamodb="https://ddb.internal:8000"}']);
    expect(overrides.description).toBe(
      `S3 backend overrides: settings from ${file}, s3 at http://127.0.0.1:9000, dynamodb at https://ddb.internal:8000`,
    );
    expect(backendOverrides({ [S3_ENDPOINT_VARIABLE]: 'http://minio:9000' }).backendConfig).toEqual(['endpoints={s3="http://minio:9000"}']);
  });

  it('refuse an endpoint that is not an http(s) URL, a missing file, and endpoints in two places', () => {
    expect(() => backendOverrides({ [S3_ENDPOINT_VARIABLE]: '127.0.0.1:9000' })).toThrow(
      `${S3_ENDPOINT_VARIABLE}=127.0.0.1:9000 is not an http(s) URL: set it to the endpoint, for example http://127.0.0.1:9000`,
    );
    expect(() => backendOverrides({ [DYNAMODB_ENDPOINT_VARIABLE]: 'ftp://x' })).toThrow(
      /^PLATFORM_BACKEND_DYNAMODB_ENDPOINT=ftp:\/\/x is not an http\(s\) URL/,
    );
    expect(() => backendOverrides({ [BACKEND_CONFIG_VARIABLE]: join(dir, 'missing.tfbackend') })).toThrow(
      /missing\.tfbackend: no such file; point it at a backend configuration file/,
    );
    const withEndpoints = join(dir, 'endpoints.tfbackend');
    writeFileSync(withEndpoints, 'endpoints = { s3 = "http://a" }\n');
    expect(() => backendOverrides({ [BACKEND_CONFIG_VARIABLE]: withEndpoints, [S3_ENDPOINT_VARIABLE]: 'http://b' })).toThrow(
      /sets endpoints, and so does http:\/\/b from the environment: set them in one place/,
    );
  });
});
