package dev.jobqueue.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class AppOptionsTest {
  @Test
  void defaults() {
    AppOptions o = AppOptions.parse(List.of());
    assertThat(o).isEqualTo(new AppOptions(8080, "sqlite:jobqueue-example.db", 4, Path.of("data")));
  }

  @Test
  void parsesBothForms() {
    AppOptions o =
        AppOptions.parse(
            List.of("--port", "9000", "--store=memory", "--workers", "2", "--data-dir=/tmp/x"));
    assertThat(o).isEqualTo(new AppOptions(9000, "memory", 2, Path.of("/tmp/x")));
  }

  @Test
  void rejectsBadValuesWithUsefulMessages() {
    assertThatThrownBy(() -> AppOptions.parse(List.of("--port", "x")))
        .hasMessageContaining("--port must be a number");
    assertThatThrownBy(() -> AppOptions.parse(List.of("--store", "redis:x")))
        .hasMessageContaining("'memory' or 'sqlite:PATH'");
    assertThatThrownBy(() -> AppOptions.parse(List.of("--store", "postgres:localhost")))
        .hasMessageContaining("'postgres:JDBC_URL' (for example postgres:jdbc:postgresql://");
    assertThat(
            AppOptions.parse(List.of("--store=postgres:jdbc:postgresql://db:5432/app?user=app"))
                .store())
        .isEqualTo("postgres:jdbc:postgresql://db:5432/app?user=app");
    assertThatThrownBy(() -> AppOptions.parse(List.of("--workers", "0")))
        .hasMessageContaining("--workers must be 1..256");
    assertThatThrownBy(() -> AppOptions.parse(List.of("--colour", "red")))
        .hasMessageContaining("unknown option --colour");
    assertThatThrownBy(() -> AppOptions.parse(List.of("--port")))
        .hasMessageContaining("--port needs a value");
  }
}
