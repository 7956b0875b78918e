/**
 * The 60-environment fan-out of `npm run bench`: a `defaults.yaml` push
 * planned and applied (`serve --sandbox`) in 60 environments by 1, then by 3
 * controller processes sharing one DynamoDB table (dynalite), each with
 * `--max-parallel 2`; wall time from the delivery to the last run settled
 * (test/support/controller-fanout.ts, which the end-to-end test uses too).
 */
import { fanOut } from '../test/support/controller-fanout';

export interface FanOutFigures {
  readonly one: number;
  readonly three: number;
}

export async function measureFanOut(): Promise<FanOutFigures> {
  const seconds = async (controllers: number) => {
    const result = await fanOut({ controllers, environments: 60, maxParallel: 2 });
    const failed = result.runs.filter((run) => run.status === 'failed');
    if (failed.length > 0)
      throw new Error(`${failed.length} run(s) failed in the fan-out with ${controllers} controller(s): ${failed[0].error}`);
    return result.ms / 1000;
  };
  return { one: await seconds(1), three: await seconds(3) };
}
