package io.flinkvision.core.runtime;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/** A session with the options it was created with (kept open until the session closes) and where it runs. */
record OpenedSession(OrtSession session, OrtSession.SessionOptions options, DevicePlacement placement)
        implements AutoCloseable {

    @Override
    public void close() throws OrtException {
        try {
            session.close();
        } finally {
            options.close();
        }
    }
}
