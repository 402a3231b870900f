package dev.jobqueue.postgres.internal;

import dev.jobqueue.Job;
import dev.jobqueue.spi.ClaimRequest;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reserves runnable jobs: locks them in claim order and marks them reserved; they stay queued, and
 * no other reservation returns them meanwhile.
 *
 * <p>In a batch the writer may hold them instead ({@link Tx#mayHoldReservations}): the rows are
 * only locked, which keeps every other instance's reservation off them until the transaction ends,
 * and the answer goes out before the commit. The queue starts such jobs at once, and the writer
 * lets those starts join the open transaction (one row version per job fewer, and one commit
 * fewer); it writes the reservation of any job not started by then before committing.
 */
final class ReserveOp extends WriteOp<List<Job>> {
  private final ClaimRequest request;

  ReserveOp(ClaimRequest request) {
    this.request = request;
  }

  @Override
  List<Job> execute(Tx tx) throws SQLException {
    List<String> types = typesWithRoom(tx);
    if (types.isEmpty()) {
      return List.of();
    }
    PreparedStatement ps = tx.prepare(tx.sql.reserve);
    int i = 1;
    ps.setArray(i++, tx.connection.createArrayOf("text", types.toArray()));
    ps.setLong(i++, PgCodec.nanos(request.now()));
    PgCodec.setMicros(ps, i++, PgCodec.microsFromNow(request.now()));
    ps.setInt(i, request.max());
    record Row(Job job, int priority, long seq) {}
    List<Row> rows = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      int n = PgCodec.PARAMS - 1;
      while (rs.next()) {
        rows.add(new Row(PgCodec.read(rs, 1), rs.getInt(n + 1), rs.getLong(n + 2)));
      }
    }
    // a locking read may return rows out of order: put them back in claim order
    rows.sort(Comparator.comparingInt(Row::priority).reversed().thenComparingLong(Row::seq));
    List<Job> reserved = rows.stream().map(Row::job).toList();
    if (reserved.isEmpty()) {
      return reserved;
    }
    List<String> ids = reserved.stream().map(Job::id).toList();
    // a limited type is counted by its written reservations: those are never only held
    if (tx.mayHoldReservations() && request.concurrencyLimits().isEmpty()) {
      tx.held.hold(this, ids);
    } else {
      writeReservation(tx, ids);
    }
    return reserved;
  }

  /** Writes the reservation of {@code ids}, rows this transaction holds locked and left as read. */
  void writeReservation(Tx tx, List<String> ids) throws SQLException {
    PreparedStatement ps = tx.prepare(tx.sql.markReserved);
    ps.setString(1, request.owner());
    PgCodec.setMicros(ps, 2, PgCodec.microsFromNow(request.leaseUntil()));
    ps.setArray(3, tx.connection.createArrayOf("text", ids.toArray()));
    ps.executeUpdate();
  }

  /**
   * The requested types, less the limited ones whose jobs running or reserved on any instance
   * already reach their limit. Each limited type is locked for the rest of the transaction, so
   * instances reserving it at once count one after the other.
   */
  private List<String> typesWithRoom(Tx tx) throws SQLException {
    Map<String, Integer> limits = request.concurrencyLimits();
    if (limits.isEmpty()) {
      return List.copyOf(request.types());
    }
    List<String> out = new ArrayList<>();
    for (String type : new TreeSet<>(request.types())) {
      Integer limit = limits.get(type);
      if (limit == null) {
        out.add(type);
        continue;
      }
      PreparedStatement lock = tx.prepare(tx.sql.limitLock);
      lock.setString(1, "jobqueue limit " + tx.sql.jobs + " " + type);
      lock.executeQuery().close();
      PreparedStatement count = tx.prepare(tx.sql.activeOfType);
      count.setString(1, type);
      PgCodec.setMicros(count, 2, PgCodec.microsFromNow(request.now()));
      try (ResultSet rs = count.executeQuery()) {
        rs.next();
        if (rs.getLong(1) < limit) {
          out.add(type);
        }
      }
    }
    return out;
  }
}
