/** A query the client can fix: answered with its status (400 by default) and this message. */
export class QueryError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'QueryError';
  }
}
