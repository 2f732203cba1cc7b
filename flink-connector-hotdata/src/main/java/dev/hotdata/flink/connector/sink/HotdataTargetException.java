package dev.hotdata.flink.connector.sink;

import org.apache.flink.annotation.Internal;

/** The sink's target cannot be used as configured; only an operator can fix it. */
@Internal
final class HotdataTargetException extends Exception {

    private static final long serialVersionUID = 1L;

    HotdataTargetException(String message) {
        super(message);
    }

    HotdataTargetException(String message, Throwable cause) {
        super(message, cause);
    }
}
