package com.whatsappclone.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CloserTest {

  @Test
  void closesInReverseOrderAndThrowsTheFirstFailureWithTheRestSuppressed() {
    List<String> closed = new ArrayList<>();
    Closer closer = new Closer();
    closer.register(() -> closed.add("first"));
    closer.register(() -> {
      closed.add("second");
      throw new IllegalStateException("second failed");
    });
    closer.register(() -> {
      closed.add("third");
      throw new IllegalStateException("third failed");
    });

    assertThatThrownBy(closer::close)
        .hasMessage("third failed")
        .satisfies(e -> assertThat(e.getSuppressed()).extracting(Throwable::getMessage)
            .containsExactly("second failed"));
    assertThat(closed).containsExactly("third", "second", "first");
  }
}
