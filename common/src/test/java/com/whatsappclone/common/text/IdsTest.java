package com.whatsappclone.common.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.whatsappclone.common.error.ErrorDetails;
import com.whatsappclone.common.error.InvalidArgumentException;
import com.whatsappclone.common.error.UnauthenticatedException;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class IdsTest {

  private static final String ID = "0190a8f2-3c4d-7e5f-8a9b-0c1d2e3f4a5b";

  @Test
  void aCanonicalIdParsesAndSurroundingWhitespaceOfARequestFieldIsIgnored() {
    assertThat(Ids.parse("conversation_id", ID)).isEqualTo(UUID.fromString(ID));
    assertThat(Ids.parse("conversation_id", " " + ID.toUpperCase() + "\n")).isEqualTo(UUID.fromString(ID));
    assertThat(Ids.optional("status_id", "")).isEmpty();
    assertThat(Ids.optional("status_id", ID)).contains(UUID.fromString(ID));
  }

  @Test
  void anEmptyRequiredIdIsRefusedAsRequiredNamingTheField() {
    assertThatThrownBy(() -> Ids.parse("conversation_id", "  "))
        .isInstanceOfSatisfying(InvalidArgumentException.class, e -> {
          assertThat(e.getMessage()).isEqualTo("conversation_id: is required");
          assertThat(e.errorReason()).isEqualTo("FIELD_REQUIRED");
          assertThat(e.field()).isEqualTo("conversation_id");
        });
  }

  @Test
  void aShortenedOrForeignIdIsRefusedWithTheFieldInABadRequest() {
    for (String odd : new String[] {"1-2-3-4-5", "not-a-uuid", "{" + ID + "}", ID + "0"}) {
      assertThatThrownBy(() -> Ids.parse("message_id", odd, "an id from ListMessages"))
          .isInstanceOfSatisfying(InvalidArgumentException.class, e -> {
            assertThat(e.getMessage()).isEqualTo("message_id: must be a UUID (an id from ListMessages)");
            assertThat(e.errorReason()).isEqualTo("INVALID_ID");
            assertThat(ErrorDetails.badRequest(e.toStatusRuntimeException()).orElseThrow()
                .getFieldViolations(0).getField()).isEqualTo("message_id");
          });
    }
  }

  @Test
  void aTokenSubjectThatIsNoUserIdIsUnauthenticated() {
    assertThat(Ids.caller(ID)).isEqualTo(UUID.fromString(ID));
    assertThatThrownBy(() -> Ids.caller("admin"))
        .isInstanceOfSatisfying(UnauthenticatedException.class,
            e -> assertThat(e.errorReason()).isEqualTo("TOKEN_SUBJECT_INVALID"));
  }

  @Test
  void storedValuesMustBeExact() {
    assertThat(Ids.tryParse(ID)).contains(UUID.fromString(ID));
    assertThat(Ids.tryParse(" " + ID)).isEmpty();
    assertThat(Ids.tryParse(null)).isEmpty();
  }
}
