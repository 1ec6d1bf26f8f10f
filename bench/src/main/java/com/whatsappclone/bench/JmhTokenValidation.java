package com.whatsappclone.bench;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.runner.options.VerboseMode;

/** Runs {@link TokenValidationBenchmark} with JMH, briefly: one fork, a few one-second iterations. */
final class JmhTokenValidation {

  private JmhTokenValidation() {}

  static Map<String, Object> run() throws RunnerException {
    Options options = new OptionsBuilder()
        .include(TokenValidationBenchmark.class.getName() + ".validateAccessToken")
        .mode(Mode.AverageTime)
        .timeUnit(TimeUnit.MICROSECONDS)
        .forks(1)
        .jvmArgs("-Xms256m", "-Xmx256m")
        .warmupIterations(3)
        .warmupTime(TimeValue.seconds(1))
        .measurementIterations(5)
        .measurementTime(TimeValue.seconds(1))
        .threads(1)
        .verbosity(VerboseMode.SILENT)
        .build();
    Collection<RunResult> results = new Runner(options).run();
    RunResult result = results.iterator().next();
    double micros = result.getPrimaryResult().getScore();
    double error = result.getPrimaryResult().getScoreError();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("benchmark", "TokenManager.validateAccessToken (HS256)");
    out.put("microsPerValidation", round3(micros));
    out.put("errorMicros99_9", Double.isNaN(error) ? null : round3(error));
    out.put("validationsPerSecondPerCore", Math.round(1e6 / micros));
    out.put("settings", "1 fork, 3x1s warm-up, 5x1s measurement, 1 thread, average time");
    return out;
  }

  private static double round3(double value) {
    return Math.round(value * 1000.0) / 1000.0;
  }
}
