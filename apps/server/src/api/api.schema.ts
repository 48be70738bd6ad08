import Type from 'typebox';

const ErrorProperties = {
  code: Type.String({ description: '`ZQ_VALIDATION`, `ZQ_TENANCY_SITE_NOT_FOUND`, …' }),
  message: Type.String(),
  field: Type.Optional(Type.String({ description: 'The request field the error is about (API name, e.g. `hosts[1]`)' })),
  details: Type.Optional(Type.Record(Type.String(), Type.Unknown(), {
    description: 'What the client needs to act on the error: `latestRevisionId` of a revision conflict, `findings` of blocking checks',
  })),
};

/** Every error the API answers: a stable code, an English message, and the field it is about. */
export const ErrorSchema = Type.Object(ErrorProperties);

const DESCRIPTIONS = {
  400: 'Invalid input (`ZQ_VALIDATION`, with `field`)',
  401: 'Not signed in',
  403: 'Not a platform admin, or a write into a platform it only oversees',
  404: 'Not found, or not visible to this platform',
  409: 'Conflict: a code or host already taken, or the reserved admin host',
  413: 'The upload is larger than the configured limit (`ZQ_CONTENT_FILE_TOO_LARGE`)',
  415: 'The body must be JSON',
  422: 'Refused by a rule (no independent site for a township or a county department)',
  500: 'Internal error',
} as const;
type Status = keyof typeof DESCRIPTIONS;
type Always = 400 | 401 | 403 | 404 | 500;

/** The error responses of a route: 400, 401, 403, 404 and 500 always, plus the given ones (415 where it takes a body). */
export function errors<E extends Status = never>(...extra: E[]): Record<Always | E, typeof ErrorSchema> {
  const statuses: Status[] = [400, 401, 403, 404, 500, ...extra];
  return Object.fromEntries(statuses.map((s) => [s, Type.Object(ErrorProperties, { description: DESCRIPTIONS[s] })])) as Record<Always | E, typeof ErrorSchema>;
}

/** A response with no body. */
export const NoContent = Type.Null({ description: 'No content' });
