import { createError } from '@zhanqun/core/errors';

export const UsernameTakenError = createError<[string]>('ZQ_IDENTITY_USERNAME_TAKEN', 'Username %s is already taken', 409);
export const LoginFailedError = createError('ZQ_IDENTITY_LOGIN_FAILED', 'Wrong username or password', 401);
