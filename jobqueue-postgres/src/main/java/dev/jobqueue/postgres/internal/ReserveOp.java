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

/** Reserves runnable jobs: they stay queued; no other reservation returns them meanwhile. */
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
    ps.setInt(i++, request.max());
    ps.setString(i++, request.owner());
    PgCodec.setMicros(ps, i, PgCodec.microsFromNow(request.leaseUntil()));
    record Row(Job job, int priority, long seq) {}
    List<Row> rows = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      int n = PgCodec.PARAMS - 1;
      while (rs.next()) {
        rows.add(new Row(PgCodec.read(rs, 1), rs.getInt(n + 1), rs.getLong(n + 2)));
      }
    }
    // RETURNING has no order: put them back in claim order
    rows.sort(Comparator.comparingInt(Row::priority).reversed().thenComparingLong(Row::seq));
    return rows.stream().map(Row::job).toList();
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
