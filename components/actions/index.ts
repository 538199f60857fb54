/**
 * Operator actions and the access-control UI. Each action component renders
 * nothing unless the signed-in user is an operator and actions are on, so a
 * page may place them unconditionally.
 */
export { AuditLogView } from './AuditLogView';
export { BulkReleasePanel } from './BulkReleasePanel';
export { PurgePanel } from './PurgePanel';
export { ReleaseButton } from './ReleaseButton';
export { SessionControls } from './SessionControls';
