/**
 * Validation, guardrails and synthesis of one environment of a commit, in a
 * worker thread: synthesis is seconds of synchronous work, and the server
 * must answer webhooks meanwhile. The worker runs the core, as the CLI does.
 */
import { join, relative } from 'node:path';
import { parentPort, Worker } from 'node:worker_threads';
import type { CostEstimate, GuardrailReport, SynthesizedStack } from '../core/index';

export interface CompileRequest {
  /** The folder holding the commit's environment files. */
  readonly configDir: string;
  /** Problems name files relative to this folder (the repository root). */
  readonly relativeTo: string;
  /** The environment's file stem. */
  readonly environment: string;
  /**
   * The policy last applied made the environment production: when this
   * commit's file says otherwise, the guardrails are also checked as
   * production, and what only that check fails is reported
   * (`productionFailures`): a change cannot turn the production-only
   * guardrails off unseen.
   */
  readonly checkAsProduction?: boolean;
}

export interface EnvironmentFacts {
  readonly name: string;
  readonly production: boolean;
  readonly autoApply: boolean;
  readonly approvers: readonly string[];
  readonly allowForks: boolean;
  /** The guardrail rule IDs waived in guardrails.waivers. */
  readonly waivers: readonly string[];
}

export type CompileResult =
  | {
      readonly ok: true;
      readonly stack: SynthesizedStack;
      readonly facts: EnvironmentFacts;
      readonly warnings: readonly string[];
      /** The monthly cost estimate of the stack; absent for a region the price table lacks. */
      readonly cost?: CostEstimate;
      /** With checkAsProduction, for a file that is not production: the guardrails it fails only when checked as production. */
      readonly productionFailures?: readonly string[];
    }
  | { readonly ok: false; readonly problems: readonly string[]; readonly facts?: EnvironmentFacts };

/**
 * The policy facts of an environment without synthesizing it (the policy a
 * run is decided by, read at another commit): `found: false` when the
 * commit has no such environment, `problems` when its configuration does not load.
 */
export type FactsResult =
  | { readonly found: false }
  | { readonly found: true; readonly facts: EnvironmentFacts }
  | { readonly found: true; readonly problems: readonly string[] };

type Loaded = { readonly config: import('../core/index').EnvironmentConfig; readonly file: string };

function load(request: CompileRequest): { readonly environment?: Loaded; readonly problems?: string[] } {
  // Loaded here, not at the top: the main thread never needs the core's synthesis code.
  const core = require('../core/index') as typeof import('../core/index');
  const shown = (file: string) => relative(request.relativeTo, file);
  try {
    return { environment: core.loadEnvironments(request.configDir).find((e) => e.file.endsWith(`/${request.environment}.yaml`)) };
  } catch (error) {
    if (error instanceof core.ConfigError)
      return { problems: error.problems.map((p) => core.formatProblem({ ...p, file: shown(p.file) })) };
    throw error;
  }
}

function factsOf(config: Loaded['config']): EnvironmentFacts {
  return {
    name: config.environment,
    production: config.production,
    autoApply: config.gitops.autoApply,
    approvers: config.gitops.approvers,
    allowForks: config.gitops.allowForks,
    waivers: Object.keys(config.guardrails.waivers).sort(),
  };
}

/** The facts only (runs in the worker). */
export function readFacts(request: CompileRequest): FactsResult {
  const { environment, problems } = load(request);
  if (problems) return { found: true, problems };
  return environment ? { found: true, facts: factsOf(environment.config) } : { found: false };
}

/** The work itself (runs in the worker; exported for tests that call it directly). */
export function compileEnvironment(request: CompileRequest): CompileResult {
  const core = require('../core/index') as typeof import('../core/index');
  const shown = (file: string) => relative(request.relativeTo, file);
  const { environment, problems } = load(request);
  if (problems) return { ok: false, problems };
  if (!environment)
    return {
      ok: false,
      problems: [`${shown(request.configDir)}/${request.environment}.yaml:1:1 (file): no such environment file in this commit`],
    };
  const { config } = environment;
  const facts = factsOf(config);
  const stack = core.synthesizeEnvironment(config);
  const file = shown(environment.file);
  const failures = (report: GuardrailReport) => report.results.filter((r) => r.status === 'fail').map((r) => r.rule.id);
  const [report] = core.evaluateGuardrails([config], [stack]);
  if (report!.failed) {
    const problems = report!.results
      .filter((r) => r.status === 'fail')
      .flatMap((r) => r.findings.map((f) => `${file}:1:1 guardrails.${r.rule.id}: ${f.address}: ${f.message}; fix: ${r.rule.fix}`));
    return { ok: false, problems, facts };
  }
  const asProduction =
    request.checkAsProduction && !config.production ? core.evaluateGuardrails([{ ...config, production: true }], [stack])[0]! : undefined;
  const productionFailures = asProduction?.failed ? failures(asProduction) : undefined;
  const cost = core.PRICES[config.aws.region] ? core.estimateEnvironment(config, stack.json) : undefined;
  return {
    ok: true,
    stack,
    facts,
    warnings: core.formatReport(report!).slice(1),
    ...(cost ? { cost } : {}),
    ...(productionFailures ? { productionFailures } : {}),
  };
}

/** The worker's entry file: registers the TypeScript runtime, then calls answerCompileRequests. */
export const WORKER_ENTRY = join(__dirname, 'compile-worker.js');

type Message = { readonly id: number; readonly kind: 'compile' | 'facts' | 'warm'; readonly request: CompileRequest };
type Reply = { readonly id: number; readonly result?: CompileResult | FactsResult; readonly error?: string };

/** One long-lived worker; requests are answered in turn. */
export class Compiler {
  private worker?: Worker;
  private next = 0;
  private readonly pending = new Map<number, { resolve: (r: never) => void; reject: (e: Error) => void }>();

  compile(request: CompileRequest): Promise<CompileResult> {
    return this.ask('compile', request);
  }

  /** The policy facts of an environment, without synthesis. */
  facts(request: CompileRequest): Promise<FactsResult> {
    return this.ask('facts', request);
  }

  /** Starts the worker and loads the core in it, so that the first run does not wait for that (seconds). */
  async warm(): Promise<void> {
    await this.ask('warm', { configDir: '', relativeTo: '', environment: '' });
  }

  private ask<R>(kind: Message['kind'], request: CompileRequest): Promise<R> {
    const worker = this.start();
    const id = this.next++;
    return new Promise<R>((resolvePromise, reject) => {
      this.pending.set(id, { resolve: resolvePromise as (r: never) => void, reject });
      worker.postMessage({ id, kind, request } satisfies Message);
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    // The entry loads the TypeScript runtime itself, however this process was started (npm, bin/platform.js).
    const worker = new Worker(WORKER_ENTRY);
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (!waiting) return;
      if (reply.result) waiting.resolve(reply.result as never);
      else waiting.reject(new Error(reply.error ?? 'the compile worker gave no result'));
    });
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the compile worker stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }
}

/** In the worker: answers the main thread's compile requests, one at a time. */
export function answerCompileRequests(): void {
  const port = parentPort;
  if (!port) throw new Error('answerCompileRequests runs in the compile worker only');
  port.on('message', ({ id, kind, request }: Message) => {
    try {
      if (kind === 'warm') require('../core/index');
      port.postMessage({
        id,
        result: kind === 'warm' ? { found: false } : kind === 'facts' ? readFacts(request) : compileEnvironment(request),
      } satisfies Reply);
    } catch (error) {
      port.postMessage({ id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies Reply);
    }
  });
}
