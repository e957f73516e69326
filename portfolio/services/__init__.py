"""Commands and queries over a Session: the only code that writes.

Every command takes `(session, actor, ...)`, checks the actor's role, validates, writes, and records an
AuditEvent in the same transaction; callers run it inside `portfolio.db.unit_of_work`."""
