// Public surface of admission checks beyond the schema: references and requirement contradictions.
export {
  applicationProblems,
  deploymentProblems,
  referenceAdmission,
  referenceLookups,
  rejectIf,
} from './references.js';
export {
  applicationRuntimeProblems,
  componentRuntimeProblems,
  globMatch,
  runtimeAdmission,
  runtimeRules,
  type RuntimeAdmissionOptions,
} from './runtime-policy.js';
