package com.whatsappclone.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The test-only copy of the original Go backend's status.proto ({@code src/test/proto/original})
 * must stay the original: it may add comments and options (the Java package), nothing else.
 * Checked against the original when a copy of it sits next to the repository (a clean clone,
 * as in CI, has none: then the test is skipped).
 */
class OriginalStatusProtoFixtureTest {

  @Test
  void fixtureMatchesTheOriginalStatusProtoApartFromCommentsAndOptions() throws IOException {
    // Set by the local-stack pom; from an IDE that runs tests in the module directory, "..".
    Path top = Path.of(System.getProperty("whatsapp.topDirectory", "..")).toAbsolutePath().normalize();
    Path original = top.resolve("../shared/spec/original/status.proto").normalize();
    assumeTrue(Files.isRegularFile(original), "no original status.proto at " + original);
    Path fixture = top.resolve("local-stack/src/test/proto/original/status.proto");

    List<String> expected = definitions(original);
    assertThat(expected).as("definitions in %s", original).contains("message Status {");
    assertThat(definitions(fixture)).as("%s against %s", fixture, original).isEqualTo(expected);
  }

  /** The file without comment lines, option lines and blank lines, whitespace normalised. */
  private static List<String> definitions(Path proto) throws IOException {
    return Files.readAllLines(proto).stream()
        .map(line -> line.strip().replaceAll("\\s+", " "))
        .filter(line -> !line.isEmpty() && !line.startsWith("//") && !line.startsWith("option "))
        .collect(Collectors.toList());
  }
}
