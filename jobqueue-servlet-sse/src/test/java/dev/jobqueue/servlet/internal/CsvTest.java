package dev.jobqueue.servlet.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobqueue.Job;
import dev.jobqueue.JobStatus;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CsvTest {
  static Job job(String title, String error) {
    return new Job.Builder()
        .id("j1")
        .type("analyze")
        .status(JobStatus.FAILED)
        .createdAt(Instant.parse("2024-05-01T10:00:00.123456Z"))
        .updatedAt(Instant.parse("2024-05-01T10:00:01Z"))
        .title(title)
        .error(error)
        .priority(-2)
        .childJobIds(List.of("c1", "c2"))
        .result(Map.of("k", "v,1"))
        .build();
  }

  @Test
  void quotesCommasQuotesAndLineBreaks() {
    StringBuilder sb = new StringBuilder();
    Csv.quoted(sb, "plain");
    sb.append('|');
    Csv.quoted(sb, "a,b");
    sb.append('|');
    Csv.quoted(sb, "say \"hi\"");
    sb.append('|');
    Csv.quoted(sb, "two\nlines");
    assertThat(sb).hasToString("plain|\"a,b\"|\"say \"\"hi\"\"\"|\"two\nlines\"");
  }

  @Test
  void neutralisesFormulaLikeText() {
    assertThat(Csv.neutralise("=SUM(A1)")).isEqualTo("'=SUM(A1)");
    assertThat(Csv.neutralise("+1")).isEqualTo("'+1");
    assertThat(Csv.neutralise("-1")).isEqualTo("'-1");
    assertThat(Csv.neutralise("@cmd")).isEqualTo("'@cmd");
    assertThat(Csv.neutralise("\tx")).isEqualTo("'\tx");
    assertThat(Csv.neutralise("Photo = nice")).isEqualTo("Photo = nice");
    assertThat(Csv.neutralise("")).isEmpty();
  }

  @Test
  void rowHasEveryColumnAndKeepsOwnNumbersUntouched() throws Exception {
    StringWriter w = new StringWriter();
    Csv.writeHeader(w, false);
    Csv.writeRow(w, job("=HYPERLINK(\"http://x\")", "boom, \"bad\""), false);
    String[] lines = w.toString().split("\r\n");
    assertThat(lines[0])
        .startsWith("job_id,type,status,created_at,")
        .endsWith(",warnings,cancel_requested");
    assertThat(lines[0].split(",")).hasSize(Csv.COLUMNS.size());
    assertThat(lines[1])
        .startsWith("j1,analyze,failed,2024-05-01T10:00:00.123Z,,,2024-05-01T10:00:01Z,0.0,")
        .contains(",\"'=HYPERLINK(\"\"http://x\"\")\",")
        .contains(",c1;c2,\"{\"\"k\"\":\"\"v,1\"\"}\",\"boom, \"\"bad\"\"\",")
        .contains(",true,-2,1,1,") // priority -2 is our number: not neutralised
        .endsWith(",false"); // cancel_requested
  }
}
