package com.whatsappclone.realtime;

import com.whatsappclone.proto.realtime.NewMessage;
import java.util.List;

/**
 * A seam for tests: called on the worker thread after the catch-up read a page of undelivered
 * messages and before it sends them, so a test can publish a live message exactly there and
 * prove the seam has neither gap nor duplicate. Production uses {@link #NONE}.
 */
interface CatchUpProbe {

  CatchUpProbe NONE = (userId, page) -> { };

  void pageRead(String userId, List<NewMessage> page);
}
