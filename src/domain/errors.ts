/**
 * A rule of the domain was violated. `reason` is the OTRS-style reason word (NotFound, LoginInUse, ...); the
 * operation turns it into `<Operation>.<reason>` with the message prefixed by the operation's name.
 */
export class DomainError extends Error {
  constructor(readonly reason: string, message: string) { super(message); }
}
