package com.whatsappclone.common.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.whatsappclone.common.error.InvalidArgumentException;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextInputTest {

  static final List<String> CONTROL_IN_ANY_TEXT = List.of(
      "a\u0000b", "title\u001b[2J", "bell\u0007", "del\u007f", "c1 next line\u0085", "c1 csi\u009b31m");

  @Test
  void singleLineRefusesEveryControlCharacterIncludingLineBreaksAndTabs() {
    for (String bad : concat(CONTROL_IN_ANY_TEXT, List.of("two\nlines", "cr\rreturn", "a\r\nb", "tab\there"))) {
      assertThatThrownBy(() -> TextInput.singleLine("group_name", bad, 100))
          .as("%s", bad.codePoints().boxed().toList())
          .isInstanceOf(InvalidArgumentException.class)
          .hasMessage("group_name: must not contain control characters");
      assertThatThrownBy(() -> TextInput.singleLineCharacters("media_url", bad))
          .isInstanceOf(InvalidArgumentException.class)
          .hasMessageStartingWith("media_url: ");
    }
  }

  @Test
  void multiLineAllowsLineBreaksAndTabsButNoOtherControlCharacter() {
    assertThat(TextInput.multiLine("content", "line one\nline two\r\n\tindented", 100))
        .isEqualTo("line one\nline two\r\n\tindented");
    for (String bad : CONTROL_IN_ANY_TEXT) {
      assertThatThrownBy(() -> TextInput.multiLineCharacters("content", bad))
          .as("%s", bad.codePoints().boxed().toList())
          .isInstanceOf(InvalidArgumentException.class)
          .hasMessage("content: must not contain control characters other than line breaks and tabs");
    }
  }

  @Test
  void ordinaryTextOfAnyScriptPasses() {
    for (String ok : List.of("Aile 👨‍👩‍👧", "Çalışma grubu", "مرحبا", "שלום", "你好", "a\u200fb")) {
      assertThat(TextInput.singleLine("group_name", ok, 100)).isEqualTo(ok);
      assertThat(TextInput.multiLine("content", ok, 100)).isEqualTo(ok);
    }
  }

  @Test
  void lengthCountsCharactersNotUtf16Units() {
    String hundredEmoji = "\uD83D\uDE00".repeat(100);

    assertThat(TextInput.singleLine("group_name", hundredEmoji, 100)).isEqualTo(hundredEmoji);
    assertThatThrownBy(() -> TextInput.singleLine("group_name", hundredEmoji + "x", 100))
        .hasMessage("group_name: must be at most 100 characters");
  }

  @Test
  void refusalNeverEchoesTheValue() {
    assertThatThrownBy(() -> TextInput.singleLine("display_name", "secret\u001bvalue", 100))
        .message().doesNotContain("secret").doesNotContain("value");
  }

  @Test
  void nullIsEmpty() {
    assertThat(TextInput.singleLine("f", null, 1)).isEmpty();
    assertThat(TextInput.multiLineCharacters("f", null)).isEmpty();
  }

  private static List<String> concat(List<String> a, List<String> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
  }
}
