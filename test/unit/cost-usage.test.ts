/**
 * Usage that follows the configuration (src/cost/schedule.ts and the task
 * count of src/cost/estimate.ts): autoscaled services at their desired count
 * held between min and max, scheduled scaling by the hours it runs, worked
 * out by hand against the 2025 calendar.
 */
import { estimateStack } from '../../src/cost/estimate';
import { scheduledTasks } from '../../src/cost/schedule';
import { EXAMPLES_DIR } from '../support/helpers';
import { synthesizedFixture } from '../support/synth-cache';

describe('scheduled scaling', () => {
  it('counts a nightly stop by the hours it runs', () => {
    // 0 tasks from 20:00, back to the desired 1 (held in 1-2) from 06:00: 14 of 24 hours.
    const night = scheduledTasks(1, [
      { schedule: 'cron(0 20 * * ? *)', min: 0, max: 0 },
      { schedule: 'cron(0 6 * * ? *)', min: 1, max: 2 },
    ]);
    expect(night.averageTasks).toBeCloseTo(14 / 24, 9);
    expect(night.hoursRunning).toBeCloseTo((730 * 14) / 24, 6);
    expect(night.skipped).toEqual([]);
  });

  it('counts office hours on weekdays by the calendar', () => {
    // 2025 has 261 weekdays; 2 tasks from 08:00 to 18:30 on each (10.5 hours), none otherwise.
    const office = scheduledTasks(2, [
      { schedule: 'cron(0 8 ? * MON-FRI *)', min: 1, max: 4 },
      { schedule: 'cron(30 18 ? * 2-6 *)', min: 0, max: 0 },
    ]);
    expect(office.averageTasks).toBeCloseTo((2 * 261 * 10.5) / 8760, 9);
    expect(office.hoursRunning).toBeCloseTo((261 * 10.5 * 730) / 8760, 6);
  });

  it("holds the desired count to each schedule's range", () => {
    // Desired 3; from 22:00 at most 1, from 07:00 at least 5: 1 for 9 hours, 5 for 15.
    const held = scheduledTasks(3, [
      { schedule: 'cron(0 22 * * ? *)', min: 0, max: 1 },
      { schedule: 'cron(0 7 * * ? *)', min: 5, max: 8 },
    ]);
    expect(held.averageTasks).toBeCloseTo((9 * 1 + 15 * 5) / 24, 9);
  });

  it('takes a rate as always in force, and skips what it cannot replay, saying why', () => {
    expect(scheduledTasks(4, [{ schedule: 'rate(1 hour)', min: 0, max: 2 }]).averageTasks).toBe(2);
    const skipped = scheduledTasks(2, [
      { schedule: 'at(2025-06-01T00:00:00)', min: 0, max: 0 },
      { schedule: 'cron(0 8 L * ? *)', min: 0, max: 0 },
    ]);
    expect(skipped.averageTasks).toBe(2);
    expect(skipped.skipped).toEqual([
      { schedule: 'at(2025-06-01T00:00:00)', why: 'a one-time action (at(...)) is not part of a month that repeats' },
      {
        schedule: 'cron(0 8 L * ? *)',
        why: 'day-of-month field: "L" is not a value, range or step the estimate reads (L, W and # are not replayed)',
      },
    ]);
  });
});

describe('autoscaled services', () => {
  const prodJson = synthesizedFixture(EXAMPLES_DIR).find((s) => s.environment === 'prod')!.json;
  const api = 'service-api_service_454F4786';
  const withDesired = (count: number) => {
    const document = JSON.parse(prodJson);
    document.resource.aws_ecs_service[api].desired_count = count;
    return estimateStack(JSON.stringify(document), 'prod');
  };
  const vcpu = (estimate: ReturnType<typeof estimateStack>) =>
    estimate.lines.find((l) => l.address === `aws_ecs_service.${api}` && l.item.startsWith('Fargate vCPU'))!;

  it('are priced at their desired count between min and max, and say so', () => {
    // api: 1 vCPU tasks, autoscaling 3-12.
    expect(vcpu(withDesired(5)).quantity).toBe(5 * 730);
    expect(vcpu(withDesired(5)).item).toContain('5 task(s) of 1 vCPU, 2 GB; desired count 5 within autoscaling 3-12');
    expect(vcpu(withDesired(20)).quantity).toBe(12 * 730);
    expect(vcpu(withDesired(20)).item).toContain('desired count 12 (20 held to the range) within autoscaling 3-12');
    expect(vcpu(withDesired(1)).quantity).toBe(3 * 730);
  });

  it('gives the same bytes for the same stack', () => {
    expect(JSON.stringify(withDesired(5))).toBe(JSON.stringify(withDesired(5)));
  });
});
