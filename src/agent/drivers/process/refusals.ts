// Start refusals that carry a machine-readable reason for the Workload's Ready condition.
import { ApiError } from '../../../model/errors.js';

/** An Invalid start whose `reason` (e.g. CommandNotFound, DigestMismatch) the status reports instead of StartFailed. */
export class StartRefusal extends ApiError {
  constructor(
    readonly reason: 'CommandNotFound' | 'DigestMismatch',
    detail: string,
  ) {
    super('Invalid', detail);
  }
}

/** The reason an error carries, if any. */
export const refusalReason = (e: unknown): string | undefined => (e instanceof StartRefusal ? e.reason : undefined);
