/** What a working folder records of its Terraform process, and the S3 backend's lock ID read from Terraform's log. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { lockAbsent } from '../../src/core/terraform';
import { forgetProcess, lockFromLog, recordPath, recordProcess, runningTerraform } from '../../src/terraform/process-record';

const ID = '4011c8e1-8bed-a8f8-7fac-18d9507659df';
const OTHER = '9b2d6f10-0c1e-4a4b-8e7f-2f5f7c1d0a11';
/** Terraform 1.11's core log of an apply at INFO, as it names the S3 backend's lock (trimmed). */
const line = (what: string, id: string) =>
  `2026-12-06T06:12:36.577Z [INFO]  backend-s3: ${what}: tf_backend.lock.id=${id} tf_backend.lock.operation=OperationTypeApply tf_backend.operation=Lock`;

describe('the lock an S3 backend holds, from the apply log', () => {
  it('is the last lock taken and not released', () => {
    expect(
      lockFromLog(
        [
          line('Attempting to lock remote state (S3 Native and DynamoDB)...', ID),
          line('Locked remote state (S3 Native and DynamoDB)', ID),
        ].join('\n'),
      ),
    ).toBe(ID);
  });

  it('is none before the lock is taken, and none once it is released', () => {
    expect(lockFromLog(line('Attempting to lock remote state (S3 Native only)...', ID))).toBeUndefined();
    expect(
      lockFromLog([line('Locked remote state (DynamoDB only)', ID), line('Unlocked remote state (DynamoDB only)', ID)].join('\n')),
    ).toBeUndefined();
  });

  it('is not released by the release of another ID', () => {
    expect(
      lockFromLog([line('Locked remote state (S3 Native only)', ID), line('Unlocked remote state (S3 Native only)', OTHER)].join('\n')),
    ).toBe(ID);
  });
});

describe('force-unlock finding no lock', () => {
  it('is a lock already released: local, lock file, lock table, both', () => {
    expect(lockAbsent('Failed to unlock state: LocalState not locked')).toBe(true);
    expect(
      lockAbsent(
        "Failed to unlock state: unable to retrieve file from S3 bucket 'b' with key 'k.tflock': operation error S3: GetObject, https response error StatusCode: 404, NoSuchKey:",
      ),
    ).toBe(true);
    expect(lockAbsent(`Failed to unlock state: failed to retrieve lock info for lock ID "${ID}": unexpected end of JSON input`)).toBe(true);
  });

  it('is not another lock held in its place', () => {
    expect(lockAbsent(`Failed to unlock state: lock ID "${ID}" does not match existing lock ("${OTHER}")`)).toBe(false);
    expect(
      lockAbsent(
        `failed to unlock both S3 and DynamoDB: S3 error: NoSuchKey: , DynamoDB error: lock ID "${ID}" does not match existing lock ("${OTHER}")`,
      ),
    ).toBe(false);
    expect(lockAbsent('Failed to unlock state: AccessDenied')).toBe(false);
  });
});

describe('the Terraform process a working folder records', () => {
  const dir = mkdtempSync(join(tmpdir(), 'process-record-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is none when none was recorded, or once forgotten', () => {
    expect(runningTerraform(dir)).toBeUndefined();
    recordProcess(dir, process.pid, 'apply');
    forgetProcess(dir);
    expect(runningTerraform(dir)).toBeUndefined();
  });

  it('is not a live process that is not terraform (a reused process ID)', () => {
    // This process is node.
    recordProcess(dir, process.pid, 'apply');
    expect(runningTerraform(dir)).toBeUndefined();
  });

  it('is not a process of another host, nor a process that ended', () => {
    writeFileSync(
      recordPath(dir, 'terraform-process.json'),
      JSON.stringify({ pid: process.pid, host: `${hostname()}-other`, step: 'apply', startedAt: '2026-12-06T00:00:00.000Z' }),
    );
    expect(runningTerraform(dir)).toBeUndefined();
    // Beyond Linux's largest process ID.
    writeFileSync(
      recordPath(dir, 'terraform-process.json'),
      JSON.stringify({ pid: 4_194_305, host: hostname(), step: 'apply', startedAt: '2026-12-06T00:00:00.000Z' }),
    );
    expect(runningTerraform(dir)).toBeUndefined();
  });
});
