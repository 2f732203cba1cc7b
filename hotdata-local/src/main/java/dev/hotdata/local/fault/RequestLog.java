package dev.hotdata.local.fault;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * Every request the server saw (API, storage PUTs, control calls), logged just before each answer
 * is sent. Tests read it to assert how many loads arrived or how many bytes were sent. Survives a
 * restart.
 */
public final class RequestLog {
    private final List<RequestLogEntry> entries = new CopyOnWriteArrayList<>();

    public void add(RequestLogEntry e) {
        entries.add(e);
    }

    /** A snapshot of all entries. */
    public List<RequestLogEntry> entries() {
        return new ArrayList<>(entries);
    }

    /** Entries whose method matches ({@code null}/{@code "*"} = any) and whose path matches. */
    public List<RequestLogEntry> matching(String method, String pathRegex) {
        Pattern p = Pattern.compile(pathRegex);
        List<RequestLogEntry> out = new ArrayList<>();
        for (RequestLogEntry e : entries) {
            if ((method == null || method.equals("*") || method.equalsIgnoreCase(e.method()))
                    && p.matcher(e.path()).matches()) {
                out.add(e);
            }
        }
        return out;
    }

    public int count(String method, String pathRegex) {
        return matching(method, pathRegex).size();
    }

    /** How many matching requests were answered from a consumed upload's receipt. */
    public int countReplayed(String method, String pathRegex) {
        int n = 0;
        for (RequestLogEntry e : matching(method, pathRegex)) {
            if (e.replayed()) {
                n++;
            }
        }
        return n;
    }

    /** How many matching requests answered {@code status} with {@code error.code} {@code code}. */
    public int countError(String method, String pathRegex, int status, String code) {
        int n = 0;
        for (RequestLogEntry e : matching(method, pathRegex)) {
            if (e.status() == status && code.equals(e.errorCode())) {
                n++;
            }
        }
        return n;
    }

    /** Sum of request body bytes of the matching entries. */
    public long requestBytes(String method, String pathRegex) {
        long sum = 0;
        for (RequestLogEntry e : matching(method, pathRegex)) {
            sum += e.requestBytes();
        }
        return sum;
    }

    public void clear() {
        entries.clear();
    }
}
