package dev.jobqueue.servlet.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobqueue.RecurringSchedule;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code GET /schedules}: recurring schedules as JSON (snake_case, ISO-8601 UTC timestamps). */
final class ScheduleJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ScheduleJson() {}

  static byte[] toBytes(List<RecurringSchedule> schedules) {
    List<Map<String, Object>> out = new ArrayList<>(schedules.size());
    for (RecurringSchedule s : schedules) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("schedule_id", s.id());
      m.put("schedule", s.schedule().spec());
      m.put("type", s.template().type());
      m.put("title", s.template().title());
      m.put("user_id", s.userId());
      m.put("paused", s.paused());
      m.put("next_run_at", JobJson.timestamp(s.nextRunAt()));
      m.put("last_run_at", JobJson.timestamp(s.lastRunAt()));
      m.put("last_job_id", s.lastJobId());
      out.add(m);
    }
    try {
      return MAPPER.writeValueAsBytes(out);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
