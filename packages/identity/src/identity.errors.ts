import { createError } from '@zhanqun/core/errors';

export const UsernameTakenError = createError<[string]>('ZQ_IDENTITY_USERNAME_TAKEN', 'Username %s is already taken', 409);
export const LoginFailedError = createError('ZQ_IDENTITY_LOGIN_FAILED', 'Wrong username or password', 401);
export const AccountLockedError = createError<[string]>('ZQ_IDENTITY_ACCOUNT_LOCKED', 'Too many failed sign-ins: the account is locked until %s', 423);
export const SecondFactorFailedError = createError('ZQ_IDENTITY_SECOND_FACTOR_FAILED', 'Wrong or expired verification code', 401);
export const UserNotFoundError = createError<[string]>('ZQ_IDENTITY_USER_NOT_FOUND', 'User %s not found', 404);
export const GrantNotFoundError = createError<[string]>('ZQ_IDENTITY_GRANT_NOT_FOUND', 'Grant %s not found', 404);
export const NotAllowedError = createError<[string]>('ZQ_IDENTITY_FORBIDDEN', 'Not allowed: %s', 403);
