/** Runs every guardrail over a synthesized environment and applies its waivers. */
import { RULES } from './index';
import type { Finding, GuardrailRule, StackJson } from './rule';

export interface RuleResult {
  readonly rule: GuardrailRule;
  /** `skipped`: a production rule in a non-production environment. */
  readonly status: 'pass' | 'fail' | 'waived' | 'skipped';
  readonly findings: readonly Finding[];
  /** The waiver's reason, when waived. */
  readonly reason?: string;
}

export interface GuardrailReport {
  readonly environment: string;
  readonly production: boolean;
  readonly results: readonly RuleResult[];
  /** Waivers of rules that pass anyway: worth removing. */
  readonly unneededWaivers: readonly string[];
  readonly failed: boolean;
}

export interface GuardrailInput {
  readonly environment: string;
  readonly production: boolean;
  /** Rule ID -> reason (guardrails.waivers). */
  readonly waivers: Readonly<Record<string, string>>;
  readonly stack: StackJson;
}

export function runGuardrails(input: GuardrailInput, rules: readonly GuardrailRule[] = RULES): GuardrailReport {
  const results = rules.map((rule): RuleResult => {
    if (rule.scope === 'production' && !input.production) return { rule, status: 'skipped', findings: [] };
    const findings = rule.check(input.stack, { production: input.production });
    const reason = input.waivers[rule.id];
    if (findings.length === 0) return { rule, status: 'pass', findings };
    return reason !== undefined ? { rule, status: 'waived', findings, reason } : { rule, status: 'fail', findings };
  });
  const unneededWaivers = Object.keys(input.waivers).filter((id) => results.find((r) => r.rule.id === id)?.status !== 'waived');
  return { environment: input.environment, production: input.production, results, unneededWaivers, failed: results.some((r) => r.status === 'fail') };
}

/** The report as lines: a summary, then every failure with its fix, every waiver with its reason. */
export function formatReport(report: GuardrailReport): string[] {
  const count = (status: RuleResult['status']) => report.results.filter((r) => r.status === status).length;
  const lines = [`${report.environment}${report.production ? ' (production)' : ''}: ${count('pass')} passed, ${count('fail')} failed, ${count('waived')} waived, ${count('skipped')} production-only skipped`];
  for (const result of report.results) {
    const scanners = result.rule.scannerIds.length ? ` [${result.rule.scannerIds.join(', ')}]` : '';
    if (result.status === 'fail') {
      for (const finding of result.findings) lines.push(`  FAIL ${result.rule.id}${scanners} ${finding.address}: ${finding.message}; fix: ${result.rule.fix}`);
    }
    if (result.status === 'waived') {
      lines.push(`  WAIVED ${result.rule.id}${scanners}: ${result.reason} (${result.findings.length} finding(s): ${result.findings.map((f) => f.message).join('; ')})`);
    }
  }
  for (const id of report.unneededWaivers) lines.push(`  NOTE waiver ${id} is not needed here: the rule passes or does not apply; remove it`);
  return lines;
}
