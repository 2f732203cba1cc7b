package dev.hotdata.local.upload;

/** An S3-style storage error ({@code <Error><Code>..</Code>}), answered as XML. */
public final class StorageError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;

    public StorageError(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** The S3-like XML body. */
    public String xml() {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>"
                + code
                + "</Code><Message>"
                + getMessage()
                + "</Message></Error>";
    }
}
