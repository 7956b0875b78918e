/** Runs every guardrail over a synthesized environment and applies its waivers. */
import { RULES } from './index';
import { lastReadResource, startReading, type Finding, type GuardrailRule, type StackJson } from './rule';

export interface RuleResult {
  readonly rule: GuardrailRule;
  /** `skipped`: a production rule in a non-production environment. */
  readonly status: 'pass' | 'fail' | 'waived' | 'skipped';
  readonly findings: readonly Finding[];
  /** The waiver's reason, when waived. */
  readonly reason?: string;
  /** What the rule threw instead of returning its findings: the result fails, waiver or not. */
  readonly threw?: string;
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

/** Where a rule that threw was in the stack when it did: the resource it read last, else the stack as a whole. */
export const WHOLE_STACK = '(the whole stack)';

/**
 * Runs one rule. A rule that throws (a value it did not expect) does not
 * stop the others: like cdk-nag's rule errors, the throw becomes a finding of
 * that rule on the resource it was checking, and the rule fails, waived or
 * not, so that an unchecked stack never passes.
 */
function runRule(rule: GuardrailRule, input: GuardrailInput): RuleResult {
  if (rule.scope === 'production' && !input.production) return { rule, status: 'skipped', findings: [] };
  let findings: Finding[];
  try {
    startReading();
    findings = rule.check(input.stack, { production: input.production });
  } catch (error) {
    const threw = error instanceof Error ? error.message : String(error);
    return {
      rule,
      status: 'fail',
      threw,
      findings: [{ address: lastReadResource() ?? WHOLE_STACK, message: `the rule threw while checking it: ${threw}` }],
    };
  }
  const reason = input.waivers[rule.id];
  if (findings.length === 0) return { rule, status: 'pass', findings };
  return reason !== undefined ? { rule, status: 'waived', findings, reason } : { rule, status: 'fail', findings };
}

export function runGuardrails(input: GuardrailInput, rules: readonly GuardrailRule[] = RULES): GuardrailReport {
  const results = rules.map((rule) => runRule(rule, input));
  // A waiver of a rule that threw is not known to be unneeded: the rule did not finish.
  const unneededWaivers = Object.keys(input.waivers).filter(
    (id) => !results.some((r) => r.rule.id === id && (r.status === 'waived' || r.threw !== undefined)),
  );
  return {
    environment: input.environment,
    production: input.production,
    results,
    unneededWaivers,
    failed: results.some((r) => r.status === 'fail'),
  };
}

/** The report as lines: a summary, then every failure with its fix, every waiver with its reason. */
export function formatReport(report: GuardrailReport): string[] {
  const count = (status: RuleResult['status']) => report.results.filter((r) => r.status === status).length;
  const lines = [
    `${report.environment}${report.production ? ' (production)' : ''}: ${count('pass')} passed, ${count('fail')} failed, ${count('waived')} waived, ${count('skipped')} production-only skipped`,
  ];
  for (const result of report.results) {
    const scanners = result.rule.scannerIds.length ? ` [${result.rule.scannerIds.join(', ')}]` : '';
    if (result.status === 'fail') {
      // A rule that threw has no fix to give: the fault is the rule's, not the stack's.
      const fix =
        result.threw === undefined ? `fix: ${result.rule.fix}` : 'a bug in the rule (src/guardrails/rules), not in the stack: report it';
      for (const finding of result.findings)
        lines.push(`  FAIL ${result.rule.id}${scanners} ${finding.address}: ${finding.message}; ${fix}`);
    }
    if (result.status === 'waived') {
      lines.push(
        `  WAIVED ${result.rule.id}${scanners}: ${result.reason} (${result.findings.length} finding(s): ${result.findings.map((f) => f.message).join('; ')})`,
      );
    }
  }
  for (const id of report.unneededWaivers)
    lines.push(`  NOTE waiver ${id} is not needed here: the rule passes or does not apply; remove it`);
  return lines;
}
