/** Links into the Temporal Web UI, from the configured UI base and namespace; its URLs are built here only. */
import { BatchIdKey } from '../workflows/searchAttributes';
import type { AppConfig } from './env';

const workflowsPage = (config: AppConfig): string =>
  `${config.temporal.uiUrl}/namespaces/${encodeURIComponent(config.temporal.namespace)}/workflows`;

/** One workflow's page, for reports and clerks. */
export function workflowUiLink(config: AppConfig, workflowId: string): string {
  return `${workflowsPage(config)}/${encodeURIComponent(workflowId)}`;
}

/** The workflows of one batch (search attribute BatchId). */
export function batchWorkflowsUiLink(config: AppConfig, batchId: string): string {
  return `${workflowsPage(config)}?query=${encodeURIComponent(`${BatchIdKey.name}="${batchId}"`)}`;
}
