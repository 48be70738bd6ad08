import { createError } from '@zhanqun/core/errors';

export const WorkflowInProgressError = createError<[string, string]>(
  'ZQ_WORKFLOW_IN_PROGRESS', 'Article %s is already in review (workflow run %s); wait for it or cancel it first', 409);
export const WorkflowRunNotFoundError = createError<[string, string]>('ZQ_WORKFLOW_RUN_NOT_FOUND', 'Workflow run %s not found in site %s', 404);
export const WorkflowNotInProgressError = createError<[string, string]>('ZQ_WORKFLOW_NOT_IN_PROGRESS', 'Workflow run %s is %s, not in progress', 409);
export const OwnRevisionError = createError<[string]>(
  'ZQ_WORKFLOW_OWN_REVISION', 'Nobody approves a revision they wrote: revision %s needs another reviewer', 403);
export const SameReviewerError = createError<[string]>(
  'ZQ_WORKFLOW_SAME_REVIEWER', 'You already acted on an earlier step of this run; the %s step needs another person', 403);
export const NotApprovedError = createError<[string]>(
  'ZQ_WORKFLOW_NOT_APPROVED', 'Article %s has no approved revision waiting to be published: submit it for review first', 409);
export const NotLiveError = createError<[string]>('ZQ_CONTENT_NOT_LIVE', 'Article %s is not on the public site', 409);
export const PublishBlockedError = createError<[string]>(
  'ZQ_CONTENT_CHECKS_BLOCK', 'Pre-publish checks block publishing: %s', 422);
export const NotInTrashError = createError<[string]>('ZQ_CONTENT_NOT_IN_TRASH', 'Article %s is not in the trash', 404);
