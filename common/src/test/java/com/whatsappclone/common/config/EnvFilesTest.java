package com.whatsappclone.common.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvFilesTest {

  @TempDir Path dir;

  private void write(String name, String content) throws IOException {
    Files.writeString(dir.resolve(name), content);
  }

  @Test
  void localFileIsChosenWhenNeitherAppEnvNorDockerIsSet() {
    assertThat(EnvFiles.environmentFileName(Map.of())).isEqualTo(".env.local");
  }

  @Test
  void dockerFileIsChosenWhenRunningInDocker() {
    assertThat(EnvFiles.environmentFileName(Map.of("RUNNING_IN_DOCKER", "true"))).isEqualTo(".env.docker");
  }

  @Test
  void appEnvWinsOverRunningInDocker() {
    assertThat(EnvFiles.environmentFileName(Map.of("APP_ENV", "staging", "RUNNING_IN_DOCKER", "true")))
        .isEqualTo(".env.staging");
  }

  @Test
  void realEnvironmentBeatsDotEnvWhichBeatsEnvironmentFile() throws IOException {
    write(".env.local", "A=from-local\nB=from-local\nC=from-local\n");
    write(".env", "B=from-dotenv\nC=from-dotenv\n");

    Map<String, String> values = EnvFiles.load(dir, Map.of("C", "from-process")).values();

    assertThat(values).containsEntry("A", "from-local")
        .containsEntry("B", "from-dotenv")
        .containsEntry("C", "from-process");
  }

  @Test
  void appEnvFileIsReadInsteadOfLocal() throws IOException {
    write(".env.local", "A=from-local\n");
    write(".env.test", "A=from-test\n");

    EnvFiles.Layered layered = EnvFiles.load(dir, Map.of("APP_ENV", "test"));

    assertThat(layered.values()).containsEntry("A", "from-test");
    assertThat(layered.filesRead()).containsExactly(dir.resolve(".env.test"));
  }

  @Test
  void missingFilesAreFine() {
    EnvFiles.Layered layered = EnvFiles.load(dir, Map.of("ONLY", "env"));

    assertThat(layered.filesRead()).isEmpty();
    assertThat(layered.values()).containsExactly(Map.entry("ONLY", "env"));
  }

  @Test
  void builtInDefaultsApplyOnlyWhenNoLayerSetsTheName() throws IOException {
    write(".env.local", "CHAT_SERVICE_GRPC_PORT=6000\n");

    Settings settings = Settings.load(dir, Map.of());

    assertThat(settings.port("CHAT_SERVICE_GRPC_PORT", 50052)).isEqualTo(6000);
    assertThat(settings.port("AUTH_SERVICE_GRPC_PORT", 50051)).isEqualTo(50051);
  }
}
