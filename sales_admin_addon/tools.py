"""Helpers shared by the addon's models: the batched crons' retry, checks of raw values."""

import logging
import random
import time

from psycopg2 import OperationalError, errorcodes

from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY

_logger = logging.getLogger(__name__)

BATCH_TRIES = 5


def retry_batch(env, func, auto_commit, tries=BATCH_TRIES):
    """Run ``func()``, one batch of a cron that commits batch by batch, and return what it returns; on a
    serialization failure, a deadlock or a lock not available (users writing the same rows at the same time), roll
    the batch back and run it again, up to ``tries`` times with a random back-off, as Odoo retries a request
    (``odoo.service.model.retrying``); a cron worker retries nothing itself, the job would fail until its next call.

    With ``auto_commit`` (a real run) the rollback is the transaction's: the batches committed before stay, and the
    retry reads on a new snapshot (under REPEATABLE READ the same transaction would fail again). Without it (tests,
    where nothing commits) the batch runs in a savepoint that is rolled back instead.
    """
    for tryno in range(1, tries + 1):
        try:
            if not auto_commit:
                with env.cr.savepoint():
                    return func()
            result = func()
            env.flush_all()
            return result
        except OperationalError as error:
            if not isinstance(error, PG_CONCURRENCY_EXCEPTIONS_TO_RETRY) or tryno == tries:
                raise
            if auto_commit:
                env.cr.rollback()
            env.invalidate_all()
            wait = random.uniform(0.0, 2**tryno) if auto_commit else 0.0
            _logger.info(
                "%s in a batch, %s tries left, batch run again in %.2f s",
                errorcodes.lookup(error.pgcode) if error.pgcode else type(error).__name__,
                tries - tryno,
                wait,
            )
            time.sleep(wait)
    raise RuntimeError("unreachable")


MAX_ID = 2**31 - 1


def is_record_id(value):
    """Whether ``value`` (from ``create``/``write`` values, before the ORM converts them: over RPC, anything) can be
    a record id. An override that reads a many2one from the values before ``super()`` uses it only then, and leaves
    other values to the ORM, which refuses them with its own message."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID
