/** `guardrails`: waivers of guardrail rules, each with its reason. */
import { z } from 'zod';
import { strictObject } from './strict-object';

export const guardrailsSchema = strictObject({
  /** Rule ID -> the reason a rule does not apply here. */
  waivers: z
    .record(z.string(), z.string().trim().min(10, 'give the reason for the waiver in a sentence'))
    .default({})
    .describe('Guardrail rule ID -> the reason it does not apply here (a sentence); reported on every check, never silent'),
});
