// Error-budget arithmetic: replica-time Ready over a rolling window from samples of (time, ready, total).

/** One observation: at `at` (ms), `ready` of `total` replicas were Ready. */
export interface Sample {
  at: number;
  ready: number;
  total: number;
}

export interface Evaluation {
  /** Percent of replica-time Ready over the covered part of the window; undefined when nothing is covered. */
  availability?: number;
  /** Whole percent of the error budget left (0-100). */
  budgetRemaining: number;
  /** Milliseconds of the window the samples cover. */
  coveredMs: number;
}

/** Keeps the samples needed for a window of `windowMs` (the oldest one still reaching into it is kept). */
export function trim(samples: Sample[], now: number, windowMs: number): Sample[] {
  const from = now - windowMs;
  let i = 0;
  while (i + 1 < samples.length && samples[i + 1].at <= from) i++;
  return samples.slice(i);
}

/**
 * Each sample holds until the next one (the last until `now`); the part before `now - windowMs` is not counted.
 * Budget consumed = unavailability / (1 - objective); remaining is floored to a whole percent.
 */
export function evaluate(samples: Sample[], now: number, windowMs: number, objective: number): Evaluation {
  const from = now - windowMs;
  let good = 0;
  let all = 0;
  let covered = 0;
  for (let i = 0; i < samples.length; i++) {
    const start = Math.max(samples[i].at, from);
    const end = Math.min(i + 1 < samples.length ? samples[i + 1].at : now, now);
    if (end <= start || samples[i].total === 0) continue;
    good += samples[i].ready * (end - start);
    all += samples[i].total * (end - start);
    covered += end - start;
  }
  if (all === 0) return { budgetRemaining: 100, coveredMs: 0 };
  const availability = (100 * good) / all;
  const consumed = (100 - availability) / (100 - objective);
  const budgetRemaining = Math.max(0, Math.min(100, Math.floor(100 * (1 - consumed) + 1e-9)));
  return { availability: Math.round(availability * 1000) / 1000, budgetRemaining, coveredMs: covered };
}
