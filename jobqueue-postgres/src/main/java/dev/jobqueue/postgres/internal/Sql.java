package dev.jobqueue.postgres.internal;

import dev.jobqueue.sql.internal.JobRows;

/**
 * The store's statements for one schema and table prefix, made once.
 *
 * <p>Columns on the database clock take a parameter of microseconds from the caller's clock (see
 * {@link PgCodec#microsFromNow}) and are written as {@code now() + that}; {@code now()} rather than
 * {@code clock_timestamp()} because it is stable within a statement, so a partial index on it can
 * be used.
 */
final class Sql {
  private static final String TERMINAL = "status IN ('completed', 'failed', 'cancelled')";
  private static final String FROM_NOW = "now() + ? * interval '1 microsecond'";
  static final String SCHEDULE_COLUMNS =
      "id, spec, template, paused, next_run_at, last_run_at, last_job_id, version";

  /**
   * Arrays {@link #updateMany} takes: the hot columns, lease, id, expected version, status changed.
   */
  static final int UPDATE_ARRAYS = JobRows.HOT_PARAMS + 4;

  /**
   * The condition of the index of running and reserved jobs (jobs_active), repeated in the
   * statements that look for such rows so that the planner sees at once that it holds them.
   */
  private static final String ACTIVE = "(status = 'running' OR reserved_by IS NOT NULL)";

  private static final String DEPENDS_ON_FROM_JSON =
      "CASE WHEN v.depends_on = '[]' THEN '{}'::text[]"
          + " ELSE ARRAY(SELECT jsonb_array_elements_text(v.depends_on::jsonb)) END";

  /** Most events one pruning statement deletes. */
  static final int PRUNE_BATCH = 5_000;

  final String jobs;
  final String insert;
  final String updateMany;
  final String get;
  final String version;
  final String delete;
  final String reserve;
  final String markReserved;
  final String release;
  final String limitLock;

  /**
   * For the rest of the writer's transaction: every statement it runs reaches its rows through an
   * index, one row at a time. Otherwise the planner, which makes the plan of a prepared statement
   * once, from a table that may still be small and young, keeps a sequential scan or hash join for
   * the table's lifetime (seen: the batched update hashing the whole table, 250 µs a row). Bitmap
   * scans too: the reservation must read its candidates in index order, which stops after the batch
   * and marks the index entries of jobs that left the queue dead as it passes them; a bitmap scan
   * reads every entry and marks none, so until autovacuum each reservation got slower (12 ms after
   * 20,000 jobs).
   */
  final String indexOnly =
      "SELECT set_config('enable_seqscan', 'off', true), set_config('enable_bitmapscan', 'off',"
          + " true), set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin',"
          + " 'off', true)";

  final String activeOfType;
  final String renew;
  final String expired;
  final String purge;
  final String counts;
  final String exists;
  final String holder;
  final String logs;
  final String upsertLog;
  final String pausedTypes;
  final String pause;
  final String resume;
  final String insertSchedule;
  final String getSchedule;
  final String allSchedules;
  final String updateSchedule;
  final String deleteSchedule;
  final String dueSchedule;
  final String advanceSchedule;
  final String countsOfUser;
  final String events;
  final String eventsOfJobs;
  final String readEvents;
  final String pruneEvents;
  final String channel;

