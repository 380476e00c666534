// Score penalty: a site that offers only a fallback of the component's runtimes ranks below one offering its first choice.
import type { RuntimeKind } from '../../model/index.js';
import type { Penalty } from '../stage.js';

/**
 * Subtracted from the score of a site that offers none of the component's first-choice runtime, only a later one
 * (`runtimes: [container, process]` on a process-only site). Like a PreferNoSchedule taint it is above the whole
 * score range, so within a category tier a site with the preferred runtime always wins and a fallback site is
 * chosen only when none fits. Charged once whatever the position of the fallback, so a placed replica still costs
 * less than an unplaced one: 100 + 101 × 4 tiers + 101 × 3 taints + 101 = 908 < UNPLACED_PENALTY (1000).
 */
export const RUNTIME_FALLBACK_PENALTY = 101;

export const runtimePreferencePenalty: Penalty<RuntimeKind> = {
  stage: 'penalty',
  name: 'runtime',
  order: 20,
  description: `A site offering only a fallback of the component's runtimes (not its first choice) costs ${RUNTIME_FALLBACK_PENALTY} points: it is chosen only when no site of the same category tier offers the first choice.`,
  reads: { request: ['runtimes'], site: ['runtimes'] },
  // Applies only to components that list several runtimes (the runtime filter already removed sites with none).
  prepare: (_ctx, plan) =>
    plan.component.runtimes && plan.component.runtimes.length > 1 ? plan.component.runtimes[0]! : null,
  penalty: (site, first) => (site.runtimes.includes(first) ? 0 : RUNTIME_FALLBACK_PENALTY),
  floor: () => 0,
  describe: (n, first) => `${n} scored down for offering a fallback runtime, not ${first}`,
};
