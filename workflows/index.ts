export { batchWorkflow } from './batchWorkflow';
export { caseWorkflow } from './caseWorkflow';
export { scheduledIntakeWorkflow } from './scheduledIntakeWorkflow';
