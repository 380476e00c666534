// Public surface of admission checks beyond the schema: references and requirement contradictions.
export {
  applicationProblems,
  deploymentProblems,
  referenceAdmission,
  referenceLookups,
  rejectIf,
} from './references.js';
