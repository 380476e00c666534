// Public surface of the deployment controller.
export { deploymentController, type DeploymentControllerOptions } from './controller.js';
export { LABEL_DEPLOYMENT, LABEL_COMPONENT, LABEL_SLOT, LABEL_HASH } from './template.js';
export { workloadUrl, isReady } from './env.js';