  /** {@code qualifiedPrefix}: schema and prefix, for example {@code public.jobqueue_}. */
  Sql(String qualifiedPrefix) {
    jobs = qualifiedPrefix + "jobs";
    get = "SELECT " + PgCodec.COLUMNS + " FROM " + jobs + " WHERE id = ?";
    version = "SELECT version FROM " + jobs + " WHERE id = ?";
    String delete0 = "DELETE FROM " + jobs + " WHERE id = ? AND version = ?";
    // Runnable candidates in claim order, locked: instances reserving at once each take different
    // rows (SKIP LOCKED) instead of waiting for each other. A reservation changes only
    // reserved_by and reserved_until: the job stays queued, same snapshot, same version.
    String candidates =
        " j WHERE j.status = 'queued' AND NOT j.tracked AND j.type = ANY (?)"
            + " AND (j.run_at IS NULL OR j.run_at <= ?)"
            + " AND (j.reserved_until IS NULL OR j.reserved_until < "
            + FROM_NOW
            + ") AND (j.depends_on = '{}' OR NOT EXISTS (SELECT 1 FROM "
            + jobs
            + " d WHERE d.id = ANY (j.depends_on) AND d.status <> 'completed'))"
            + " ORDER BY j.priority DESC, j.seq LIMIT ? FOR UPDATE SKIP LOCKED";
    // the writer's transaction holds them while their starts join it (see Writer), and writes a
    // reservation (markReserved) for the others
    reserve = "SELECT " + PgCodec.columns("j") + ", j.priority, j.seq FROM " + jobs + candidates;
    markReserved =
        "UPDATE "
            + jobs
            + " SET reserved_by = ?, reserved_until = "
            + FROM_NOW
            + " WHERE id = ANY (?)";
    // Reservations of a limited type wait for each other across instances (until commit), so
    // each counts what the others reserved or started; types are locked in name order
    limitLock = "SELECT pg_advisory_xact_lock(hashtext(?))";
    activeOfType =
        "SELECT count(*) FROM "
            + jobs
            + " WHERE "
            + ACTIVE
            + " AND type = ? AND NOT tracked AND (status = 'running' OR reserved_by IS NOT NULL"
            + " AND status = 'queued' AND reserved_until >= "
            + FROM_NOW
            + ")";
    release =
        "UPDATE "
            + jobs
            + " SET reserved_by = NULL, reserved_until = NULL WHERE reserved_by = ? AND id = ANY (?)";
    // One statement per heartbeat: renews the owner's leases and reservations and answers, for the
    // ids the caller runs, those no longer running under it and those whose cancel was asked. The
    // answer reads the committed rows (a plain read, not the locking one), so a row skipped because
    // another instance holds it locked right now is not reported lost; its next beat tells. Both
    // updates run even though the answer does not read the second (PostgreSQL runs every
    // data-modifying WITH); they touch disjoint rows (running, queued). Always one row at least.
    renew =
        "WITH r AS (UPDATE "
            + jobs
            + " SET lease_expires_at = ?, lease_deadline = "
            + FROM_NOW
            + " WHERE seq IN (SELECT seq FROM "
            + jobs
            + " WHERE status = 'running' AND owner = ? AND "
            + ACTIVE
            + " FOR UPDATE SKIP LOCKED) RETURNING 1),"
            + " v AS (UPDATE "
            + jobs
            + " SET reserved_until = "
            + FROM_NOW
            + " WHERE seq IN (SELECT seq FROM "
            + jobs
            + " WHERE reserved_by = ? AND status = 'queued' AND "
            + ACTIVE
            + " FOR UPDATE SKIP LOCKED))"
            + " SELECT n.renewed, a.id, a.mine, a.cancel_requested"
            + " FROM (SELECT count(*) AS renewed FROM r) n LEFT JOIN (SELECT m.id,"
            + " coalesce(j.status = 'running' AND j.owner = ?, false) AS mine,"
            + " coalesce(j.cancel_requested, false) AS cancel_requested"
            + " FROM unnest(?::text[]) AS m(id) LEFT JOIN "
            + jobs
            + " j ON j.id = m.id) a ON NOT a.mine OR a.cancel_requested";
    // One rescuer at a time: an instance that finds another one searching right now gets nothing
    // this beat (it looks again at its next heartbeat). Correctness does not rest on it: every
    // recovery is a compare-and-set on the version it found.
    expired =
        "WITH l AS (SELECT pg_try_advisory_xact_lock(hashtext(?)) AS ok) SELECT "
            + PgCodec.COLUMNS
            + " FROM "
            + jobs
            + ", l WHERE l.ok AND status = 'running' AND "
            + ACTIVE
            + " AND lease_deadline < "
            + FROM_NOW
            + " ORDER BY lease_deadline, seq LIMIT ?";
    // Rows another instance is purging (locked) are skipped: each finished job is deleted, and its
    // deletion announced, once.
    String purge0 =
        "DELETE FROM "
            + jobs
            + " WHERE seq IN (SELECT seq FROM "
            + jobs
            + " WHERE "
            + TERMINAL
            + " AND (coalesce(completed_at, updated_at) < ? OR seq IN (SELECT seq FROM "
            + jobs
            + " WHERE "
            + TERMINAL
            + " ORDER BY coalesce(completed_at, updated_at) DESC, seq DESC OFFSET ?))"
            + " FOR UPDATE SKIP LOCKED) RETURNING "
            + PgCodec.COLUMNS;
    events = qualifiedPrefix + "events";
    channel = qualifiedPrefix + "events";
    String toEvents =
        " INSERT INTO " + events + " (origin, kind, status_changed, " + PgCodec.COLUMNS + ")";
    // Jobs in one statement ({@link ColumnArrays}): one array per column, in insertion order;
    // depends_on comes as JSON text (an array of arrays cannot be unnested into rows). Each job's
    // snapshot goes to the events table in the same statement; the row count is that of the jobs
    // inserted (ON CONFLICT: the id, or an active job's unique key, is taken)
    String many = "?" + ", ?".repeat(PgCodec.PARAMS); // the written columns and lease_deadline
    insert =
        "WITH i AS (INSERT INTO "
            + jobs
            + " ("
            + PgCodec.WRITTEN
            + ", lease_deadline) SELECT "
            + qualify(PgCodec.WRITTEN, "v").replace("v.depends_on,", DEPENDS_ON_FROM_JSON + ",")
            + ", now() + v.lease_us * interval '1 microsecond' FROM unnest("
            + many
            + ") WITH ORDINALITY AS v("
            + PgCodec.WRITTEN
            + ", lease_us, ord) ORDER BY v.ord ON CONFLICT DO NOTHING RETURNING "
            + PgCodec.COLUMNS
            + ")"
            + toEvents
            + " SELECT ?, 'created', true, "
            + PgCodec.COLUMNS
            + " FROM i";
    // Compare-and-set of many jobs in one statement: each row applies only over its expected
    // version; the answer names the jobs that changed. Only the columns a change can touch are
    // written (as in the SQLite store): the others, and their indexes, stay as inserted. A new
    // version ends any reservation: a reserved job that changed is no longer what was fetched.
    updateMany =
        "WITH u AS (UPDATE "
            + jobs
            + " j SET ("
            + JobRows.HOT_COLUMNS
            + ", lease_deadline, reserved_by, reserved_until) = ("
            + qualify(JobRows.HOT_COLUMNS, "v")
            + ", now() + v.lease_us * interval '1 microsecond', NULL, NULL) FROM unnest(?"
            + ", ?".repeat(UPDATE_ARRAYS - 1)
            + ") AS v("
            + JobRows.HOT_COLUMNS
            + ", lease_us, id, base, status_changed) WHERE j.id = v.id AND j.version = v.base"
            + " RETURNING "
            + PgCodec.columns("j")
            + ", v.status_changed)"
            + toEvents
            + " SELECT ?, 'updated', status_changed, "
            + PgCodec.COLUMNS
            + " FROM u RETURNING id";
    delete =
        "WITH d AS ("
            + delete0
            + " RETURNING "
            + PgCodec.COLUMNS
            + ")"
            + toEvents
            + " SELECT ?, 'deleted', true, "
            + PgCodec.COLUMNS
            + " FROM d";
    purge =
        "WITH d AS ("
            + purge0
            + ")"
            + toEvents
            + " SELECT ?, 'deleted', true, "
            + PgCodec.COLUMNS
            + " FROM d RETURNING "
            + PgCodec.COLUMNS;
    eventsOfJobs =
        toEvents.strip()
            + " SELECT ?, 'updated', true, "
            + PgCodec.COLUMNS
            + " FROM "
            + jobs
            + " WHERE id = ANY (?)";
    // ORDER BY names the table's columns: the output column "xid::text" is named xid too, and
    // ordering by that text put xid 10 before 9 (a cursor could pass over rows) and hid the index
    // order (every read sorted all rows after the cursor)
    readEvents =
        "SELECT e.xid::text, e.event_seq, e.origin, e.kind, e.status_changed, "
            + PgCodec.columns("e")
            + " FROM "
            + events
            + " e WHERE (e.xid, e.event_seq) > (?::xid8, ?)"
            + " AND e.xid < pg_snapshot_xmin(pg_current_snapshot())"
            + " ORDER BY e.xid, e.event_seq LIMIT ?";
    // one instance at a time: the others find the lock taken and skip this round
    // a batch of the oldest rows in cursor order (through its index), deleting those past the
    // retention; a young row of an old transaction among them stays until it is old
    pruneEvents =
        "WITH l AS (SELECT pg_try_advisory_xact_lock(hashtext(?)) AS ok), o AS (SELECT e.ctid AS"
            + " row FROM "
            + events
            + " e, l WHERE l.ok ORDER BY e.xid, e.event_seq LIMIT "
            + PRUNE_BATCH
            + ") DELETE FROM "
            + events
            + " d USING o WHERE d.ctid = o.row"
            + " AND d.recorded_at < now() - ? * interval '1 millisecond'";
    exists = "SELECT 1 FROM " + jobs + " WHERE id = ?";
    // repeats the unique index's expressions and condition, so that it is used
    holder =
        "SELECT "
            + PgCodec.COLUMNS
            + " FROM "
            + jobs
            + " WHERE coalesce(user_id, '') = coalesce(?, '') AND (user_id IS NULL) = (?::text IS NULL)"
            + " AND unique_key = ? AND unique_key IS NOT NULL AND status IN ('queued', 'running')";
    String logTable = qualifiedPrefix + "job_logs";
    logs = "SELECT attempt, dropped, lines FROM " + logTable + " WHERE job_id = ? ORDER BY attempt";
    // a log never outlives, or comes back after, its job
    upsertLog =
        "INSERT INTO "
            + logTable
            + " (job_id, attempt, dropped, lines) SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM "
            + jobs
            + " WHERE id = ?) ON CONFLICT (job_id, attempt) DO UPDATE SET dropped = excluded.dropped,"
            + " lines = excluded.lines";
    String paused = qualifiedPrefix + "paused_types";
    pausedTypes = "SELECT type FROM " + paused + " ORDER BY type";
    pause = "INSERT INTO " + paused + " (type) VALUES (?) ON CONFLICT DO NOTHING";
    resume = "DELETE FROM " + paused + " WHERE type = ?";
    String schedules = qualifiedPrefix + "schedules";
    insertSchedule =
        "INSERT INTO "
            + schedules
            + " ("
            + SCHEDULE_COLUMNS
            + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";
    getSchedule = "SELECT " + SCHEDULE_COLUMNS + " FROM " + schedules + " WHERE id = ?";
    allSchedules = "SELECT " + SCHEDULE_COLUMNS + " FROM " + schedules + " ORDER BY id";
    updateSchedule =
        "UPDATE "
            + schedules
            + " SET spec = ?, template = ?, paused = ?, next_run_at = ?, last_run_at = ?,"
            + " last_job_id = ?, version = ? WHERE id = ? AND version = ?";
    deleteSchedule = "DELETE FROM " + schedules + " WHERE id = ?";
    // the row lock makes instances firing the same occurrence wait, then find it fired
    dueSchedule =
        "SELECT version FROM "
            + schedules
            + " WHERE id = ? AND NOT paused AND next_run_at = ? FOR UPDATE";
    advanceSchedule =
        "UPDATE "
            + schedules
            + " SET next_run_at = ?, last_run_at = ?, last_job_id = ?, version = version + 1"
            + " WHERE id = ?";
    counts = "SELECT type, status, count(*) FROM " + jobs + " GROUP BY type, status";
    countsOfUser =
        "SELECT type, status, count(*) FROM " + jobs + " WHERE user_id = ? GROUP BY type, status";
  }

  /** {@code columns} (a list joined with ", ") each qualified with {@code alias}. */
  private static String qualify(String columns, String alias) {
    return alias + "." + columns.replace(", ", ", " + alias + ".");
  }
}
