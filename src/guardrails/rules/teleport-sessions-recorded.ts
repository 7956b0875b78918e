import { parse } from 'yaml';
import { defineRule, resources } from '../rule';

const RECORDED = ['node', 'proxy', 'node-sync', 'proxy-sync'];

export const teleportSessionsRecorded = defineRule(__filename, {
  description: 'Teleport records every session and keeps the recordings and audit events',
  scannerIds: [],
  scope: 'all',
  fix: 'set teleport.sessionRecording to node or proxy (off is not offered); keep audit_events_uri and audit_sessions_uri',
  check: (stack) =>
    resources(stack, 'aws_ssm_parameter').flatMap((p) => {
      let config: any;
      try {
        config = parse(String(p.values.value ?? ''));
      } catch {
        return [];
      }
      if (config?.version !== 'v3' || config?.auth_service?.enabled !== true) return [];
      const problems: string[] = [];
      const mode = config.auth_service.session_recording ?? 'node';
      if (!RECORDED.includes(mode)) problems.push(`session_recording is ${mode}`);
      const storage = config.teleport?.storage ?? {};
      if (!String(storage.audit_sessions_uri ?? '').startsWith('s3://')) problems.push('recordings do not go to S3 (audit_sessions_uri)');
      if (!(storage.audit_events_uri ?? []).some((uri: string) => /^dynamodb:\/\//.test(uri)))
        problems.push('audit events do not go to DynamoDB (audit_events_uri)');
      return problems.map((message) => ({ address: p.address, message }));
    }),
});
