export { batchWorkflow } from './batchWorkflow';
export { caseWorkflow } from './caseWorkflow';
