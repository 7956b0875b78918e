/** Progress events the core emits while it works; front ends decide how (and whether) to show them. */

export type CoreStep = 'load' | 'synthesize' | 'guardrails' | 'init' | 'validate' | 'plan' | 'show' | 'apply' | 'change-check';

export type CoreEvent =
  | { readonly type: 'step-started'; readonly step: CoreStep; readonly stack?: string }
  | { readonly type: 'step-finished'; readonly step: CoreStep; readonly stack?: string; readonly ok: boolean; readonly seconds: number }
  /** A line worth showing: what was chosen (provider mirror, stand-ins), or output of a step. */
  | { readonly type: 'note'; readonly stack?: string; readonly message: string };

export type CoreListener = (event: CoreEvent) => void;

/** A listener that drops every event. */
export const IGNORE_EVENTS: CoreListener = () => undefined;

/** Runs `work` between a started and a finished event, timing it. */
export async function timedStep<T>(
  listener: CoreListener,
  step: CoreStep,
  stack: string | undefined,
  work: () => Promise<T> | T,
  ok: (result: T) => boolean = () => true,
): Promise<T> {
  listener({ type: 'step-started', step, stack });
  const started = Date.now();
  try {
    const result = await work();
    listener({ type: 'step-finished', step, stack, ok: ok(result), seconds: (Date.now() - started) / 1000 });
    return result;
  } catch (error) {
    listener({ type: 'step-finished', step, stack, ok: false, seconds: (Date.now() - started) / 1000 });
    throw error;
  }
}
