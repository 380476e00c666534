// Public surface of the revision controller (rollout history and undo).
export { revisionController, revisionName } from './revisions.js';
