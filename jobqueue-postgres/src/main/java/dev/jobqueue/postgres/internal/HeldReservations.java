package dev.jobqueue.postgres.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The reservations a writer transaction holds only locked ({@link ReserveOp}): the reservations to
 * answer before the commit, and the jobs they locked that the transaction has not changed yet,
 * whose reservation must still be written.
 */
final class HeldReservations {
  private final Set<ReserveOp> reservations = new LinkedHashSet<>();
  private final Map<String, ReserveOp> unchanged = new LinkedHashMap<>();

  /** {@code op} locked {@code ids} without writing their reservation. */
  void hold(ReserveOp op, List<String> ids) {
    reservations.add(op);
    for (String id : ids) {
      unchanged.put(id, op);
    }
  }

  /** The reservations held in this transaction; they may be answered before the commit. */
  Set<ReserveOp> reservations() {
    return reservations;
  }

  /** Whether a job a held reservation locked has not changed yet in this transaction. */
  boolean anyUnchanged() {
    return !unchanged.isEmpty();
  }

  /** {@code id} changes in this transaction: the change ends its reservation. */
  void changed(String id) {
    unchanged.remove(id);
  }

  /** Removes the jobs that did not change, by the reservation that locked them. */
  Map<ReserveOp, List<String>> takeUnchanged() {
    Map<ReserveOp, List<String>> byReservation = new LinkedHashMap<>();
    unchanged.forEach(
        (id, op) -> byReservation.computeIfAbsent(op, o -> new ArrayList<>()).add(id));
    unchanged.clear();
    return byReservation;
  }

  void clear() {
    reservations.clear();
    unchanged.clear();
  }
}
