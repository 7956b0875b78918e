/** What the AWS API emulator cannot prove (src/terraform/emulator-gaps.ts), reached through the core like every front end. */
export {
  changedAttributes,
  DIFF_GAPS,
  diffGapOf,
  STAND_IN_GAPS,
  standInsOf,
  type DiffGap,
  type PlannedResourceChange,
  type StandInGap,
} from '../core/index';
